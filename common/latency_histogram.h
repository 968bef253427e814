#pragma once
// A log-linear histogram of non-negative integers (latencies in nanoseconds, say), in the
// manner of HdrHistogram, which Debian does not package.
//
// Values below 2^kSubBucketBits are counted exactly. Above that, each power-of-two range
// [2^m, 2^(m+1)) is split into 2^kSubBucketBits equal sub-buckets, so a bucket is at most
// 1/128 of the smallest value it holds: percentiles are reported as the bucket's midpoint,
// which is within 1/256 (0.4 %) of the exact sample at every percentile, p99.9 included.
// Memory is fixed (kBucketCount counters, about 43 KB); record() is O(1) with no allocation;
// min, max, count and the sum (hence the mean) are exact.
//
// Values at or above kMaxTrackable are counted in the top bucket (their max and sum stay
// exact). Not thread-safe: give each thread its own histogram and merge() them at the end.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace regen::metrics {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr int kMaxValueBits = 48;  // 2^48 ns is 78 hours
  static constexpr uint64_t kMaxTrackable = uint64_t{1} << kMaxValueBits;
  static constexpr std::size_t kSubBucketCount = std::size_t{1} << kSubBucketBits;
  static constexpr std::size_t kBucketCount =
      kSubBucketCount * static_cast<std::size_t>(kMaxValueBits - kSubBucketBits + 1);

  LatencyHistogram();

  void record(uint64_t value) { record_n(value, 1); }
  void record_n(uint64_t value, uint64_t times);
  // Adds every sample of `other`, as if each had been recorded here.
  void merge(const LatencyHistogram& other);
  void reset();

  uint64_t count() const { return count_; }
  // 0 when empty.
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  uint64_t max() const { return max_; }
  double mean() const;
  // The value below or at which `percentile` % of the samples fall (nearest rank), as the
  // midpoint of its bucket clamped to [min(), max()]. `percentile` is clamped to [0, 100];
  // 0 gives min(), 100 gives max(). 0 when empty.
  uint64_t value_at_percentile(double percentile) const;

  // Same samples (bucket counts, count, min, max, sum).
  bool operator==(const LatencyHistogram& other) const;

  // The bucket a value falls in, and the range [lowest, lowest + width) it covers. Exposed for
  // tests.
  static std::size_t bucket_index(uint64_t value);
  static uint64_t bucket_lowest(std::size_t index);
  static uint64_t bucket_width(std::size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  // Sums past 2^64 are not expected: that is 584 years of nanoseconds.
  uint64_t sum_ = 0;
};

}  // namespace regen::metrics
