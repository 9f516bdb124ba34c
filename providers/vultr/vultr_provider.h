// VultrProvider: reverse DNS through the Vultr API v2.
//
// inventory() pages through GET /instances (cursor paging: per_page and
// meta.links.next; bounded pages and items), then per instance GET
// /instances/{id}/ipv4 (each address with its reverse) and, for an instance with
// IPv6, GET /instances/{id}/ipv6/reverse (the custom IPv6 names): every address
// inside the instance's IPv6 network is owned (Inventory::ownedZones), and
// IPv6 has no default name.
//
// apply() sends one call per change (the platform has no batch call):
//   set IPv4    POST /instances/{id}/ipv4/reverse {"ip", "reverse"}
//   reset IPv4  POST /instances/{id}/ipv4/reverse/default {"ip"}  (Vultr's own name)
//   set IPv6    POST /instances/{id}/ipv6/reverse {"ip": expanded, "reverse"}
//   reset IPv6  DELETE /instances/{id}/ipv6/reverse/{expanded ip}
// IPv6 always goes fully expanded, the only form Vultr takes. Every request,
// the listing included, waits for its place under the published 30 requests a
// second (providers/http/paced_calls.h). Vultr does not check forward DNS: a 400
// is kInvalid with its words; 404 is kNotYours; 401/403 an auth Error for the
// batch; 429 and 5xx are retried, then kFailed.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "providers/http/http_client.h"
#include "providers/http/paced_calls.h"
#include "providers/http/retry.h"
#include "providers/provider.h"
#include "providers/registry.h"
#include "providers/vultr/vultr_json.h"

namespace ptrd::providers::vultr {

inline constexpr const char* kDefaultUrl = "https://api.vultr.com/v2";
// Published: more than 30 requests a second from one client may get 429.
inline constexpr size_t kMaxRequestsPerSecond = 30;
// The default stays under it, so arrival jitter never pushes a second over.
inline constexpr size_t kDefaultRequestsPerSecond = 20;
inline constexpr size_t kMaxPerPage = 500;
// Changes per apply(); each is its own request, so this only sizes the unit of
// progress the reconciler reports and retries.
inline constexpr size_t kBatchSize = 50;

// The vultr block's own settings (ProviderConfig::own<VultrSettings>()).
struct VultrSettings : ProviderSettings {
  size_t requestsPerSecond = kDefaultRequestsPerSecond;
};

struct VultrOptions {
  std::string url = kDefaultUrl;  // base including /v2
  std::string token;              // bearer token; never logged
  size_t requestsPerSecond = kDefaultRequestsPerSecond;
  size_t workers = 4;  // calls in flight at once
  size_t perPage = kMaxPerPage;
  size_t maxPages = kMaxInventoryPages;
  size_t maxItems = kMaxInventoryItems;
  http::RetryPolicy retry;
};

class VultrProvider : public Provider {
 public:
  // One client per worker (a client serialises its calls); clients.size() >= 1.
  VultrProvider(VultrOptions options, std::vector<std::unique_ptr<http::Client>> clients,
                http::RetryEnv env);

  std::string type() const override { return "vultr"; }
  size_t maxBatchSize() const override { return kBatchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

 private:
  struct Holdings {  // what one instance holds
    std::vector<OwnedAddress> addresses;
  };
  http::Request request(std::string operation, std::string method, const std::string& path,
                        std::string body = {}) const;
  Result<http::Response> send(http::Client& client, http::Request request);
  Result<Holdings> readInstance(const Instance& instance, http::Client& client);
  // The instance holding ip as of the last inventory; "" when none does.
  std::string holderOf(const IpAddress& ip) const;
  Result<ChangeResult> applyOne(const Change& change, http::Client& client);

  VultrOptions options_;
  http::RetryEnv env_;
  std::shared_ptr<http::RateLimiter> limiter_;
  std::vector<std::unique_ptr<http::Client>> clients_;   // paced through limiter_
  mutable std::mutex mu_;                                // guards the two maps below
  std::map<IpAddress, std::string> byAddress_;           // listed address -> instance id
  std::vector<std::pair<Cidr, std::string>> byNetwork_;  // IPv6 network -> instance id
  bool listed_ = false;
};

Result<std::unique_ptr<Provider>> makeVultrProvider(const ProviderConfig& config,
                                                    RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::vultr
