#include "reconciler/yaml_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace ptrd {

SourceLocation YamlContext::at(const YAML::Node& node) const {
  auto mark = node.Mark();
  if (mark.is_null()) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, uint32_t(mark.line + 1), uint32_t(mark.column + 1)};
}

const char* nodeTypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "empty";
    case YAML::NodeType::Undefined: return "missing";
  }
  return "unknown";
}

void YamlContext::checkKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                            std::string_view what, std::vector<Diagnostic>& errors) const {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      errors.push_back(error(it->first, fmt::format("{} has a key that is not a string", what)));
      continue;
    }
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string known;
      for (auto k : allowed) known += fmt::format("{}{}", known.empty() ? "" : ", ", k);
      errors.push_back(error(it->first, fmt::format("unknown field \"{}\" in {} (known: {})", key, what, known)));
    } else if (!seen.insert(key).second) {
      errors.push_back(error(it->first, fmt::format("field \"{}\" is given twice in {}", key, what)));
    }
  }
}

std::optional<std::string> YamlContext::scalar(const YAML::Node& node, std::string_view what,
                                               std::vector<Diagnostic>& errors) const {
  if (!node.IsScalar()) {
    errors.push_back(error(node, fmt::format("{} must be a string, not {}", what, nodeTypeName(node))));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<bool> YamlContext::boolean(const YAML::Node& node, std::string_view what,
                                         std::vector<Diagnostic>& errors) const {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  errors.push_back(error(node, fmt::format("{} must be true or false", what)));
  return std::nullopt;
}

}  // namespace ptrd
