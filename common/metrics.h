#pragma once
// A small metrics registry rendered in the Prometheus text exposition format 0.0.4.
//
// Families (counter, gauge, histogram) are registered once at start-up; each family hands out
// children, one per combination of label values. A child is created on first use and never
// moved or freed before its registry, so callers may cache the reference and update it on the
// hot path without any lookup. Updating a child is lock-free; looking a child up takes the
// family's reader lock (its writer lock only the first time a combination is seen).
//
// Values are std::atomic<double>: adding uses compare-exchange (libstdc++'s fetch_add on a
// floating atomic), so counters hold exact integers up to 2^53 and fractional amounts (seconds,
// bytes) without a fixed-point scale to choose.
//
// Cardinality: a family has a cap on its children (kDefaultMaxChildren unless given). Once the
// cap is reached, a new combination of label values maps to one overflow child whose label
// values are all "other", so a caller passing unbounded input (a raw path, a client address)
// costs at most cap + 1 series. Combinations already created keep their own child.
//
// Aborts (with a message on stderr) on programming errors only: an invalid or duplicate metric
// name, an invalid label name, histogram bounds not strictly increasing, the wrong number of
// label values. Never on label values, which are arbitrary text and escaped when rendered.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace regen::metrics {

// The Content-Type of Registry::render()'s output.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
// The label value of the overflow child of a family past its cap.
inline constexpr std::string_view kOverflowLabelValue = "other";
inline constexpr std::size_t kDefaultMaxChildren = 1000;

// Prometheus's client library default buckets (seconds): 5 ms .. 10 s.
std::vector<double> default_duration_buckets();

// A value that only goes up. Any thread.
class Counter {
 public:
  // Adds `amount`; a negative or NaN amount is ignored, so the counter stays monotonic.
  void inc(double amount = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down. Any thread.
class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void inc() { add(1.0); }
  void dec() { add(-1.0); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Counts of observations in buckets with upper bounds (`le`, inclusive) plus a +Inf bucket, and
// their sum. observe() is lock-free: one atomic bucket increment and one atomic add to the sum.
// A scrape racing an observe() may see the bucket without the sum (or the reverse); _count is
// the total of the buckets, so it always agrees with the +Inf bucket.
class Histogram {
 public:
  // REQUIRES: `upper_bounds` strictly increasing and finite (Registry::histogram checks).
  explicit Histogram(std::shared_ptr<const std::vector<double>> upper_bounds);

  // Counts `value` in the first bucket whose bound is >= value (NaN goes to +Inf). Any thread.
  void observe(double value);

  // The finite bounds, without +Inf.
  const std::vector<double>& upper_bounds() const { return *upper_bounds_; }
  // Per-bucket (not cumulative) counts: one per bound, then the +Inf bucket.
  std::vector<std::uint64_t> bucket_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<const std::vector<double>> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // upper_bounds_->size() + 1
  std::atomic<double> sum_{0.0};
};

// Writes families and samples in the text format; what a collector is handed at scrape time.
// Only the thread running Registry::render() uses it.
class Exposition {
 public:
  struct Label {
    std::string_view name;
    std::string_view value;
  };

  // Start a family: write its # HELP and # TYPE lines. The samples written next belong to it.
  // Aborts on an invalid name or one already written in this exposition.
  void begin_counter(std::string_view name, std::string_view help);
  void begin_gauge(std::string_view name, std::string_view help);
  // A sample of the family begun last, labels in the order given (values escaped here).
  // Aborts when no family was begun or a label name is invalid.
  void sample(double value, std::initializer_list<Label> labels = {});

  // A family with one unlabelled sample.
  void counter(std::string_view name, std::string_view help, double value);
  void gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return out_; }

 private:
  friend class Registry;
  template <typename T>
  friend class Family;

  void begin(std::string_view name, std::string_view help, std::string_view type);
  // Writes `<family><suffix>{names[i]="values[i]",...,extra}` and the value.
  void write_sample(std::string_view suffix, std::span<const std::string> names,
                    std::span<const std::string> values, const Label* extra, double value);

  std::string out_;
  std::string family_;
  std::vector<std::string> written_;  // family names, to refuse duplicates
};

// Type-erased family, for the registry's list. Not used by callers.
class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  virtual void render(Exposition& out) const = 0;
};

// The children of one metric name. with() is safe from any thread.
template <typename T>
class Family final : public FamilyBase {
 public:
  // The child for these label values (one per label name, in registration order), created on
  // first use; the overflow child once the family is at its cap. The reference is valid as long
  // as the registry. Aborts when the number of values differs from the number of label names.
  T& with(std::span<const std::string_view> label_values);
  T& with(std::initializer_list<std::string_view> label_values) {
    return with(std::span<const std::string_view>(label_values.begin(), label_values.size()));
  }

  const std::string& name() const { return name_; }
  // Children created so far, the overflow child included.
  std::size_t size() const;

 private:
  friend class Registry;

  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::size_t max_children, std::shared_ptr<const std::vector<double>> upper_bounds);
  void render(Exposition& out) const override;

  struct Child {
    std::vector<std::string> label_values;
    std::unique_ptr<T> metric;
  };

  T& create(std::string key, std::span<const std::string_view> label_values);

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::size_t max_children_;
  const std::shared_ptr<const std::vector<double>> upper_bounds_;  // histograms only
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Child> children_;  // by encoded label values
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

// Owns the families; renders them, then the collectors' output. All methods are thread-safe.
// Register families at start-up: registration is cheap but a duplicate name aborts.
class Registry {
 public:
  using Collector = std::function<void(Exposition&)>;

  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* and do not start
  // with "__". A family without labels has its one child from the start, so it is exposed (as
  // 0) before its first update; a labelled family appears once it has a child.
  Family<Counter>& counter(std::string name, std::string help,
                           std::vector<std::string> label_names = {},
                           std::size_t max_children = kDefaultMaxChildren);
  Family<Gauge>& gauge(std::string name, std::string help,
                       std::vector<std::string> label_names = {},
                       std::size_t max_children = kDefaultMaxChildren);
  // `upper_bounds` strictly increasing; a trailing +Inf is dropped (the +Inf bucket is always
  // there). The label name "le" is reserved.
  Family<Histogram>& histogram(std::string name, std::string help,
                               std::vector<std::string> label_names,
                               std::vector<double> upper_bounds,
                               std::size_t max_children = kDefaultMaxChildren);

  // A function run on every render(), after the families, for values computed at scrape time.
  // It runs on the rendering thread without the registry's lock (it may use the registry), and
  // must outlive the registry's last render().
  void add_collector(Collector collector);

  // The text format 0.0.4: families in registration order (children sorted by label values),
  // then collectors in the order added. Any thread, concurrently with updates.
  std::string render() const;

 private:
  template <typename T>
  Family<T>& add(std::string name, std::string help, std::vector<std::string> label_names,
                 std::size_t max_children, std::shared_ptr<const std::vector<double>> bounds);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::vector<std::string> names_;
  std::vector<Collector> collectors_;
};

// A number as the text format (and Prometheus's parser) wants it: integers without exponent or
// decimal point, "+Inf", "-Inf", "NaN", anything else the shortest form that reads back exactly.
std::string format_value(double value);

}  // namespace regen::metrics
