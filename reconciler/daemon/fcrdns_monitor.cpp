#include "reconciler/daemon/fcrdns_monitor.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

namespace ptrd {
namespace {

constexpr double kQueriesPerIp = 2;  // PTR + one A/AAAA: the estimate used to pick how many

// The shortest TTL of what the verdict rests on: once it runs out the verdict may be stale.
uint32_t minTtl(const PtrLookup& ptr, const std::vector<ForwardLookup>& answers,
                const std::vector<ForwardQuestion>& questions) {
  uint32_t ttl = ptr.ttl;
  if (ptr.outcome != LookupOutcome::kAnswer) return ttl;
  for (const auto& name : ptr.names) {
    ForwardQuestion q{name, ptr.ip.family()};
    auto it = std::lower_bound(questions.begin(), questions.end(), q);
    if (it != questions.end() && *it == q && size_t(it - questions.begin()) < answers.size())
      ttl = std::min(ttl, answers[size_t(it - questions.begin())].ttl);
  }
  return ttl;
}

}  // namespace

size_t FcrdnsMonitor::refresh(const std::vector<IpAddress>& watched, Resolver& resolver,
                              Clock::TimePoint now, std::chrono::milliseconds interval) {
  const double perSecond = std::max(options_.queriesPerSecond, 0.001);
  const double bank = std::max(
      kQueriesPerIp, perSecond * std::max(std::chrono::duration<double>(interval).count(), 1.0));
  if (!lastRefresh_) {
    tokens_ = bank;  // the first pass may spend one interval's worth at once
  } else {
    tokens_ = std::min(
        bank, tokens_ + perSecond * std::chrono::duration<double>(now - *lastRefresh_).count());
  }
  lastRefresh_ = now;

  std::set<IpAddress> keep(watched.begin(), watched.end());
  std::erase_if(seen_, [&](const auto& kv) { return !keep.contains(kv.first); });

  // Most overdue first; never-seen IPs (no entry) before everything else.
  std::vector<std::pair<Clock::TimePoint, IpAddress>> due;
  for (const auto& ip : keep) {
    auto it = seen_.find(ip);
    if (it == seen_.end())
      due.emplace_back(Clock::TimePoint::min(), ip);
    else if (it->second.due <= now)
      due.emplace_back(it->second.due, ip);
  }
  std::sort(due.begin(), due.end());
  const size_t affordable = tokens_ <= 0 ? 0 : size_t(std::floor(tokens_ / kQueriesPerIp));
  if (due.size() > affordable) due.resize(affordable);
  if (due.empty()) return 0;

  std::vector<IpAddress> ips;
  for (const auto& d : due) ips.push_back(d.second);
  std::vector<PtrLookup> ptrs = resolver.lookupPtr(ips);
  std::vector<ForwardQuestion> questions = fcrdns::forwardQuestions(ptrs);
  std::vector<ForwardLookup> answers = resolver.lookupForward(questions);
  const size_t sent = ptrs.size() + questions.size();
  tokens_ -= double(sent);

  for (const auto& p : ptrs) {
    std::vector<const ForwardLookup*> mine;
    if (p.outcome == LookupOutcome::kAnswer) {
      for (const auto& name : p.names) {
        ForwardQuestion q{name, p.ip.family()};
        auto it = std::lower_bound(questions.begin(), questions.end(), q);
        size_t i = size_t(it - questions.begin());
        mine.push_back(it != questions.end() && *it == q && i < answers.size() ? &answers[i]
                                                                               : nullptr);
      }
    }
    auto ttl = std::chrono::seconds(minTtl(p, answers, questions));
    ttl = std::clamp(ttl, options_.minRecheck, std::max(options_.minRecheck, options_.maxRecheck));
    seen_[p.ip] = Seen{fcrdns::judge(p, mine), now + ttl};
  }
  return sent;
}

void FcrdnsMonitor::invalidate(const IpAddress& ip) {
  auto it = seen_.find(ip);
  if (it != seen_.end()) it->second.due = Clock::TimePoint::min();
}

std::vector<fcrdns::Observation> FcrdnsMonitor::mismatches() const {
  std::vector<fcrdns::Observation> out;
  for (const auto& [ip, s] : seen_) {
    auto v = s.observation.verdict;
    if (v == fcrdns::Verdict::kForwardMismatch || v == fcrdns::Verdict::kForwardMissing)
      out.push_back(s.observation);
  }
  return out;
}

}  // namespace ptrd
