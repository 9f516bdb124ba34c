// FcrdnsMonitor: the daemon's watch on live FCrDNS, for ptrd_fcrdns_mismatch,
// within a DNS query budget.
//
// A steady-state pass (nothing to change) needs no DNS for the plan itself: the
// provider's inventory says every PTR is as declared. What can still drift is
// forward DNS (someone moves an A record), so the monitor re-observes each
// declared IP (PTR, then the PTR name's A/AAAA) when its answers' TTL runs out,
// never all at once:
//   - each IP is due at (last look + min TTL of its PTR and forward answers),
//     clamped to [minRecheck, maxRecheck]; never-seen IPs are due first;
//   - each refresh may spend what the time since the previous one earned
//     (`queriesPerSecond` x that time; the first refresh one interval's worth),
//     plus what earlier refreshes left unspent up to a tenth of that: queries
//     sent between two refreshes never exceed 1.1 x the budget, and when enough
//     is due the whole budget is spent however long a pass takes;
//   - the most overdue IPs go first, in chunks sized by what an IP cost so far
//     (two queries at first); an IP whose forward questions (a PTR RRset of
//     several names) would overrun the budget keeps its place for next time.
// So a fleet larger than the budget is covered over several passes, and the
// query rate stays flat instead of bursting once per interval.
//
// Per address the monitor keeps 24 bytes (address, verdict, due second); the
// full observation (names, detail) only for the few whose verdict is a mismatch.
//
//   FcrdnsMonitor monitor({.queriesPerSecond = 100});
//   monitor.refresh(declaredIps, resolver, clock.now(), interval);
//   metrics.setFcrdnsMismatch(monitor.mismatches().size());
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/ip_address.h"
#include "reconciler/dns/fcrdns.h"
#include "reconciler/dns/resolver.h"

namespace ptrd {

struct MonitorOptions {
  double queriesPerSecond = 100;
  std::chrono::seconds minRecheck{1};
  std::chrono::seconds maxRecheck{3600};
};

class FcrdnsMonitor {
 public:
  // IPs asked in one go: bounds the answers held in memory at once. The first pass
  // observes every address, and its chunks set the daemon's lifetime peak: 16,384
  // held ~17 MB (glibc keeps it until the pass's trim); 4,096 holds ~5 MB and is
  // still large enough for the resolver to use both of its threads.
  static constexpr size_t kChunk = 4096;

  explicit FcrdnsMonitor(MonitorOptions options = {}) : options_(options) {}
  void setOptions(const MonitorOptions& o) { options_ = o; }

  // Forgets IPs no longer in `watched` and re-observes the due ones the budget
  // allows. Returns the number of DNS queries sent.
  size_t refresh(const std::vector<IpAddress>& watched, Resolver& resolver, Clock::TimePoint now,
                 std::chrono::milliseconds interval);
  // The same, with the watched IPs handed over one by one (`walk` calls its
  // argument with each): at a million declared addresses a copy of them would
  // be ~17 MB at the pass's peak.
  using IpWalk = std::function<void(const std::function<void(const IpAddress&)>&)>;
  size_t refreshEach(const IpWalk& walk, Resolver& resolver, Clock::TimePoint now,
                     std::chrono::milliseconds interval);
  // ptrd changed this IP's PTR: look again at the next refresh.
  void invalidate(const IpAddress& ip);

  // Observations whose live PTR name does not resolve back (forward_mismatch, forward_missing).
  std::vector<fcrdns::Observation> mismatches() const;
  size_t observed() const { return observed_; }
  double tokens() const { return tokens_; }
  // What the per-address state costs (the monitor's share of the memory formula).
  static size_t bytesPerAddress();

 private:
  // One declared IP. `due` is in whole seconds since the first refresh, rounded
  // up (never re-checked before its TTL ran out); kUnseen: never observed.
  struct Entry {
    IpAddress ip;
    uint8_t verdict = kUnseen;
    uint32_t due = 0;
  };
  static constexpr uint8_t kUnseen = 0xff;

  void track(const IpWalk& walk);
  std::vector<uint32_t> dueEntries(uint32_t nowSecond, size_t wanted) const;
  // Observes entries[picked...]; returns queries sent, at most `budget`, and
  // how many of the picked IPs were judged (a prefix; the rest stay due).
  size_t observeChunk(const std::vector<uint32_t>& picked, Resolver& resolver, Clock::TimePoint now,
                      size_t budget, size_t& judged);
  uint32_t secondOf(Clock::TimePoint t, bool roundUp) const;

  MonitorOptions options_;
  std::vector<Entry> entries_;  // sorted by IP
  std::map<IpAddress, fcrdns::Observation> mismatches_;
  size_t observed_ = 0;
  std::optional<Clock::TimePoint> base_, lastRefresh_;
  double tokens_ = 0;
  double perIp_ = 2;  // queries an IP costs (PTR + one A/AAAA at first), as last measured
};

}  // namespace ptrd
