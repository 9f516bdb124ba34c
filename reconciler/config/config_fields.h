// ConfigFields: the typed readers of the config file -- plain whole numbers and
// numbers in a range, durations, string lists, key lists known only at run time,
// paths relative to the config file. Each records a Diagnostic at the node's
// file:line:col instead of throwing, so one read reports every mistake at once.
// Shared by the spec reader (config.cpp) and the view a provider reads its block
// through (provider_block.h).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/yaml_util.h"
#include "reconciler/config/config.h"

namespace ptrd {

class ConfigFields {
 public:
  ConfigFields(const std::string& file, std::vector<Diagnostic>& errors, ConfigChecks checks)
      : yaml_(file), errors_(errors), checks_(checks) {}

  const YamlContext& yaml() const { return yaml_; }
  std::vector<Diagnostic>& errors() { return errors_; }
  ConfigChecks checks() const { return checks_; }

  void fail(const YAML::Node& node, std::string reason) {
    errors_.push_back(yaml_.error(node, std::move(reason)));
  }

  // YamlContext::checkKeys for a list only known at run time (a provider's).
  void checkKeyList(const YAML::Node& map, const std::vector<std::string>& allowed,
                    const std::string& what);
  std::vector<std::string> stringList(const YAML::Node& n, std::string_view what);
  std::optional<uint64_t> integer(const YAML::Node& n, std::string_view what, uint64_t min,
                                  uint64_t max);
  std::optional<double> number(const YAML::Node& n, std::string_view what, double min, double max);
  // Longer than zero.
  std::optional<std::chrono::milliseconds> duration(const YAML::Node& n, std::string_view what);
  // Relative paths are relative to the config file's directory.
  std::string resolvePath(const std::string& p) const;

 private:
  // Plain (unquoted) scalars only: a quoted "20" is a string, as in Kubernetes.
  bool plainScalar(const YAML::Node& n, std::string_view what, std::string_view kind);

  YamlContext yaml_;
  std::vector<Diagnostic>& errors_;
  ConfigChecks checks_;
};

}  // namespace ptrd
