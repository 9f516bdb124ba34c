#include "reconciler/plan/ownership.h"

#include <algorithm>

#include "core/hostname.h"

namespace ptrd {

OwnershipIndex::OwnershipIndex(const providers::Inventory& inventory) {
  listed_.reserve(inventory.addresses.size());
  for (const auto& a : inventory.addresses) {
    auto ip = IpAddress::parse(a.ip);
    if (!ip) {
      unparsable_.push_back(a.ip);
      continue;
    }
    listed_.emplace_back(*ip, &a);
  }
  // Stable, so that of an address listed twice the first listing wins (as the
  // map's emplace kept it).
  std::stable_sort(listed_.begin(), listed_.end(),
                   [](const Listed& a, const Listed& b) { return a.first < b.first; });
  listed_.erase(std::unique(listed_.begin(), listed_.end(),
                            [](const Listed& a, const Listed& b) { return a.first == b.first; }),
                listed_.end());
  for (const auto& z : inventory.ownedZones) zones_.push_back(canonicalName(z));
}

const providers::OwnedAddress* OwnershipIndex::listed(const IpAddress& ip) const {
  auto it = std::lower_bound(listed_.begin(), listed_.end(), ip,
                             [](const Listed& a, const IpAddress& b) { return a.first < b; });
  return it == listed_.end() || it->first != ip ? nullptr : it->second;
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
