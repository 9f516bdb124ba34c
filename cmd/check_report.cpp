#include "cmd/check_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace ptrd::cmd {
namespace {

constexpr size_t kNamesShown = 2;  // text table: more PTR names collapse to "+N more"

std::string joinShort(const std::vector<std::string>& items) {
  if (items.empty()) return "-";
  std::string out;
  for (size_t i = 0; i < items.size() && i < kNamesShown; ++i) out += (i ? "," : "") + items[i];
  if (items.size() > kNamesShown) out += fmt::format(" (+{} more)", items.size() - kNamesShown);
  return out;
}

std::vector<std::string> addressTexts(const std::vector<IpAddress>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) out.push_back(a.str());
  return out;
}

std::string summaryLine(const std::vector<CheckRow>& rows) {
  std::map<fcrdns::Verdict, size_t> counts;
  size_t differs = 0;
  for (const auto& r : rows) {
    ++counts[r.observation.verdict];
    if (!r.declared.empty() && !r.matchesDeclared()) ++differs;
  }
  std::vector<std::string> parts;
  for (auto v : fcrdns::kAllVerdicts)
    if (counts[v] > 0) parts.push_back(fmt::format("{} {}", counts[v], fcrdns::verdictName(v)));
  std::string line =
      fmt::format("{} checked: {}", rows.size(),
                  parts.empty() ? "nothing" : fmt::format("{}", fmt::join(parts, ", ")));
  if (differs > 0) line += fmt::format("; {} with a PTR other than declared", differs);
  return line;
}

}  // namespace

bool CheckRow::matchesDeclared() const {
  return !declared.empty() && observation.ptr.size() == 1 && observation.ptr.front() == declared;
}

bool allGood(const std::vector<CheckRow>& rows) {
  return std::all_of(rows.begin(), rows.end(), [](const CheckRow& r) {
    return r.observation.verdict == fcrdns::Verdict::kConfirmed &&
           (r.declared.empty() || r.matchesDeclared());
  });
}

std::string renderText(const std::vector<CheckRow>& rows) {
  bool any_declared =
      std::any_of(rows.begin(), rows.end(), [](const CheckRow& r) { return !r.declared.empty(); });
  std::vector<std::vector<std::string>> table;
  table.push_back({"IP", "PTR", "FORWARD", "VERDICT"});
  if (any_declared) table.front().push_back("DECLARED");
  for (const auto& r : rows) {
    const auto& o = r.observation;
    std::vector<std::string> cells = {o.ip.str(), joinShort(o.ptr),
                                      joinShort(addressTexts(o.forward)),
                                      fcrdns::verdictName(o.verdict)};
    if (any_declared) {
      cells.push_back(r.declared.empty()    ? "-"
                      : r.matchesDeclared() ? "ok " + r.declared
                                            : "DIFFERS " + r.declared);
    }
    table.push_back(std::move(cells));
  }
  std::vector<size_t> width(table.front().size(), 0);
  for (const auto& row : table)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : table) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  // Why each problem row is not confirmed: one line each, below the table so the
  // table stays narrow.
  bool header = false;
  for (const auto& r : rows) {
    if (r.observation.verdict == fcrdns::Verdict::kConfirmed) continue;
    if (!header) out += "\n";
    header = true;
    out += fmt::format("{}: {}: {}\n", r.observation.ip.str(),
                       fcrdns::verdictName(r.observation.verdict), r.observation.detail);
  }
  out += "\n" + summaryLine(rows) + "\n";
  return out;
}

std::string renderJson(const std::vector<CheckRow>& rows) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  for (auto v : fcrdns::kAllVerdicts) summary[fcrdns::verdictName(v)] = 0;
  for (const auto& r : rows) {
    const auto& o = r.observation;
    nlohmann::ordered_json j;
    j["ip"] = o.ip.str();
    j["ptr"] = o.ptr;
    j["forward"] = addressTexts(o.forward);
    j["verdict"] = fcrdns::verdictName(o.verdict);
    j["detail"] = o.detail;
    if (!r.declared.empty()) {
      j["declared"] = r.declared;
      j["ptr_matches_declared"] = r.matchesDeclared();
    }
    results.push_back(std::move(j));
    summary[fcrdns::verdictName(o.verdict)] =
        summary[fcrdns::verdictName(o.verdict)].get<int>() + 1;
  }
  nlohmann::ordered_json doc;
  doc["results"] = std::move(results);
  doc["summary"] = std::move(summary);
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace ptrd::cmd
