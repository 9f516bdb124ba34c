#include "core/yaml_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/anchor.h>
#include <sstream>

namespace ptrd {

SourceLocation YamlContext::at(const YAML::Node& node) const {
  auto mark = node.Mark();
  if (mark.is_null()) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, uint32_t(mark.line + 1), uint32_t(mark.column + 1)};
}

const char* nodeTypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "empty";
    case YAML::NodeType::Undefined:
      return "missing";
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
      errors.push_back(error(
          it->first, fmt::format("unknown field \"{}\" in {} (known: {})", key, what, known)));
    } else if (!seen.insert(key).second) {
      errors.push_back(
          error(it->first, fmt::format("field \"{}\" is given twice in {}", key, what)));
    }
  }
}

std::optional<std::string> YamlContext::scalar(const YAML::Node& node, std::string_view what,
                                               std::vector<Diagnostic>& errors) const {
  if (!node.IsScalar()) {
    errors.push_back(
        error(node, fmt::format("{} must be a string, not {}", what, nodeTypeName(node))));
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

namespace ptrd {
namespace {

// Sees only document boundaries and null roots: enough to notice the parser
// returning the same empty document again without consuming input.
class StuckDocumentDetector : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override { events_ = 0; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { note(mark, true); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { note(mark, false); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    note(mark, false);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(mark, false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(mark, false);
  }
  void OnMapEnd() override {}

  // After a document: true when it was a bare null at the same place as the
  // previous bare-null document, i.e. the parser did not move.
  bool stuck() {
    bool bare_null = events_ == 1 && last_was_null_;
    bool same_place = bare_null && had_previous_null_ && last_mark_.pos == previous_null_mark_.pos;
    had_previous_null_ = bare_null;
    if (bare_null) previous_null_mark_ = last_mark_;
    return same_place;
  }
  const YAML::Mark& mark() const { return last_mark_; }

 private:
  void note(const YAML::Mark& mark, bool is_null) {
    ++events_;
    last_mark_ = mark;
    last_was_null_ = is_null;
  }
  int events_ = 0;
  bool last_was_null_ = false;
  bool had_previous_null_ = false;
  YAML::Mark last_mark_ = YAML::Mark::null_mark();
  YAML::Mark previous_null_mark_ = YAML::Mark::null_mark();
};

}  // namespace

std::vector<YAML::Node> loadAllYamlDocuments(const std::string& text) {
  {
    std::istringstream in(text);
    YAML::Parser parser(in);
    StuckDocumentDetector detector;
    while (parser.HandleNextDocument(detector)) {
      if (detector.stuck())
        throw YAML::ParserException(detector.mark(), "unexpected character here");
    }
  }
  return YAML::LoadAll(text);
}

}  // namespace ptrd
