#include "reconciler/telemetry/state_since.h"

#include <algorithm>

namespace ptrd {

std::vector<int64_t> StateSince::update(const std::vector<PlanEntry>& notInSync, int64_t nowUnix) {
  std::vector<int64_t> out;
  out.reserve(notInSync.size());
  std::vector<Entry> next;
  next.reserve(notInSync.size());
  std::map<std::string, Keyed> nextSource;
  auto less = [](const Entry& a, const IpAddress& b) { return a.ip < b; };
  for (const auto& e : notInSync) {
    if (!e.ip) {
      const std::string key = e.source.str() + "\n" + e.reason;
      auto it = bySource_.find(key);
      Keyed k{e.state,
              it != bySource_.end() && it->second.state == e.state ? it->second.since : nowUnix};
      nextSource.emplace(key, k);
      out.push_back(nextSource.at(key).since);
      continue;
    }
    auto it = std::lower_bound(byIp_.begin(), byIp_.end(), *e.ip, less);
    const bool same = it != byIp_.end() && it->ip == *e.ip && it->state == e.state;
    const int64_t since = same ? it->since : nowUnix;
    out.push_back(since);
    next.push_back(Entry{*e.ip, e.state, since});
  }
  // Plans list entries sorted by address, but an address may appear twice (two
  // invalid declarations of one IP): keep one entry per address.
  std::stable_sort(next.begin(), next.end(),
                   [](const Entry& a, const Entry& b) { return a.ip < b.ip; });
  next.erase(std::unique(next.begin(), next.end(),
                         [](const Entry& a, const Entry& b) { return a.ip == b.ip; }),
             next.end());
  next.shrink_to_fit();
  byIp_ = std::move(next);
  bySource_ = std::move(nextSource);
  return out;
}

}  // namespace ptrd
