// HcloudProvider::apply: one change_dns_ptr action per change, one running
// action per resource, the actions polled together (hcloud_provider.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "providers/hetzner_cloud/hcloud_provider.h"

namespace ptrd::providers::hetzner_cloud {

using std::chrono::milliseconds;

struct HcloudProvider::Pending {
  const Change* change = nullptr;
  IpAddress ip;
  Holder holder;
  std::string expected;  // what the address shows once the change took effect
  uint64_t actionId = 0;
  bool done = false;
  ChangeResult result;

  void finish(ChangeResult::Status s, std::string reason = {}) {
    done = true;
    result.status = s;
    result.reason = std::move(reason);
    if (s == ChangeResult::Status::kApplied) result.ptr = expected;
  }
};

namespace {

constexpr size_t kPollChunk = 25;  // ids per GET /actions, as the official client sends them

bool isLocked(const http::Response& r) {
  return r.code == 423 || r.code == 409 || errorCode(r.body) == "locked" ||
         errorCode(r.body) == "conflict";
}

}  // namespace

// Ends with p.done (its result filled), or with p.actionId of a running action.
void HcloudProvider::start(Pending& p) {
  const Change& c = *p.change;
  const std::string path =
      fmt::format("/{}/{}/actions/change_dns_ptr", kindPath(p.holder.kind), p.holder.id);
  const auto req = request("change_dns_ptr", "POST", path, changeBody(p.ip.str(), c.hostname));
  auto& env = caller_->env();
  http::Backoff backoff(options_.retry.base, options_.retry.cap, env.random);
  bool uncertain = false;  // an earlier POST may have taken effect
  int failures = 0, locked = 0;
  auto pause = [&]() { env.sleep(backoff.next()); };
  for (;;) {
    if (uncertain) {
      // The lost answer's change may have run: read before writing again.
      auto cur = currentPtr(p.holder, p.ip);
      if (!cur) return p.finish(ChangeResult::Status::kFailed, cur.error().message);
      if (*cur == p.expected) return p.finish(ChangeResult::Status::kApplied);
    }
    auto r = caller_->call(req, false);
    if (!r) {
      if (r.error().kind != Error::Kind::kTransient || env.isStopped())
        return p.finish(ChangeResult::Status::kFailed, r.error().message);
      if (++failures >= options_.retry.maxAttempts)
        return p.finish(ChangeResult::Status::kFailed, r.error().message);
      uncertain = true;
      pause();
      continue;
    }
    const std::string text = errorText(r->code, r->body);
    if (r->code == 200 || r->code == 201) {
      auto action = parseAction(r->body);
      if (!action) {  // accepted, but which action is unknown: read it back later
        uncertain = true;
        if (++failures >= options_.retry.maxAttempts)
          return p.finish(ChangeResult::Status::kFailed, action.error().message);
        pause();
        continue;
      }
      if (action->status == "success") return p.finish(ChangeResult::Status::kApplied);
      if (action->status == "error") {
        return p.finish(ChangeResult::Status::kFailed,
                        fmt::format("action {} failed: {}: {}", action->id, action->errorCode,
                                    action->errorMessage));
      }
      p.actionId = action->id;
      return;
    }
    if (r->code >= 500 && r->code <= 599) {
      if (++failures >= options_.retry.maxAttempts)
        return p.finish(ChangeResult::Status::kFailed, text);
      uncertain = true;
      pause();
      continue;
    }
    if (isLocked(*r)) {
      // Another action runs on this resource (perhaps our lost one): wait for it.
      if (++locked > options_.maxLockedRetries)
        return p.finish(ChangeResult::Status::kFailed, text);
      pause();
      continue;
    }
    if (r->code == 401 || r->code == 403) {
      p.result.reason = responseError("changing a PTR", *r).message;
      p.done = true;
      p.result.status = ChangeResult::Status::kFailed;
      authFailed_ = true;
      return;
    }
    if (r->code == 422 || r->code == 400) return p.finish(ChangeResult::Status::kInvalid, text);
    if (r->code == 404) return p.finish(ChangeResult::Status::kNotYours, text);
    return p.finish(ChangeResult::Status::kFailed, text);
  }
}

Status HcloudProvider::await(std::vector<Pending*>& round) {
  auto& env = caller_->env();
  const auto deadline = env.bound(env.now() + options_.jobTimeout);
  milliseconds wait = options_.pollFirst;
  for (;;) {
    std::map<uint64_t, Pending*> running;
    for (Pending* p : round)
      if (!p->done && p->actionId != 0) running[p->actionId] = p;
    if (running.empty()) return okStatus();
    if (env.now() >= deadline) {
      for (auto& [id, p] : running) {
        p->finish(ChangeResult::Status::kFailed,
                  fmt::format("action {} still running at its deadline (jobTimeout {} ms, or the "
                              "pass's deadline if sooner)",
                              id, options_.jobTimeout.count()));
      }
      return okStatus();
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - env.now());
    env.sleep(std::clamp(wait, milliseconds(0), std::max(left, milliseconds(0))));
    if (env.isStopped())
      return Error::transient(fmt::format("Hetzner Cloud actions: {}", kStoppedReason));
    wait = std::min(wait * 2, options_.pollCap);
    auto it = running.begin();
    while (it != running.end()) {
      std::string path = "/actions?";
      for (size_t n = 0; n < kPollChunk && it != running.end(); ++n, ++it)
        path += fmt::format("{}id={}", n == 0 ? "" : "&", it->first);
      auto r = caller_->call(request("get_actions", "GET", path), true);
      if (!r) {
        if (r.error().isAuth() || env.isStopped()) return r.error();
        continue;  // polled again on the next round, within the deadline
      }
      if (r->code != 200) {
        Error e = responseError("reading actions", *r);
        if (e.isAuth()) return e;
        continue;
      }
      auto actions = parseActions(r->body);
      if (!actions) continue;
      for (const Action& a : *actions) {
        auto found = running.find(a.id);
        if (found == running.end() || a.status == "running") continue;
        if (a.status == "success") {
          found->second->finish(ChangeResult::Status::kApplied);
        } else {
          found->second->finish(
              ChangeResult::Status::kFailed,
              fmt::format("action {} failed: {}: {}", a.id, a.errorCode, a.errorMessage));
        }
      }
    }
  }
}

Result<std::vector<ChangeResult>> HcloudProvider::apply(const std::vector<Change>& batch) {
  if (batch.empty()) return std::vector<ChangeResult>{};
  if (batch.size() > options_.batchSize) {
    return Error::permanent(fmt::format("Hetzner Cloud API: batch of {} exceeds the limit of {}",
                                        batch.size(), options_.batchSize));
  }
  if (byAddress_.empty() && byNetwork_.empty()) {
    auto inv = inventory();  // which resource holds each address
    if (!inv) return inv.error();
  }
  std::vector<Pending> all(batch.size());
  // Changes per resource, in batch order: one action at a time on each.
  std::map<std::pair<int, uint64_t>, std::vector<Pending*>> queues;
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending& p = all[i];
    p.change = &batch[i];
    p.result.ip = batch[i].ip;
    p.result.action = batch[i].action;
    auto ip = IpAddress::parse(batch[i].ip);
    if (!ip) {
      p.finish(ChangeResult::Status::kInvalid, "not an IP address");
      continue;
    }
    p.ip = *ip;
    const Holder* h = holderOf(*ip);
    if (h == nullptr) {
      p.finish(ChangeResult::Status::kNotYours, "not listed on this Hetzner Cloud project");
      continue;
    }
    p.holder = *h;
    if (batch[i].action == Change::Action::kSet)
      p.expected = batch[i].hostname;
    else if (ip->isV4())
      p.expected = defaultIpv4Ptr(*ip);
    queues[{int(h->kind), h->id}].push_back(&p);
  }
  authFailed_ = false;
  for (size_t step = 0;; ++step) {
    std::vector<Pending*> round;
    for (auto& [holder, q] : queues)
      if (step < q.size()) round.push_back(q[step]);
    if (round.empty()) break;
    for (Pending* p : round) {
      start(*p);
      if (authFailed_) return Error::auth(p->result.reason);
      if (caller_->env().isStopped())
        return Error::transient(fmt::format("Hetzner Cloud API: {}", kStoppedReason));
    }
    if (auto s = await(round); !s) return s.error();
  }
  std::vector<ChangeResult> out;
  out.reserve(all.size());
  for (auto& p : all) out.push_back(std::move(p.result));
  return out;
}

}  // namespace ptrd::providers::hetzner_cloud
