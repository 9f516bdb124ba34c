#include "reconciler/telemetry/metrics.h"

#include <prometheus/text_serializer.h>

#include <unordered_map>

#include "reconciler/plan/record_state.h"
#include "reconciler/telemetry/process_metrics.h"

namespace ptrd {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// From a no-op pass (tens of ms) to a large fleet with slow bulk jobs (minutes).
const prometheus::Histogram::BucketBoundaries kDurationBuckets = {0.05, 0.1, 0.25, 0.5, 1,   2.5, 5,
                                                                  10,   30,  60,   120, 300, 600};

// One HTTP call to a provider API: tens of ms on a LAN, seconds for a slow
// portal, up to the request timeout (30 s by default).
const prometheus::Histogram::BucketBoundaries kRequestBuckets = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                                 1,    2.5,   5,    10,  30,   60};

}  // namespace

DaemonMetrics::DaemonMetrics(const std::string& version, const std::string& revision)
    : registry_(std::make_shared<prometheus::Registry>()),
      records_(BuildGauge()
                   .Name("ptrd_records")
                   .Help("Managed IPs per reconcile state (contract section 4)")
                   .Register(*registry_)),
      fcrdnsMismatch_(BuildGauge()
                          .Name("ptrd_fcrdns_mismatch")
                          .Help("IPs whose live PTR name does not resolve back to them")
                          .Register(*registry_)
                          .Add({})),
      reconcileTotal_(BuildCounter()
                          .Name("ptrd_reconcile_total")
                          .Help("Reconcile passes by result")
                          .Register(*registry_)),
      duration_(BuildHistogram()
                    .Name("ptrd_reconcile_duration_seconds")
                    .Help("Duration of reconcile passes")
                    .Register(*registry_)
                    .Add({}, kDurationBuckets)),
      lastSuccess_(BuildGauge()
                       .Name("ptrd_last_successful_reconcile_timestamp_seconds")
                       .Help("Unix time the last successful pass finished")
                       .Register(*registry_)
                       .Add({})),
      changes_(BuildCounter()
                   .Name("ptrd_changes_total")
                   .Help("PTR changes sent, by action and result")
                   .Register(*registry_)),
      providerRequests_(BuildCounter()
                            .Name("ptrd_provider_requests_total")
                            .Help("HTTP requests to the provider API (code 0: no response)")
                            .Register(*registry_)),
      dnsQueries_(BuildCounter()
                      .Name("ptrd_dns_queries_total")
                      .Help("DNS queries sent, by type and outcome")
                      .Register(*registry_)),
      reloadOk_(BuildGauge()
                    .Name("ptrd_config_last_reload_successful")
                    .Help("1 when the last load of the config and mapping files succeeded")
                    .Register(*registry_)
                    .Add({})),
      lastAttempt_(BuildGauge()
                       .Name("ptrd_last_reconcile_attempt_timestamp_seconds")
                       .Help("Unix time the last pass finished, successful or not")
                       .Register(*registry_)
                       .Add({})),
      providerLatency_(BuildHistogram()
                           .Name("ptrd_provider_request_duration_seconds")
                           .Help("Duration of HTTP requests to the provider API")
                           .Register(*registry_)),
      pendingJobs_(BuildGauge()
                       .Name("ptrd_provider_pending_jobs")
                       .Help("Asynchronous provider jobs submitted and not yet finished")
                       .Register(*registry_)
                       .Add({})),
      sourceRecords_(BuildGauge()
                         .Name("ptrd_source_records")
                         .Help("IPs per mapping source (metadata.name or bulk file name) and state")
                         .Register(*registry_)) {
  for (RecordState s : kAllRecordStates) records_.Add({{"state", stateName(s)}}).Set(0);
  for (const char* r : {"success", "error"}) reconcileTotal_.Add({{"result", r}});
  for (const char* a : {"set", "reset"})
    for (const char* r : {"applied", "rejected", "failed"})
      changes_.Add({{"action", a}, {"result", r}});
  BuildGauge()
      .Name("ptrd_build_info")
      .Help("Build information; always 1")
      .Register(*registry_)
      .Add({{"version", version}, {"revision", revision}})
      .Set(1);
}

void DaemonMetrics::setRecordStates(const PlanSummary& summary) {
  for (RecordState s : kAllRecordStates)
    records_.Add({{"state", stateName(s)}}).Set(double(summary[s]));
}

void DaemonMetrics::setFcrdnsMismatch(uint64_t n) {
  fcrdnsMismatch_.Set(double(n));
}

void DaemonMetrics::passFinished(bool success, double seconds, double unixTime) {
  reconcileTotal_.Add({{"result", success ? "success" : "error"}}).Increment();
  duration_.Observe(seconds);
  lastAttempt_.Set(unixTime);
  if (success) lastSuccess_.Set(unixTime);
}

void DaemonMetrics::countChange(std::string_view action, std::string_view result, uint64_t n) {
  if (n == 0) return;
  changes_.Add({{"action", std::string(action)}, {"result", std::string(result)}})
      .Increment(double(n));
}

void DaemonMetrics::providerRequest(const std::string& provider, const std::string& operation,
                                    int code, double seconds) {
  providerRequests_
      .Add({{"provider", provider}, {"operation", operation}, {"code", std::to_string(code)}})
      .Increment();
  if (seconds >= 0)
    providerLatency_.Add({{"provider", provider}, {"operation", operation}}, kRequestBuckets)
        .Observe(seconds);
}

void DaemonMetrics::setPendingJobs(uint64_t n) {
  pendingJobs_.Set(double(n));
}

void DaemonMetrics::setSourceStates(const std::map<std::string, PlanSummary>& bySource) {
  std::lock_guard lock(sourcesMu_);
  for (auto it = sources_.begin(); it != sources_.end();) {
    if (bySource.count(*it)) {
      ++it;
      continue;
    }
    for (RecordState s : kAllRecordStates)
      sourceRecords_.Remove(&sourceRecords_.Add({{"source", *it}, {"state", stateName(s)}}));
    it = sources_.erase(it);
  }
  for (const auto& [name, summary] : bySource) {
    sources_.insert(name);
    for (RecordState s : kAllRecordStates)
      sourceRecords_.Add({{"source", name}, {"state", stateName(s)}}).Set(double(summary[s]));
  }
}

std::map<std::string, PlanSummary> countBySource(const Plan& plan, const DesiredState& desired) {
  std::unordered_map<std::string, const std::string*> nameOf;
  for (const auto& src : desired.sources) nameOf.emplace(src.file, &src.name);
  std::map<std::string, PlanSummary> out;
  // Every source appears, also one whose addresses are all invalid or in_sync.
  for (const auto& src : desired.sources) out[src.name];
  for (size_t i = 0; i < plan.inSyncOmittedBySource.size() && i < desired.sources.size(); ++i) {
    auto it = nameOf.find(desired.sources[i].file);
    if (it != nameOf.end()) out[*it->second][RecordState::kInSync] += plan.inSyncOmittedBySource[i];
  }
  for (const auto& e : plan.entries) {
    auto it = nameOf.find(e.source.file);
    if (e.source.file.empty() || it == nameOf.end()) continue;
    ++out[*it->second][e.state];
  }
  return out;
}

void DaemonMetrics::dnsQuery(std::string_view type, std::string_view result) {
  dnsQueries_.Add({{"type", std::string(type)}, {"result", std::string(result)}}).Increment();
}

void DaemonMetrics::setReloadSuccessful(bool ok) {
  reloadOk_.Set(ok ? 1 : 0);
}

std::string DaemonMetrics::render() const {
  auto families = registry_->Collect();
  if (auto stats = readProcessStats()) {
    auto process = processFamilies(*stats);
    families.insert(families.end(), process.begin(), process.end());
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace ptrd
