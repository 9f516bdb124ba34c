#include "reconciler/config/config_fields.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

#include "reconciler/config/duration.h"

namespace ptrd {

void ConfigFields::checkKeyList(const YAML::Node& map, const std::vector<std::string>& allowed,
                                const std::string& what) {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      fail(it->first, fmt::format("{} has a key that is not a string", what));
    } else if (std::find(allowed.begin(), allowed.end(), it->first.Scalar()) == allowed.end()) {
      fail(it->first, fmt::format("unknown field \"{}\" in {} (known: {})", it->first.Scalar(),
                                  what, fmt::join(allowed, ", ")));
    } else if (!seen.insert(it->first.Scalar()).second) {
      fail(it->first, fmt::format("field \"{}\" is given twice in {}", it->first.Scalar(), what));
    }
  }
}

std::vector<std::string> ConfigFields::stringList(const YAML::Node& n, std::string_view what) {
  std::vector<std::string> out;
  if (!n.IsSequence()) {
    fail(n, fmt::format("{} must be a list of strings, not {}", what, nodeTypeName(n)));
    return out;
  }
  for (const auto& item : n) {
    if (auto s = yaml_.scalar(item, fmt::format("each entry of {}", what), errors_))
      out.push_back(*s);
  }
  return out;
}

bool ConfigFields::plainScalar(const YAML::Node& n, std::string_view what, std::string_view kind) {
  if (n.IsScalar() && n.Tag() != "!") return true;
  fail(n, fmt::format("{} must be {}, not {}", what, kind,
                      n.IsScalar() ? "a quoted string" : nodeTypeName(n)));
  return false;
}

std::optional<uint64_t> ConfigFields::integer(const YAML::Node& n, std::string_view what,
                                              uint64_t min, uint64_t max) {
  if (!plainScalar(n, what, "a whole number")) return std::nullopt;
  const std::string& s = n.Scalar();
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    fail(n, fmt::format("{} must be a whole number, not \"{}\"", what, s));
    return std::nullopt;
  }
  if (v < min || v > max) {
    fail(n, fmt::format("{} is {}, must be between {} and {}", what, v, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> ConfigFields::number(const YAML::Node& n, std::string_view what, double min,
                                           double max) {
  if (!plainScalar(n, what, "a number")) return std::nullopt;
  const std::string& s = n.Scalar();
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    fail(n, fmt::format("{} must be a number, not \"{}\"", what, s));
    return std::nullopt;
  }
  if (v < min || v > max) {
    fail(n, fmt::format("{} is {}, must be between {} and {}", what, s, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<std::chrono::milliseconds> ConfigFields::duration(const YAML::Node& n,
                                                                std::string_view what) {
  auto s = yaml_.scalar(n, what, errors_);
  if (!s) return std::nullopt;
  auto d = parseDuration(*s);
  if (!d) {
    fail(n, fmt::format("{}: {}", what, d.error().message));
    return std::nullopt;
  }
  if (d->count() == 0) {
    fail(n, fmt::format("{} must be longer than 0", what));
    return std::nullopt;
  }
  return *d;
}

std::string ConfigFields::resolvePath(const std::string& p) const {
  std::filesystem::path path(p);
  if (path.is_absolute()) return p;
  std::filesystem::path dir = std::filesystem::path(yaml_.file()).parent_path();
  if (dir.empty()) return p;
  // lexically_normal keeps a trailing slash the user wrote (it marks a directory
  // in messages).
  return (dir / path).lexically_normal().string();
}

}  // namespace ptrd
