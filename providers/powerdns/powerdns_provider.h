// PowerDnsProvider: PTR records in a PowerDNS Authoritative server, through its
// HTTP API (/api/v1/servers/localhost/...).
//
// Ownership is by zone: every address under a reverse zone (in-addr.arpa. or
// ip6.arpa.) that the server hosts is ours, with or without a record. A set is an
// rrset REPLACE; a reset is an rrset DELETE, or a REPLACE with the rendered
// defaultTemplate when one is configured. Changes are sent as one PATCH per zone
// and chunk of batchSize rrsets; a PATCH the server rejects as a whole (422) is
// bisected so one bad record cannot fail its neighbours.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "providers/http/http_client.h"
#include "providers/provider.h"
#include "providers/registry.h"

namespace ptrd::providers::powerdns {

struct PowerDnsOptions {
  std::string url;     // e.g. http://127.0.0.1:8081
  std::string apiKey;  // the secret itself; never logged
  size_t batchSize = 500;
  std::string defaultTemplate;  // empty: reset deletes the rrset
  uint32_t ttl = 300;
  std::string serverId = "localhost";
  size_t maxZones = kMaxZones;           // more reverse zones is an error
  size_t maxItems = kMaxInventoryItems;  // more PTR records is an error
};

class PowerDnsProvider : public Provider {
 public:
  PowerDnsProvider(PowerDnsOptions options, std::unique_ptr<http::Client> client);

  std::string type() const override { return "powerdns"; }
  size_t maxBatchSize() const override { return options_.batchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

 private:
  struct Zone {
    std::string name;  // canonical
    std::string id;    // as the API spells it in URLs
  };
  Result<std::vector<Zone>> reverseZones();
  Result<http::Response> call(const std::string& operation, const std::string& method,
                              const std::string& path, std::string body = {});
  // PATCHes changes[idx...] into zone; fills results; bisects on 422.
  Status patch(const Zone& zone, const std::vector<Change>& batch, const std::vector<size_t>& idx,
               std::vector<ChangeResult>& results);
  // The rendered defaultTemplate ("" without one); an error when the template
  // cannot name this address (an unknown placeholder for its family).
  Result<std::string> defaultPtrFor(const IpAddress& address) const;

  PowerDnsOptions options_;
  std::unique_ptr<http::Client> client_;
};

Result<std::unique_ptr<Provider>> makePowerDnsProvider(const ProviderConfig& config,
                                                       RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::powerdns
