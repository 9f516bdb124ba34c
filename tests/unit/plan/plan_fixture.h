// A small builder of planner inputs for the plan tests: declare records, list
// addresses at the provider, script forward DNS answers, then plan.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/plan/planner.h"

namespace ptrd::testing {

inline IpAddress ipOf(const std::string& text) {
  return *IpAddress::parse(text);
}

struct PlanFixture {
  DesiredState desired;
  providers::Inventory inventory;
  std::vector<ForwardLookup> forward;
  PlanOptions options;

  PlanFixture() {
    desired.sources.push_back(SourceSummary{"mappings/mail.yaml", "mail-fleet"});
    options.limits.maxChangePercent = 100;  // cap tests set their own limits
  }

  void declare(const std::string& ip, const std::string& host, uint32_t line = 1) {
    DesiredRecord r;
    r.ip = ipOf(ip);
    r.hostname = host;
    r.line = line;
    r.column = 9;
    desired.records.push_back(r);
  }
  void declareReset(const std::string& ip, uint32_t line = 1) {
    DesiredRecord r;
    r.ip = ipOf(ip);
    r.reset = true;
    r.line = line;
    desired.records.push_back(r);
  }
  void declareInvalid(std::optional<std::string> ip, uint32_t line, const std::string& reason) {
    InvalidDeclaration d;
    if (ip) d.ip = ipOf(*ip);
    d.diagnostic = Diagnostic{SourceLocation{"mappings/mail.yaml", line, 9}, reason};
    desired.invalid.push_back(d);
  }
  void own(const std::string& ip, const std::string& ptr, const std::string& def = "",
           std::optional<bool> custom = std::nullopt) {
    providers::OwnedAddress a{ip, ptr, def, custom.value_or(!ptr.empty() && ptr != def)};
    inventory.addresses.push_back(a);
  }
  void answer(const std::string& host, IpAddress::Family family, LookupOutcome outcome,
              std::vector<std::string> addrs = {}) {
    ForwardLookup f;
    f.question = ForwardQuestion{host, family};
    f.outcome = outcome;
    for (const auto& a : addrs) f.addresses.push_back(ipOf(a));
    std::sort(f.addresses.begin(), f.addresses.end());
    forward.push_back(f);
  }
  void answerA(const std::string& host, std::vector<std::string> addrs) {
    answer(host, IpAddress::Family::kV4, LookupOutcome::kAnswer, std::move(addrs));
  }

  Plan plan() {
    std::sort(desired.records.begin(), desired.records.end(),
              [](const DesiredRecord& a, const DesiredRecord& b) { return a.ip < b.ip; });
    return makePlan(desired, inventory, forward, options);
  }
  std::vector<ForwardQuestion> questions() {
    std::sort(desired.records.begin(), desired.records.end(),
              [](const DesiredRecord& a, const DesiredRecord& b) { return a.ip < b.ip; });
    return forwardQuestions(desired, inventory, options);
  }
};

inline const PlanEntry* entryFor(const Plan& p, const std::string& ip) {
  for (const auto& e : p.entries) {
    if (e.ip && e.ip->str() == ip) return &e;
  }
  return nullptr;
}

}  // namespace ptrd::testing
