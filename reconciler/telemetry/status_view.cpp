#include "reconciler/telemetry/status_view.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "providers/url_redaction.h"
#include "reconciler/plan/record_state.h"
#include "reconciler/telemetry/status.h"

namespace ptrd {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxListed = 20;         // reload errors, warnings shown in the summary
constexpr size_t kMaxSummaryText = 2048;  // one message

std::string text(const std::string& s) {
  std::string out = providers::redactUrlUserinfo(s);
  if (out.size() <= kMaxSummaryText) return out;
  size_t n = kMaxSummaryText - 3;
  while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
  return out.substr(0, n) + "\xE2\x80\xA6";
}

Json textOrNull(const std::string& s) {
  return s.empty() ? Json(nullptr) : Json(text(s));
}

// The first kMaxListed entries; the total goes beside them.
Json bounded(const std::vector<std::string>& list) {
  Json out = Json::array();
  for (size_t i = 0; i < list.size() && i < kMaxListed; ++i) out.push_back(text(list[i]));
  return out;
}

}  // namespace

std::string renderStatusSummaryJson(const PassStatus& s, const PlannedPicture& p,
                                    const LastError& lastError, const std::string& configFile) {
  Json j;
  j["apiVersion"] = "ptrd.io/v1alpha1";
  j["kind"] = "Status";
  j["result"] = s.result;
  j["error"] = textOrNull(s.error);
  j["finished_at"] = s.finishedUnix;
  j["duration_seconds"] = s.durationSeconds;
  j["planned"] = p.plannedAt != 0;  // false: no pass got as far as a plan yet
  j["planned_at"] = p.plannedAt == 0 ? Json(nullptr) : Json(p.plannedAt);
  j["config"] = text(configFile);
  Json provider;
  provider["type"] = textOrNull(s.provider);
  provider["last_error"] = textOrNull(lastError.message);
  provider["last_error_at"] = lastError.message.empty() ? Json(nullptr) : Json(lastError.at);
  j["provider"] = std::move(provider);
  j["reload_successful"] = s.reloadSuccessful;
  j["reload_errors"] = bounded(s.reloadErrors);
  j["reload_errors_total"] = s.reloadErrors.size();
  Json counts;
  for (RecordState st : kAllRecordStates) counts[stateName(st)] = p.summary[st];
  j["summary"] = std::move(counts);
  j["not_in_sync"] = p.rows->size();
  j["cap"] = textOrNull(p.capHeld);
  j["warnings"] = bounded(p.warnings);
  j["warnings_total"] = p.warnings.size();
  j["fcrdns"] = {{"observed", p.fcrdnsObserved}, {"mismatch", p.fcrdnsMismatch}};
  j["pending_jobs"] = s.pendingJobs;
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

void StatusPageState::publish(const PassStatus& s, const std::string& configFile) {
  // Only the loop publishes, one pass at a time: the rows are built outside mu_
  // so that readers of the last view never wait for them.
  std::vector<int64_t> since;
  if (s.planned) {
    std::lock_guard lock(mu_);
    since = since_.update(s.notInSync, int64_t(std::floor(s.finishedUnix)));
  }
  std::shared_ptr<const std::vector<StatusRow>> rows;
  if (s.planned)
    rows = std::make_shared<const std::vector<StatusRow>>(statusRows(s.notInSync, since));
  std::lock_guard lock(mu_);
  if (s.planned) {
    planned_.summary = s.summary;
    planned_.fcrdnsObserved = s.fcrdnsObserved;
    planned_.fcrdnsMismatch = s.mismatches.size();
    planned_.capHeld = s.capHeld;
    planned_.warnings = s.warnings;
    planned_.plannedAt = s.finishedUnix;
    planned_.rows = std::move(rows);
  }
  if (!s.error.empty()) lastError_ = LastError{s.error, s.finishedUnix};
  auto view = std::make_shared<StatusView>();
  view->rows = planned_.rows;
  view->summaryJson = renderStatusSummaryJson(s, planned_, lastError_, configFile);
  view_ = std::move(view);
}

std::shared_ptr<const StatusView> StatusPageState::view() const {
  std::lock_guard lock(mu_);
  return view_;
}

std::string StatusPageState::summaryJson(const std::string& configFile) const {
  if (auto v = view()) return v->summaryJson;
  Json j;
  j["apiVersion"] = "ptrd.io/v1alpha1";
  j["kind"] = "Status";
  j["result"] = "pending";
  j["config"] = text(configFile);
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace ptrd
