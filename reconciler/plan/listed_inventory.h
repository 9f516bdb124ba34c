// ListedInventory: a provider's inventory as the planner needs it, taken in page
// by page (Provider::inventoryPages) against the desired state, so a fleet of a
// million addresses in sync costs two bits an address instead of three strings.
//
// Of each listed address it keeps:
//   - a declared (valid, set-to-a-name) address whose PTR already is the declared
//     name: one "listed in sync" bit beside its DesiredRecord, nothing else;
//   - any other declared address, every address an invalid declaration names,
//     every undeclared address carrying a custom PTR and every unparsable line:
//     the whole OwnedAddress, as the planner saw it before;
//   - an undeclared address with its default PTR: nothing (no policy touches it,
//     and no declaration asks whether it is owned).
// Of a declared address listed twice the first listing wins, as in OwnershipIndex;
// of an undeclared one, the first listing that carries a custom PTR.
//
//   ListedInventory listed(desired);
//   auto zones = provider.inventoryPages([&](auto&& page) { listed.add(std::move(page)); });
//   if (!zones) return zones.error();   // never a partial inventory
//   listed.setOwnedZones(std::move(*zones));
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "providers/provider.h"
#include "reconciler/source/desired_state.h"

namespace ptrd {

class ListedInventory {
 public:
  // `desired` must outlive this object and stay unchanged.
  explicit ListedInventory(const DesiredState& desired);

  void add(std::vector<providers::OwnedAddress>&& page);
  void setOwnedZones(std::vector<std::string> zones) { kept_.ownedZones = std::move(zones); }

  // The listings kept whole (see above) and the owned zones.
  const providers::Inventory& kept() const { return kept_; }
  // Was desired.records[i] listed with its declared name as its PTR (first listing)?
  bool listedInSync(size_t record) const { return inSync_[record]; }
  const DesiredState& desired() const { return desired_; }

 private:
  const DesiredState& desired_;
  std::set<IpAddress> invalid_;  // addresses of invalid declarations
  providers::Inventory kept_;
  std::vector<bool> seen_;    // per desired record: listed already (first listing wins)
  std::vector<bool> inSync_;  // per desired record: listed with the declared name
};

}  // namespace ptrd
