// Fakes for the reconcile pass: a provider whose account is a map, a resolver
// whose zones are maps (with PTR changes that show up only after some lookups),
// and a clock that moves only when something sleeps on it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "core/clock.h"
#include "reconciler/dns/resolver.h"

namespace ptrd::testing {

class FakeClock final : public Clock {
 public:
  TimePoint now() override { return now_; }
  void sleepFor(std::chrono::milliseconds d) override {
    sleeps.push_back(d);
    now_ += d;
  }
  std::vector<std::chrono::milliseconds> sleeps;

 private:
  TimePoint now_{};
};

class FakeResolver final : public Resolver {
 public:
  std::map<ForwardQuestion, std::vector<IpAddress>> forward;  // absent = NXDOMAIN
  std::set<std::string> forwardTimeouts;                      // names whose lookups time out
  std::map<IpAddress, std::string> ptr;                       // what DNS shows
  int ptrLookupsBeforeVisible = 0;  // PTR lookups that still see the old zone
  std::vector<std::vector<ForwardQuestion>> forwardCalls;
  int ptrCalls = 0;

  std::vector<PtrLookup> lookupPtr(const std::vector<IpAddress>& ips) override {
    ++ptrCalls;
    std::vector<PtrLookup> out;
    for (const auto& ip : ips) {
      PtrLookup l;
      l.ip = ip;
      auto it = ptr.find(ip);
      bool visible = ptrCalls > ptrLookupsBeforeVisible;
      if (visible && it != ptr.end() && !it->second.empty()) {
        l.outcome = LookupOutcome::kAnswer;
        l.names = {it->second};
      } else if (visible) {
        l.outcome = LookupOutcome::kNxdomain;
      } else {
        l.outcome = LookupOutcome::kAnswer;
        l.names = {"stale.example.net."};
      }
      out.push_back(l);
    }
    return out;
  }

  std::vector<ForwardLookup> lookupForward(const std::vector<ForwardQuestion>& qs) override {
    forwardCalls.push_back(qs);
    std::vector<ForwardLookup> out;
    for (const auto& q : qs) {
      ForwardLookup l;
      l.question = q;
      auto it = forward.find(q);
      if (forwardTimeouts.contains(q.name))
        l.outcome = LookupOutcome::kTimeout;
      else if (it == forward.end())
        l.outcome = LookupOutcome::kNxdomain;
      else
        l.outcome = LookupOutcome::kAnswer, l.addresses = it->second;
      out.push_back(l);
    }
    return out;
  }
};

// A provider account: applied changes land in `account` and, through `dns`, in
// the fake resolver's PTR map (as a real provider's zone would).
class FakeProvider final : public providers::Provider {
 public:
  explicit FakeProvider(FakeResolver* dns = nullptr) : dns_(dns) {}
  std::map<std::string, providers::OwnedAddress> account;
  std::set<std::string> refuseAsInvalid;  // per-change invalid
  std::set<std::string> poison;           // any batch containing one is rejected as a whole
  bool inventoryFails = false;
  bool transientBatchFailure = false;
  size_t batchSize = 500;
  std::vector<size_t> batchSizes;
  std::vector<providers::Change> sent;  // every change apply() was given
  std::set<std::string> refuseForward;  // answered kRefusedForward (the platform's own check)

  void own(const std::string& ip, const std::string& ptr, const std::string& def) {
    account[ip] = providers::OwnedAddress{ip, ptr, def, ptr != def};
  }

  std::string type() const override { return "fake"; }
  size_t maxBatchSize() const override { return batchSize; }
  Result<providers::Inventory> inventory() override {
    if (inventoryFails) return Error::transient("HTTP 503");
    providers::Inventory inv;
    for (const auto& [ip, a] : account) inv.addresses.push_back(a);
    return inv;
  }
  Result<std::vector<providers::ChangeResult>> apply(
      const std::vector<providers::Change>& batch) override {
    batchSizes.push_back(batch.size());
    sent.insert(sent.end(), batch.begin(), batch.end());
    if (transientBatchFailure) return Error::transient("HTTP 502");
    for (const auto& c : batch) {
      if (poison.contains(c.ip)) return Error::rejected("HTTP 422: bad rrset " + c.ip);
    }
    std::vector<providers::ChangeResult> out;
    for (const auto& c : batch) {
      using S = providers::ChangeResult::Status;
      auto it = account.find(c.ip);
      if (it == account.end()) {
        out.push_back({c.ip, S::kNotYours, "", "not on this account"});
      } else if (refuseAsInvalid.contains(c.ip)) {
        out.push_back({c.ip, S::kInvalid, "", "hostname refused"});
      } else if (refuseForward.contains(c.ip)) {
        out.push_back({c.ip, S::kRefusedForward, "", "the hostname does not resolve to this IP"});
      } else {
        auto& a = it->second;
        a.ptr = c.action == providers::Change::Action::kSet ? c.hostname : a.defaultPtr;
        a.custom = a.ptr != a.defaultPtr;
        if (dns_ != nullptr) dns_->ptr[*IpAddress::parse(c.ip)] = a.ptr;
        out.push_back({c.ip, S::kApplied, a.ptr, ""});
      }
    }
    return out;
  }

 private:
  FakeResolver* dns_;
};

}  // namespace ptrd::testing
