// Rfc2136Provider: PTR records in reverse zones on the user's own primary
// (BIND, Knot, PowerDNS, Windows DNS, ...), read by AXFR and written by RFC 2136
// UPDATE, both signed with one TSIG key.
//
// Ownership is by zone: every address inside a listed zone is ours, with or
// without a record (ordinary zones go to Inventory::ownedZones; the few
// addresses of an RFC 2317 classless zone are listed one by one, since their
// usual reverse names lie outside it). A zone that cannot be transferred makes
// the inventory an Error.
//
// A batch becomes one UPDATE per zone, applied atomically by the server. Each
// change carries the prerequisite that its name holds exactly the PTR records
// the inventory showed (RFC 2136 §2.4.2, or §2.4.3 "no PTR" when there was
// none), so a concurrent writer's change is never overwritten: the server then
// refuses the whole UPDATE, every change of that zone's batch is kFailed with
// the reason, and the next pass plans from the new value. An UPDATE that would
// not fit a 64 KiB DNS message is split in halves, each atomic.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "providers/registry.h"
#include "providers/rfc2136/dns_client.h"
#include "providers/rfc2136/reverse_zone.h"

namespace ptrd::providers::rfc2136 {

struct Rfc2136Options {
  std::vector<ReverseZone> zones;
  uint32_t ttl = 300;
  std::string defaultTemplate;  // empty: a reset deletes the PTR
  size_t batchSize = 500;
  size_t maxItems = kMaxInventoryItems;  // addresses over all zones
};

class Rfc2136Provider : public Provider {
 public:
  Rfc2136Provider(Rfc2136Options options, std::unique_ptr<DnsClient> client,
                  RequestObserver observer = {});

  std::string type() const override { return "rfc2136"; }
  size_t maxBatchSize() const override { return options_.batchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

 private:
  // Sends changes[idx...] of one zone; fills results; halves what does not fit.
  Status send(const ReverseZone& zone, const std::vector<PtrUpdate>& updates,
              const std::vector<size_t>& idx, const std::vector<std::string>& targets,
              std::vector<ChangeResult>& results);
  Result<std::string> defaultPtrFor(const IpAddress& address) const;

  Rfc2136Options options_;
  std::unique_ptr<DnsClient> client_;
  RequestObserver observer_;
  // The whole PTR RRset of each owner the last inventory saw with more than one
  // record: the prerequisite must name all of them, while Change::observedPtr
  // carries the one the plan compared.
  std::map<std::string, std::vector<std::string>> observedSets_;
};

Result<std::unique_ptr<Provider>> makeRfc2136Provider(const ProviderConfig& config,
                                                      RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::rfc2136
