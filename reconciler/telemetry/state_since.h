// StateSince: when each address that is not in_sync entered its current state,
// as this daemon saw it (the status page's "since" column).
//
// Compact on purpose: one sorted vector of 32-byte entries, rebuilt from each
// pass's not-in-sync entries, so 10,000 drifting addresses cost ~320 KB and an
// address that returns to in_sync is forgotten. Invalid declarations without a
// parsable address are keyed by their file:line instead (few, by nature).
//
//   StateSince since;
//   auto at = since.update(pass.notInSync, finishedUnix);  // at[i] for notInSync[i]
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "reconciler/plan/plan.h"

namespace ptrd {

class StateSince {
 public:
  // Records the states of one pass's not-in-sync entries at `nowUnix` (seconds)
  // and returns, for each entry in order, the Unix time it entered that state:
  // `nowUnix` for a new address or a changed state, the remembered time otherwise.
  std::vector<int64_t> update(const std::vector<PlanEntry>& notInSync, int64_t nowUnix);

  size_t size() const { return byIp_.size() + bySource_.size(); }

 private:
  struct Entry {
    IpAddress ip;
    RecordState state;
    int64_t since;
  };
  struct Keyed {
    RecordState state;
    int64_t since;
  };
  std::vector<Entry> byIp_;                // sorted by ip, one per ip
  std::map<std::string, Keyed> bySource_;  // address-less invalid entries
};

}  // namespace ptrd
