#include "reconciler/ownership.h"

#include "reconciler/hostname.h"

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
    if (name.size() < zone.size()) continue;
    if (name.compare(name.size() - zone.size(), zone.size(), zone) != 0) continue;
    // Whole labels only: zone "3.2.1.in-addr.arpa." must not own 1.2.13.x addresses.
    if (name.size() == zone.size() || name[name.size() - zone.size() - 1] == '.') return true;
  }
  return false;
}

}  // namespace ptrd
