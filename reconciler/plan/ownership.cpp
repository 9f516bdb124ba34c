#include "reconciler/plan/ownership.h"

#include "core/hostname.h"

namespace ptrd {

OwnershipIndex::OwnershipIndex(const providers::Inventory& inventory) {
  for (const auto& a : inventory.addresses) {
    auto ip = IpAddress::parse(a.ip);
    if (!ip) {
      unparsable_.push_back(a.ip);
      continue;
    }
    listed_.emplace(*ip, &a);
  }
  for (const auto& z : inventory.ownedZones) zones_.push_back(canonicalName(z));
}

const providers::OwnedAddress* OwnershipIndex::listed(const IpAddress& ip) const {
  auto it = listed_.find(ip);
  return it == listed_.end() ? nullptr : it->second;
}

bool OwnershipIndex::owns(const IpAddress& ip) const {
  if (listed(ip) != nullptr) return true;
  const std::string name = ip.reverseName();
  for (const auto& zone : zones_) {
    if (isUnderZone(name, zone)) return true;
  }
  return false;
}

}  // namespace ptrd
