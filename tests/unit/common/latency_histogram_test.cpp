#include "common/latency_histogram.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace regen::metrics {
namespace {

// The nearest-rank percentile of sorted samples, the definition the histogram approximates.
uint64_t exact_percentile(const std::vector<uint64_t>& sorted, double percentile) {
  const double exact_rank = percentile / 100.0 * static_cast<double>(sorted.size());
  const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(exact_rank)));
  return sorted[rank - 1];
}

double relative_error(uint64_t reported, uint64_t exact) {
  if (exact == 0) return reported == 0 ? 0.0 : 1.0;
  return std::abs(static_cast<double>(reported) - static_cast<double>(exact)) /
         static_cast<double>(exact);
}

void check_error_bound(const std::vector<uint64_t>& samples) {
  LatencyHistogram histogram;
  for (uint64_t value : samples) histogram.record(value);
  std::vector<uint64_t> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  for (double percentile : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9}) {
    const uint64_t exact = exact_percentile(sorted, percentile);
    const uint64_t reported = histogram.value_at_percentile(percentile);
    INFO("p" << percentile << " exact " << exact << " reported " << reported);
    // The issue asks for 1 %; the midpoint of a bucket 1/128 wide is within 1/256.
    CHECK(relative_error(reported, exact) <= 1.0 / 256);
  }
  CHECK(histogram.min() == sorted.front());
  CHECK(histogram.max() == sorted.back());
  CHECK(histogram.count() == samples.size());
}

TEST_CASE("latency histogram: percentiles of log-normal latencies are within 1 percent") {
  std::mt19937_64 random(42);
  // Around 200 us with a long tail up to tens of milliseconds, in nanoseconds.
  std::lognormal_distribution<double> latency(12.2, 1.0);
  std::vector<uint64_t> samples;
  for (int i = 0; i < 200000; ++i) samples.push_back(static_cast<uint64_t>(latency(random)));
  check_error_bound(samples);
}

TEST_CASE("latency histogram: percentiles of uniform values over many magnitudes are close") {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int> magnitude(0, 40);
  std::vector<uint64_t> samples;
  for (int i = 0; i < 50000; ++i) {
    const uint64_t base = uint64_t{1} << magnitude(random);
    samples.push_back(base + random() % base);
  }
  check_error_bound(samples);
}

TEST_CASE("latency histogram: small values are exact") {
  LatencyHistogram histogram;
  for (uint64_t value = 0; value < 256; ++value) histogram.record(value);
  CHECK(histogram.value_at_percentile(50) == 127);
  CHECK(histogram.value_at_percentile(100) == 255);
  CHECK(histogram.min() == 0);
  CHECK(histogram.mean() == Approx(127.5));
  for (uint64_t value = 0; value < 256; ++value) {
    CHECK(LatencyHistogram::bucket_width(LatencyHistogram::bucket_index(value)) == 1);
  }
}

TEST_CASE("latency histogram: each bucket covers its values and is under 1/128 of them wide") {
  for (std::size_t index = 0; index < LatencyHistogram::kBucketCount; ++index) {
    const uint64_t lowest = LatencyHistogram::bucket_lowest(index);
    const uint64_t width = LatencyHistogram::bucket_width(index);
    CHECK(LatencyHistogram::bucket_index(lowest) == index);
    CHECK(LatencyHistogram::bucket_index(lowest + width - 1) == index);
    if (lowest >= 128) CHECK(width * 128 <= lowest);
  }
  CHECK(LatencyHistogram::bucket_lowest(LatencyHistogram::kBucketCount - 1) +
            LatencyHistogram::bucket_width(LatencyHistogram::kBucketCount - 1) ==
        LatencyHistogram::kMaxTrackable);
}

TEST_CASE("latency histogram: an empty histogram reports zeros") {
  const LatencyHistogram histogram;
  CHECK(histogram.count() == 0);
  CHECK(histogram.min() == 0);
  CHECK(histogram.max() == 0);
  CHECK(histogram.mean() == 0.0);
  CHECK(histogram.value_at_percentile(99) == 0);
}

TEST_CASE("latency histogram: zero and huge values are kept, huge ones in the top bucket") {
  LatencyHistogram histogram;
  histogram.record(0);
  histogram.record(UINT64_MAX / 4);
  histogram.record(LatencyHistogram::kMaxTrackable);
  CHECK(histogram.min() == 0);
  CHECK(histogram.max() == UINT64_MAX / 4);
  CHECK(histogram.value_at_percentile(0) == 0);
  CHECK(histogram.value_at_percentile(30) == 0);
  CHECK(histogram.value_at_percentile(100) == UINT64_MAX / 4);
  // The top bucket's midpoint, clamped to the range of samples seen.
  CHECK(histogram.value_at_percentile(50) >= LatencyHistogram::kMaxTrackable / 2);
  CHECK(LatencyHistogram::bucket_index(UINT64_MAX) == LatencyHistogram::kBucketCount - 1);
}

TEST_CASE("latency histogram: a single sample is every percentile") {
  LatencyHistogram histogram;
  histogram.record(123456789);
  for (double percentile : {0.0, 1.0, 50.0, 99.9, 100.0}) {
    CHECK(histogram.value_at_percentile(percentile) == 123456789);
  }
  CHECK(histogram.mean() == Approx(123456789.0));
}

TEST_CASE("latency histogram: merging equals recording everything in one histogram") {
  std::mt19937_64 random(3);
  std::exponential_distribution<double> latency(1.0 / 300000.0);
  LatencyHistogram all;
  LatencyHistogram first;
  LatencyHistogram second;
  for (int i = 0; i < 20000; ++i) {
    const auto value = static_cast<uint64_t>(latency(random));
    all.record(value);
    (i % 3 == 0 ? first : second).record(value);
  }
  LatencyHistogram merged;
  merged.merge(first);
  merged.merge(second);
  CHECK(merged == all);
  CHECK(merged.value_at_percentile(99) == all.value_at_percentile(99));
  CHECK(merged.mean() == Approx(all.mean()));
  merged.merge(LatencyHistogram());
  CHECK(merged == all);
}

TEST_CASE("latency histogram: record_n counts a value several times and reset empties it") {
  LatencyHistogram histogram;
  histogram.record_n(1000, 99);
  histogram.record_n(5000, 1);
  histogram.record_n(7, 0);
  CHECK(histogram.count() == 100);
  CHECK(histogram.min() == 1000);
  // 1000 lies in a bucket 4 wide: the midpoint is reported, clamped to the samples' range.
  CHECK(histogram.value_at_percentile(99) == Approx(1000).epsilon(0.01));
  CHECK(histogram.value_at_percentile(99.5) == 5000);
  histogram.reset();
  CHECK(histogram == LatencyHistogram());
}

}  // namespace
}  // namespace regen::metrics
