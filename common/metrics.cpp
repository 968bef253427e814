#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>

namespace regen::metrics {
namespace {

static_assert(std::atomic<double>::is_always_lock_free);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

[[noreturn]] void die(std::string_view what, std::string_view name) {
  std::fprintf(stderr, "metrics: %.*s: '%.*s'\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(name.size()), name.data());
  std::abort();
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_letter(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_letter(c) || is_digit(c) || c == ':'; });
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !is_letter(name[0]) || name.starts_with("__")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_letter(c) || is_digit(c); });
}

// The length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7: no overlong
// forms, no surrogates, nothing past U+10FFFF), or 0. Prometheus's parser rejects a whole
// scrape over one ill-formed label value, so such bytes are replaced rather than copied.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// HELP text escapes backslash and newline; label values also escape the double quote.
void append_escaped(std::string& out, std::string_view text, bool is_label_value) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && is_label_value) {
      out += "\\\"";
    } else {
      const std::size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    ++i;
  }
}

void append_label(std::string& out, bool& first, std::string_view name, std::string_view value) {
  out += first ? '{' : ',';
  first = false;
  out.append(name);
  out += "=\"";
  append_escaped(out, value, true);
  out += '"';
}

// Each value prefixed by its length, so no two lists of values share a key.
std::string encode_key(std::span<const std::string_view> values) {
  std::string key;
  for (std::string_view value : values) {
    key += std::to_string(value.size());
    key += ':';
    key.append(value);
  }
  return key;
}

template <typename T>
constexpr std::string_view type_name() {
  if constexpr (std::is_same_v<T, Counter>) return "counter";
  if constexpr (std::is_same_v<T, Gauge>) return "gauge";
  if constexpr (std::is_same_v<T, Histogram>) return "histogram";
}

}  // namespace

std::vector<double> default_duration_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Below 2^53 every integer is exact, so the int64 conversion loses nothing.
  if (value == std::trunc(value) && std::fabs(value) < 0x1p53) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

void Counter::inc(double amount) {
  if (!(amount >= 0.0)) return;
  value_.fetch_add(amount, std::memory_order_relaxed);
}

Histogram::Histogram(std::shared_ptr<const std::vector<double>> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_->size() + 1)) {}

void Histogram::observe(double value) {
  const std::vector<double>& bounds = *upper_bounds_;
  const auto bucket =
      std::isnan(value) ? bounds.end() : std::lower_bound(bounds.begin(), bounds.end(), value);
  counts_[static_cast<std::size_t>(bucket - bounds.begin())].fetch_add(1,
                                                                       std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::bucket_counts() const {
  std::vector<std::uint64_t> counts(upper_bounds_->size() + 1);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    counts[i] = counts_[i].load(std::memory_order_relaxed);
  }
  return counts;
}

void Exposition::begin(std::string_view name, std::string_view help, std::string_view type) {
  if (!valid_metric_name(name)) die("invalid metric name", name);
  if (std::find(written_.begin(), written_.end(), name) != written_.end()) {
    die("metric family written twice", name);
  }
  written_.emplace_back(name);
  family_.assign(name);
  out_ += "# HELP ";
  out_.append(name);
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_.append(name);
  out_ += ' ';
  out_.append(type);
  out_ += '\n';
}

void Exposition::begin_counter(std::string_view name, std::string_view help) {
  begin(name, help, "counter");
}

void Exposition::begin_gauge(std::string_view name, std::string_view help) {
  begin(name, help, "gauge");
}

void Exposition::sample(double value, std::initializer_list<Label> labels) {
  if (family_.empty()) die("sample written before any family", "");
  out_ += family_;
  bool first = true;
  for (const Label& label : labels) {
    if (!valid_label_name(label.name)) die("invalid label name", label.name);
    append_label(out_, first, label.name, label.value);
  }
  if (!first) out_ += '}';
  out_ += ' ';
  out_ += format_value(value);
  out_ += '\n';
}

void Exposition::counter(std::string_view name, std::string_view help, double value) {
  begin_counter(name, help);
  sample(value);
}

void Exposition::gauge(std::string_view name, std::string_view help, double value) {
  begin_gauge(name, help);
  sample(value);
}

void Exposition::write_sample(std::string_view suffix, std::span<const std::string> names,
                              std::span<const std::string> values, const Label* extra,
                              double value) {
  out_ += family_;
  out_.append(suffix);
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) append_label(out_, first, names[i], values[i]);
  if (extra != nullptr) append_label(out_, first, extra->name, extra->value);
  if (!first) out_ += '}';
  out_ += ' ';
  out_ += format_value(value);
  out_ += '\n';
}

template <typename T>
Family<T>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                  std::size_t max_children, std::shared_ptr<const std::vector<double>> upper_bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      max_children_(max_children),
      upper_bounds_(std::move(upper_bounds)) {}

template <typename T>
T& Family<T>::with(std::span<const std::string_view> label_values) {
  if (label_values.size() != label_names_.size()) die("wrong number of label values", name_);
  std::string key = encode_key(label_values);
  {
    std::shared_lock lock(mutex_);
    auto found = children_.find(key);
    if (found != children_.end()) return *found->second.metric;
  }
  return create(std::move(key), label_values);
}

template <typename T>
T& Family<T>::create(std::string key, std::span<const std::string_view> label_values) {
  std::unique_lock lock(mutex_);
  // Another thread may have created it between the shared and the exclusive lock.
  auto found = children_.find(key);
  if (found != children_.end()) return *found->second.metric;
  const std::vector<std::string_view> overflow(label_names_.size(), kOverflowLabelValue);
  if (children_.size() >= max_children_) {
    label_values = overflow;
    key = encode_key(overflow);
    found = children_.find(key);
    if (found != children_.end()) return *found->second.metric;
  }
  std::unique_ptr<T> metric;
  if constexpr (std::is_same_v<T, Histogram>) {
    metric = std::make_unique<Histogram>(upper_bounds_);
  } else {
    metric = std::make_unique<T>();
  }
  T& result = *metric;
  children_.emplace(
      std::move(key),
      Child{std::vector<std::string>(label_values.begin(), label_values.end()), std::move(metric)});
  return result;
}

template <typename T>
std::size_t Family<T>::size() const {
  std::shared_lock lock(mutex_);
  return children_.size();
}

template <typename T>
void Family<T>::render(Exposition& out) const {
  // Children are never erased and their label values never change, so the pointers taken
  // under the lock stay valid after it is released.
  std::vector<const Child*> children;
  {
    std::shared_lock lock(mutex_);
    children.reserve(children_.size());
    for (const auto& entry : children_) children.push_back(&entry.second);
  }
  if (children.empty()) return;
  std::sort(children.begin(), children.end(),
            [](const Child* a, const Child* b) { return a->label_values < b->label_values; });
  out.begin(name_, help_, type_name<T>());
  for (const Child* child : children) {
    if constexpr (std::is_same_v<T, Histogram>) {
      const std::vector<double>& bounds = child->metric->upper_bounds();
      const std::vector<std::uint64_t> counts = child->metric->bucket_counts();
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        const std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
        const Exposition::Label label{"le", le};
        out.write_sample("_bucket", label_names_, child->label_values, &label,
                         static_cast<double>(cumulative));
      }
      out.write_sample("_sum", label_names_, child->label_values, nullptr, child->metric->sum());
      out.write_sample("_count", label_names_, child->label_values, nullptr,
                       static_cast<double>(cumulative));
    } else {
      out.write_sample("", label_names_, child->label_values, nullptr, child->metric->value());
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename T>
Family<T>& Registry::add(std::string name, std::string help, std::vector<std::string> label_names,
                         std::size_t max_children,
                         std::shared_ptr<const std::vector<double>> bounds) {
  if (!valid_metric_name(name)) die("invalid metric name", name);
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    if (!valid_label_name(label_names[i])) die("invalid label name", label_names[i]);
    if (std::is_same_v<T, Histogram> && label_names[i] == "le") die("reserved label 'le'", name);
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i),
                  label_names[i]) != label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      die("label name repeated", label_names[i]);
    }
  }
  // A histogram's samples use three more names; none may collide with another family's.
  std::vector<std::string> claimed{name};
  if constexpr (std::is_same_v<T, Histogram>) {
    claimed.insert(claimed.end(), {name + "_bucket", name + "_sum", name + "_count"});
  }
  const bool labelled = !label_names.empty();
  std::unique_ptr<Family<T>> family(new Family<T>(
      std::move(name), std::move(help), std::move(label_names), max_children, std::move(bounds)));
  Family<T>& result = *family;
  {
    std::lock_guard lock(mutex_);
    for (const std::string& sample_name : claimed) {
      if (std::find(names_.begin(), names_.end(), sample_name) != names_.end()) {
        die("metric registered twice", sample_name);
      }
    }
    names_.insert(names_.end(), claimed.begin(), claimed.end());
    families_.push_back(std::move(family));
  }
  if (!labelled) result.with({});
  return result;
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> label_names, std::size_t max_children) {
  return add<Counter>(std::move(name), std::move(help), std::move(label_names), max_children,
                      nullptr);
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> label_names, std::size_t max_children) {
  return add<Gauge>(std::move(name), std::move(help), std::move(label_names), max_children,
                    nullptr);
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> upper_bounds, std::size_t max_children) {
  if (!upper_bounds.empty() && std::isinf(upper_bounds.back()) && upper_bounds.back() > 0) {
    upper_bounds.pop_back();
  }
  for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i]) || (i > 0 && !(upper_bounds[i - 1] < upper_bounds[i]))) {
      die("histogram bounds must be finite and strictly increasing", name);
    }
  }
  return add<Histogram>(std::move(name), std::move(help), std::move(label_names), max_children,
                        std::make_shared<const std::vector<double>>(std::move(upper_bounds)));
}

void Registry::add_collector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() const {
  std::vector<const FamilyBase*> families;
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mutex_);
    families.reserve(families_.size());
    for (const auto& family : families_) families.push_back(family.get());
    collectors = collectors_;
  }
  Exposition out;
  for (const FamilyBase* family : families) family->render(out);
  for (const Collector& collector : collectors) collector(out);
  return std::move(out.out_);
}

}  // namespace regen::metrics
