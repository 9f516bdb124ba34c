#include "reconciler/telemetry/status_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "providers/url_redaction.h"
#include "reconciler/plan/record_state.h"

namespace ptrd {
namespace {

using Json = nlohmann::ordered_json;

// Cuts at a UTF-8 character boundary and marks the cut with an ellipsis.
std::string clip(const std::string& s) {
  if (s.size() <= kMaxFieldBytes) return s;
  size_t n = kMaxFieldBytes - 3;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "\xE2\x80\xA6";
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool containsFolded(const std::string& hay, const std::string& needleLower) {
  if (needleLower.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needleLower.begin(), needleLower.end(),
                        [](char a, char b) { return lower(a) == b; });
  return it != hay.end();
}

Result<size_t> number(const std::string& text, const char* what) {
  if (text.empty()) return Error::permanent(fmt::format("{} is empty", what));
  size_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return Error::permanent(fmt::format("{} must be a non-negative integer", what));
  return v;
}

}  // namespace

std::vector<StatusRow> statusRows(const std::vector<PlanEntry>& entries,
                                  const std::vector<int64_t>& since) {
  std::vector<StatusRow> rows;
  rows.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const PlanEntry& e = entries[i];
    if (e.state == RecordState::kInSync) continue;
    StatusRow r;
    r.state = e.state;
    r.ip = e.ipText();
    r.name = providers::redactUrlUserinfo(e.to);
    r.ptr = providers::redactUrlUserinfo(e.from);
    r.forward.reserve(std::min(e.forward.size(), kMaxForwardShown + 1));
    for (const auto& a : e.forward) {
      if (r.forward.size() == kMaxForwardShown) {
        r.forward.push_back(fmt::format("(+{} more)", e.forward.size() - kMaxForwardShown));
        break;
      }
      r.forward.push_back(a.str());
    }
    r.reason = providers::redactUrlUserinfo(e.reason);
    r.source = e.source.file.empty() ? std::string() : e.source.str();
    r.declared = e.declared;
    r.since = i < since.size() ? since[i] : 0;
    rows.push_back(std::move(r));
  }
  // Plans are sorted by IP; grouping keeps that order within each state.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const StatusRow& a, const StatusRow& b) { return a.state < b.state; });
  return rows;
}

Result<RowQuery> parseRowQuery(const std::function<std::string(const char*)>& param) {
  RowQuery q;
  if (std::string s = param("state"); !s.empty()) {
    auto st = parseState(s);
    if (!st || *st == RecordState::kInSync)
      return Error::permanent(
          "state must be one of set, reset, blocked_forward, not_owned, "
          "invalid, lookup_error, propagating");
    q.state = st;
  }
  std::string text = param("q");
  if (text.size() > kMaxQueryText)
    return Error::permanent(fmt::format("q is longer than {} bytes", kMaxQueryText));
  for (char& c : text) c = lower(c);
  q.q = std::move(text);
  if (std::string s = param("offset"); !s.empty()) {
    auto v = number(s, "offset");
    if (!v) return v.error();
    q.offset = *v;
  }
  if (std::string s = param("limit"); !s.empty()) {
    auto v = number(s, "limit");
    if (!v) return v.error();
    if (*v == 0) return Error::permanent("limit must be at least 1");
    q.limit = std::min(*v, kMaxRowLimit);
  }
  return q;
}

bool rowMatches(const StatusRow& row, const RowQuery& q) {
  if (q.state && row.state != *q.state) return false;
  return containsFolded(row.ip, q.q) || containsFolded(row.name, q.q) ||
         containsFolded(row.ptr, q.q);
}

std::string rowJson(const StatusRow& row) {
  Json j;
  j["ip"] = row.ip.empty() ? Json(nullptr) : Json(row.ip);
  j["state"] = stateName(row.state);
  j["name"] = row.name.empty() ? Json(nullptr) : Json(clip(row.name));
  j["ptr"] = row.ptr.empty() ? Json(nullptr) : Json(clip(row.ptr));
  Json fwd = Json::array();
  for (const auto& a : row.forward) fwd.push_back(a);
  j["forward"] = std::move(fwd);
  j["reason"] = clip(row.reason);
  j["source"] = row.source.empty() ? Json(nullptr) : Json(clip(row.source));
  j["declared"] = row.declared;
  j["since"] = row.since == 0 ? Json(nullptr) : Json(row.since);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string renderRowsPage(const std::vector<StatusRow>& rows, const RowQuery& q) {
  // Room for the envelope around the rows: {"total":..,"offset":..,...,"rows":[ ]}.
  constexpr size_t kEnvelope = 160;
  std::string body;
  size_t total = 0, shown = 0, next = 0;
  bool more = false;
  for (const auto& row : rows) {
    if (!rowMatches(row, q)) continue;
    const size_t index = total++;
    if (index < q.offset || more) continue;
    if (shown == q.limit) {
      more = true;
      next = index;
      continue;
    }
    std::string one = rowJson(row);
    if (shown > 0 && body.size() + one.size() + 1 + kEnvelope > kMaxPageBytes) {
      more = true;
      next = index;
      continue;
    }
    if (shown > 0) body += ',';
    body += one;
    ++shown;
  }
  return fmt::format(R"({{"total":{},"offset":{},"limit":{},"next":{},"rows":[{}]}})", total,
                     q.offset, q.limit, more ? std::to_string(next) : "null", body) +
         "\n";
}

}  // namespace ptrd
