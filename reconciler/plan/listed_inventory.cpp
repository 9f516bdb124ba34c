#include "reconciler/plan/listed_inventory.h"

#include "reconciler/plan/policy.h"

namespace ptrd {

ListedInventory::ListedInventory(const DesiredState& desired)
    : desired_(desired),
      seen_(desired.records.size(), false),
      inSync_(desired.records.size(), false) {
  for (const auto& inv : desired.invalid) {
    if (inv.ip) invalid_.insert(*inv.ip);
  }
}

void ListedInventory::add(std::vector<providers::OwnedAddress>&& page) {
  for (auto& a : page) {
    auto ip = IpAddress::parse(a.ip);
    if (!ip || invalid_.contains(*ip)) {  // reported or planned from the whole listing
      kept_.addresses.push_back(std::move(a));
      continue;
    }
    const DesiredRecord* r = desired_.find(*ip);
    if (r == nullptr) {
      if (carriesCustomPtr(a)) kept_.addresses.push_back(std::move(a));
      continue;
    }
    const size_t i = size_t(r - desired_.records.data());
    if (seen_[i]) continue;  // a second listing of the same address: the first counts
    seen_[i] = true;
    if (!r->reset && normalisedPtr(a.ptr) == r->hostname)
      inSync_[i] = true;
    else
      kept_.addresses.push_back(std::move(a));
  }
}

}  // namespace ptrd
