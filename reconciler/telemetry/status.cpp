#include "reconciler/telemetry/status.h"

#include <nlohmann/json.hpp>

#include "providers/url_redaction.h"
#include "reconciler/plan/record_state.h"

namespace ptrd {
namespace {

// Errors and reasons come from config files and provider answers, and a provider
// URL may carry a password: every string in /status passes the URL redaction.
void redactStrings(nlohmann::ordered_json& j) {
  if (j.is_string()) {
    j = providers::redactUrlUserinfo(j.get_ref<const std::string&>());
    return;
  }
  if (!j.is_structured()) return;  // iterating a number would yield itself forever
  for (auto& v : j) redactStrings(v);
}

}  // namespace

std::string renderStatusJson(const PassStatus& s, const std::string& configFile) {
  nlohmann::ordered_json j;
  j["config"] = configFile;
  j["result"] = s.result;
  if (!s.error.empty()) j["error"] = s.error;
  j["finished_at"] = s.finishedUnix;
  j["duration_seconds"] = s.durationSeconds;
  j["reload_successful"] = s.reloadSuccessful;
  j["reload_errors"] = s.reloadErrors;
  nlohmann::ordered_json counts;
  for (RecordState st : kAllRecordStates) counts[stateName(st)] = s.summary[st];
  j["summary"] = counts;
  auto& out = j["not_in_sync"] = nlohmann::ordered_json::array();
  for (const auto& e : s.notInSync) {
    nlohmann::ordered_json r;
    r["ip"] = e.ipText();
    r["state"] = stateName(e.state);
    if (!e.from.empty()) r["from"] = e.from;
    if (!e.to.empty()) r["to"] = e.to;
    r["reason"] = e.reason;
    if (!e.source.file.empty()) r["source"] = e.source.str();
    out.push_back(std::move(r));
  }
  nlohmann::ordered_json f;
  f["observed"] = s.fcrdnsObserved;
  f["mismatch"] = s.mismatches.size();
  auto& list = f["mismatches"] = nlohmann::ordered_json::array();
  for (const auto& o : s.mismatches) {
    list.push_back({{"ip", o.ip.str()},
                    {"ptr", o.ptr},
                    {"verdict", fcrdns::verdictName(o.verdict)},
                    {"detail", o.detail}});
  }
  j["fcrdns"] = f;
  j["pending_jobs"] = s.pendingJobs;
  redactStrings(j);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void StatusBoard::setConfigLoaded(const std::string& configFile) {
  std::lock_guard lock(mu_);
  configLoaded_ = true;
  configFile_ = configFile;
}

void StatusBoard::publish(const PassStatus& s) {
  std::string configFile;
  {
    std::lock_guard lock(mu_);
    last_ = s;
    havePass_ = true;
    if (s.result == "success") passSucceeded_ = true;
    configFile = configFile_;
  }
  // Outside mu_: building the page's rows must not hold up /healthz.
  page_.publish(s, configFile);
}

void StatusBoard::setWedgeAfter(std::chrono::milliseconds d) {
  std::lock_guard lock(mu_);
  wedgeAfter_ = d;
}

void StatusBoard::heartbeat(TimePoint now) {
  std::lock_guard lock(mu_);
  if (!beat_ || now > lastBeat_) lastBeat_ = now;
  beat_ = true;
}

bool StatusBoard::healthy(TimePoint now) const {
  std::lock_guard lock(mu_);
  return beat_ && now - lastBeat_ <= wedgeAfter_;
}

bool StatusBoard::ready() const {
  std::lock_guard lock(mu_);
  return configLoaded_ && passSucceeded_;
}

std::string StatusBoard::configFile() const {
  std::lock_guard lock(mu_);
  return configFile_;
}

std::string StatusBoard::statusJson() const {
  std::lock_guard lock(mu_);
  if (!havePass_)
    return "{\"result\": \"pending\", \"config\": " +
           nlohmann::json(configFile_)
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           "}\n";
  return renderStatusJson(last_, configFile_);
}

}  // namespace ptrd
