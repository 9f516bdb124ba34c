#include "reconciler/daemon/fcrdns_monitor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

namespace ptrd {
namespace {

constexpr double kCarry = 0.1;  // unspent tokens kept, as a share of what a refresh earns

bool isMismatch(fcrdns::Verdict v) {
  return v == fcrdns::Verdict::kForwardMismatch || v == fcrdns::Verdict::kForwardMissing;
}

// The answer to `q`, or nullptr: questions is sorted and answers follow it.
const ForwardLookup* answerFor(const ForwardQuestion& q,
                               const std::vector<ForwardQuestion>& questions,
                               const std::vector<ForwardLookup>& answers) {
  auto it = std::lower_bound(questions.begin(), questions.end(), q);
  const size_t i = size_t(it - questions.begin());
  return it != questions.end() && *it == q && i < answers.size() ? &answers[i] : nullptr;
}

// The shortest TTL of what the verdict rests on: once it runs out the verdict may be stale.
uint32_t minTtl(const PtrLookup& ptr, const std::vector<const ForwardLookup*>& mine) {
  uint32_t ttl = ptr.ttl;
  for (const auto* f : mine)
    if (f != nullptr) ttl = std::min(ttl, f->ttl);
  return ttl;
}

}  // namespace

size_t FcrdnsMonitor::bytesPerAddress() {
  static_assert(sizeof(Entry) <= 24, "the monitor's per-address state is part of the formula");
  return sizeof(Entry);
}

uint32_t FcrdnsMonitor::secondOf(Clock::TimePoint t, bool roundUp) const {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t - *base_).count();
  if (ns <= 0) return 0;
  int64_t s = ns / 1'000'000'000;
  if (roundUp && ns % 1'000'000'000 != 0) ++s;
  return uint32_t(std::min<int64_t>(s, std::numeric_limits<uint32_t>::max() - 1));
}

void FcrdnsMonitor::track(const IpWalk& walk) {
  // Declared records come sorted and unique; anything else is sorted here.
  bool ascending = true, same = true;
  size_t n = 0;
  const IpAddress* prev = nullptr;
  walk([&](const IpAddress& ip) {
    if (prev && !(*prev < ip)) ascending = false;
    same = same && n < entries_.size() && entries_[n].ip == ip;
    prev = &ip;
    ++n;
  });
  if (same && n == entries_.size()) return;  // the usual pass: same fleet, nothing to move
  std::vector<IpAddress> sorted;
  IpWalk inOrder = walk;
  if (!ascending) {
    sorted.reserve(n);
    walk([&](const IpAddress& ip) { sorted.push_back(ip); });
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    inOrder = [&sorted](const std::function<void(const IpAddress&)>& f) {
      for (const auto& ip : sorted) f(ip);
    };
  }
  std::vector<Entry> next;
  next.reserve(ascending ? n : sorted.size());
  auto old = entries_.begin();
  inOrder([&](const IpAddress& ip) {
    while (old != entries_.end() && old->ip < ip) ++old;
    next.push_back(old != entries_.end() && old->ip == ip ? *old : Entry{ip});
  });
  entries_ = std::move(next);
  observed_ = size_t(std::count_if(entries_.begin(), entries_.end(),
                                   [](const Entry& e) { return e.verdict != kUnseen; }));
  std::erase_if(mismatches_, [&](const auto& kv) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), kv.first,
                               [](const Entry& e, const IpAddress& v) { return e.ip < v; });
    return it == entries_.end() || !(it->ip == kv.first);
  });
}

std::vector<uint32_t> FcrdnsMonitor::dueEntries(uint32_t nowSecond, size_t wanted) const {
  std::vector<uint32_t> due;
  if (wanted == 0) return due;
  for (size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].verdict == kUnseen || entries_[i].due <= nowSecond) due.push_back(uint32_t(i));
  // Never-seen first, then the most overdue.
  auto key = [&](uint32_t i) {
    return std::make_tuple(entries_[i].verdict != kUnseen, entries_[i].due, i);
  };
  auto before = [&](uint32_t a, uint32_t b) { return key(a) < key(b); };
  if (due.size() > wanted) {
    std::partial_sort(due.begin(), due.begin() + ptrdiff_t(wanted), due.end(), before);
    due.resize(wanted);
  } else {
    std::sort(due.begin(), due.end(), before);
  }
  return due;
}

size_t FcrdnsMonitor::observeChunk(const std::vector<uint32_t>& picked, Resolver& resolver,
                                   Clock::TimePoint now, size_t budget, size_t& judged) {
  std::vector<IpAddress> ips;
  ips.reserve(picked.size());
  for (uint32_t i : picked) ips.push_back(entries_[i].ip);
  std::vector<PtrLookup> ptrs = resolver.lookupPtr(ips);
  const size_t left = budget > ips.size() ? budget - ips.size() : 0;
  // The IPs whose forward names fit in what is left (names counted with repeats:
  // never fewer than the distinct questions); the rest keep their place.
  size_t keep = 0;
  for (size_t names = 0; keep < ptrs.size() && keep < picked.size(); ++keep) {
    const size_t n = ptrs[keep].outcome == LookupOutcome::kAnswer ? ptrs[keep].names.size() : 0;
    if (names + n > left) break;
    names += n;
  }
  ptrs.resize(keep);
  judged = keep;
  const std::vector<ForwardQuestion> questions = fcrdns::forwardQuestions(ptrs);
  const std::vector<ForwardLookup> answers = resolver.lookupForward(questions);

  for (size_t k = 0; k < keep; ++k) {
    const PtrLookup& p = ptrs[k];
    std::vector<const ForwardLookup*> mine;
    if (p.outcome == LookupOutcome::kAnswer)
      for (const auto& name : p.names)
        mine.push_back(answerFor(ForwardQuestion{name, p.ip.family()}, questions, answers));
    auto ttl = std::chrono::seconds(minTtl(p, mine));
    ttl = std::clamp(ttl, options_.minRecheck, std::max(options_.minRecheck, options_.maxRecheck));
    fcrdns::Observation obs = fcrdns::judge(p, mine);
    Entry& e = entries_[picked[k]];
    if (e.verdict == kUnseen) ++observed_;
    e.verdict = uint8_t(obs.verdict);
    e.due = secondOf(now + ttl, /*roundUp=*/true);
    if (isMismatch(obs.verdict))
      mismatches_[e.ip] = std::move(obs);
    else
      mismatches_.erase(e.ip);
  }
  return ips.size() + questions.size();
}

size_t FcrdnsMonitor::refresh(const std::vector<IpAddress>& watched, Resolver& resolver,
                              Clock::TimePoint now, std::chrono::milliseconds interval) {
  return refreshEach(
      [&watched](const std::function<void(const IpAddress&)>& f) {
        for (const auto& ip : watched) f(ip);
      },
      resolver, now, interval);
}

size_t FcrdnsMonitor::refreshEach(const IpWalk& watched, Resolver& resolver, Clock::TimePoint now,
                                  std::chrono::milliseconds interval) {
  const double perSecond = std::max(options_.queriesPerSecond, 0.001);
  if (!lastRefresh_) {
    base_ = now;  // the first refresh may spend one interval's worth at once
    tokens_ = perSecond * std::max(std::chrono::duration<double>(interval).count(), 1.0);
  } else {
    const double gap = std::max(0.0, std::chrono::duration<double>(now - *lastRefresh_).count());
    const double earned = perSecond * gap;
    tokens_ = std::min(std::max(tokens_, 0.0), kCarry * earned) + earned;
  }
  lastRefresh_ = now;
  track(watched);

  const std::vector<uint32_t> due =
      dueEntries(secondOf(now, false), size_t(std::floor(tokens_ / perIp_)));
  size_t sent = 0;
  for (size_t i = 0; i < due.size();) {
    const size_t n = std::min({kChunk, due.size() - i, size_t(std::floor(tokens_ / perIp_))});
    if (n == 0) break;
    const std::vector<uint32_t> picked(due.begin() + ptrdiff_t(i), due.begin() + ptrdiff_t(i + n));
    size_t judged = 0;
    const size_t s = observeChunk(picked, resolver, now, size_t(std::floor(tokens_)), judged);
    // What an IP really costs here (one PTR, its names' questions), for the next pick.
    if (judged > 0) perIp_ = std::max(1.0, double(s) / double(judged));
    tokens_ -= double(s);
    sent += s;
    i += n;
  }
  return sent;
}

void FcrdnsMonitor::invalidate(const IpAddress& ip) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), ip,
                             [](const Entry& e, const IpAddress& v) { return e.ip < v; });
  if (it != entries_.end() && it->ip == ip) it->due = 0;
}

std::vector<fcrdns::Observation> FcrdnsMonitor::mismatches() const {
  std::vector<fcrdns::Observation> out;
  out.reserve(mismatches_.size());
  for (const auto& [ip, o] : mismatches_) out.push_back(o);
  return out;
}

}  // namespace ptrd
