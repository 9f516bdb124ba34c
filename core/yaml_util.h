// Small helpers shared by the YAML loaders (mapping files and the config): node
// locations as SourceLocations, strict scalar reading, and unknown-key checks, so
// every loader reports `file:line:col: reason` the same way.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"

namespace ptrd {

class YamlContext {
 public:
  explicit YamlContext(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  // yaml-cpp marks are 0-based; ours are 1-based.
  SourceLocation at(const YAML::Node& node) const;
  Diagnostic error(const YAML::Node& node, std::string reason) const {
    return {at(node), std::move(reason)};
  }

  // Reports keys of `map` outside `allowed`, and keys given twice (yaml-cpp would
  // silently keep one of them: a typo must never drop data).
  void checkKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                 std::string_view what, std::vector<Diagnostic>& errors) const;

  // A plain string scalar, or an error naming what was expected.
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what,
                                    std::vector<Diagnostic>& errors) const;
  // true/false only (not yes/no/on/off: those are YAML 1.1 surprises).
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what,
                              std::vector<Diagnostic>& errors) const;

 private:
  std::string file_;
};

const char* nodeTypeName(const YAML::Node& node);

}  // namespace ptrd

namespace ptrd {

// YAML::LoadAll, minus a yaml-cpp 0.7 bug: some malformed input (a stray ',' at
// the start of a line, found by fuzzing) makes LoadAll produce empty documents
// forever, eating memory (upstream jbeder/yaml-cpp#1319, not in Debian 12). A
// cheap event-only pass first detects the loop and reports it as a syntax error
// at its position. Throws YAML::ParserException like LoadAll.
std::vector<YAML::Node> loadAllYamlDocuments(const std::string& text);

}  // namespace ptrd
