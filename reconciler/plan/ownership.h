// OwnershipIndex: answers "does the provider own this IP, and what is its PTR?"
// from one Inventory.
//
// An address is owned when the inventory lists it, or when its reverse name lies
// under one of the inventory's ownedZones (PowerDNS lists only existing records;
// an address without a record under an owned zone is still ours to set).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "providers/provider.h"
#include "core/ip_address.h"

namespace ptrd {

class OwnershipIndex {
 public:
  explicit OwnershipIndex(const providers::Inventory& inventory);

  // The listed address, or nullptr (also for zone-owned addresses without a record).
  const providers::OwnedAddress* listed(const IpAddress& ip) const;
  bool owns(const IpAddress& ip) const;
  using Listed = std::pair<IpAddress, const providers::OwnedAddress*>;
  // Listed addresses in IP order (an address listed twice: its first listing).
  const std::vector<Listed>& addresses() const { return listed_; }
  // Inventory lines whose IP did not parse (a provider bug; reported, never acted on).
  const std::vector<std::string>& unparsable() const { return unparsable_; }

 private:
  // Sorted by IP: 24 bytes an address where a map node costs ~70 (fleets of a
  // million addresses).
  std::vector<Listed> listed_;
  std::vector<std::string> zones_;  // canonical, trailing dot
  std::vector<std::string> unparsable_;
};

}  // namespace ptrd
