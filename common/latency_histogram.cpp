#include "common/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace regen::metrics {

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

std::size_t LatencyHistogram::bucket_index(uint64_t value) {
  if (value >= kMaxTrackable) return kBucketCount - 1;
  if (value < kSubBucketCount) return static_cast<std::size_t>(value);
  const int magnitude = std::bit_width(value) - 1;  // >= kSubBucketBits
  const int shift = magnitude - kSubBucketBits;
  const std::size_t group = static_cast<std::size_t>(shift) + 1;
  const std::size_t sub = static_cast<std::size_t>(value >> shift) - kSubBucketCount;
  return group * kSubBucketCount + sub;
}

uint64_t LatencyHistogram::bucket_lowest(std::size_t index) {
  const std::size_t group = index / kSubBucketCount;
  const uint64_t sub = index % kSubBucketCount;
  if (group == 0) return sub;
  return (kSubBucketCount + sub) << (group - 1);
}

uint64_t LatencyHistogram::bucket_width(std::size_t index) {
  const std::size_t group = index / kSubBucketCount;
  return group == 0 ? 1 : uint64_t{1} << (group - 1);
}

void LatencyHistogram::record_n(uint64_t value, uint64_t times) {
  if (times == 0) return;
  counts_[bucket_index(value)] += times;
  count_ += times;
  sum_ += value * times;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

uint64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(std::isnan(percentile) ? 0.0 : percentile, 0.0, 100.0);
  if (clamped == 0.0) return min();
  if (clamped == 100.0) return max_;
  // Nearest rank: the smallest sample with at least `percentile` % of samples at or below it.
  // The relative nudge keeps 0.99 * 100 (98.99999... or 99.00000...1 in binary) at rank 99.
  const double exact_rank = clamped / 100.0 * static_cast<double>(count_);
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(exact_rank * (1 - 1e-12))));
  uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t middle = bucket_lowest(i) + (bucket_width(i) - 1) / 2;
      return std::clamp(middle, min(), max_);
    }
  }
  return max_;
}

bool LatencyHistogram::operator==(const LatencyHistogram& other) const {
  return count_ == other.count_ && sum_ == other.sum_ && min() == other.min() &&
         max_ == other.max_ && counts_ == other.counts_;
}

}  // namespace regen::metrics
