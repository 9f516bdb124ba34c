// StatusRow: one address that is not in_sync, as the status page shows it, and
// the bounded JSON pages the page fetches (GET /status/rows).
//
// A page never holds more than `limit` rows (at most kMaxRowLimit) nor more than
// kMaxPageBytes of JSON, whatever the names and reasons hold: with a million
// addresses declared and every one drifting, each request still answers a small
// page, and the browser walks on with `next`.
//
//   auto rows = statusRows(pass.notInSync, since);    // grouped by state, then by IP
//   auto q = parseRowQuery([&](const char* k) { return param(k); });
//   std::string body = renderRowsPage(rows, *q);
//   // {"total": 10000, "offset": 0, "limit": 50, "next": 50, "rows": [{...}, ...]}
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "reconciler/plan/plan.h"

namespace ptrd {

inline constexpr size_t kDefaultRowLimit = 50;
inline constexpr size_t kMaxRowLimit = 200;
inline constexpr size_t kMaxQueryText = 1024;       // bytes: the page sends 256 characters
inline constexpr size_t kMaxPageBytes = 96 * 1024;  // one /status/rows answer
inline constexpr size_t kMaxFieldBytes = 512;       // one string of a row
inline constexpr size_t kMaxForwardShown = 16;      // forward addresses of a row

struct StatusRow {
  RecordState state = RecordState::kInSync;
  std::string ip;                    // empty: an invalid declaration without a parsable address
  std::string name;                  // declared name (for a reset: the default; empty = none)
  std::string ptr;                   // live PTR at the provider; empty = none
  std::vector<std::string> forward;  // what the declared name resolves to
  std::string reason;
  std::string source;  // file:line[:col]; empty for an undeclared address (policy sync)
  bool declared = true;
  int64_t since = 0;  // Unix seconds it entered `state`; 0 = unknown (a plan file)
};

// One row per entry (not in_sync), grouped by state in contract order, the plan's
// order (by IP) within a state. `since` is parallel to `entries` or empty. Every
// string passes the URL-userinfo redaction (reasons quote provider messages).
std::vector<StatusRow> statusRows(const std::vector<PlanEntry>& entries,
                                  const std::vector<int64_t>& since);

struct RowQuery {
  std::optional<RecordState> state;  // none: every state
  std::string q;                     // case-insensitive substring of ip, name or live PTR
  size_t offset = 0;
  size_t limit = kDefaultRowLimit;
};

// From URL parameters state, q, offset, limit (`param` returns "" when absent).
// A limit above kMaxRowLimit is lowered to it; a state that is not a contract
// word, in_sync, a non-number or over-long text is an error to answer with 400.
Result<RowQuery> parseRowQuery(const std::function<std::string(const char*)>& param);

bool rowMatches(const StatusRow& row, const RowQuery& q);

// One row as a JSON object; strings clipped to kMaxFieldBytes, bytes that are
// not UTF-8 shown as U+FFFD.
std::string rowJson(const StatusRow& row);

// The matching rows from q.offset on: at most q.limit of them and at most
// kMaxPageBytes in all (always at least one when any is left), with the
// number matched ("total") and where the next page starts ("next", null at the end).
std::string renderRowsPage(const std::vector<StatusRow>& rows, const RowQuery& q);

}  // namespace ptrd
