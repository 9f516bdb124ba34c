// OvhProvider: reverse DNS through the OVHcloud API v1 (application key, secret
// and consumer key; every call signed, providers/ovh/ovh_signature.h).
//
// inventory() reads GET /ip (the account's blocks, no paging), then per block
// GET /ip/{block}/reverse (only the addresses with a custom reverse) and
// GET /ip/{block}/reverse/{ip} for each of them. Every address inside a listed
// block is owned: an IPv4 block is listed address by address (no entry = OVH's
// default, whose name this API never shows: "default" with no name), an IPv6
// block becomes an owned reverse zone. apply() sends one call per change, paced
// (providers/http/paced_calls.h): POST /ip/{block}/reverse {"ipReverse",
// "reverse"} sets, DELETE /ip/{block}/reverse/{ip} resets to OVH's default.
//
// Timestamps follow the API's clock: GET /auth/time once per process, and again
// after an answer refusing the timestamp, so a skewed local clock still signs
// right. OVH checks forward DNS itself; its refusal ("x. does not resolve to
// ip", "Cannot check if x. resolves to ip") is kRefusedForward with its words.
// A refused signature or credential (400 INVALID_SIGNATURE, 401, 403) is an auth
// Error for the batch; 429 waits as Retry-After says; 5xx backs off.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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

namespace ptrd::providers::ovh {

inline constexpr const char* kDefaultUrl = "https://eu.api.ovh.com/1.0";
// OVH publishes no limit for these calls: a conservative pace by default.
inline constexpr size_t kDefaultRequestsPerMinute = 300;
inline constexpr size_t kMaxRequestsPerMinute = 1200;
inline constexpr size_t kBatchSize = 50;
// An IPv4 block is listed address by address: larger ones are refused.
inline constexpr int kMinIpv4Prefix = 16;
inline constexpr size_t kMaxBlocks = 100'000;

// The ovh block's own settings (ProviderConfig::own<OvhSettings>()).
struct OvhSettings : ProviderSettings {
  std::string applicationKeyFile;
  std::string applicationSecretFile;
  std::string consumerKeyFile;
  size_t requestsPerMinute = kDefaultRequestsPerMinute;
};

struct OvhOptions {
  std::string url = kDefaultUrl;  // base including /1.0
  std::string applicationKey;     // secrets: never logged
  std::string applicationSecret;
  std::string consumerKey;
  size_t requestsPerMinute = kDefaultRequestsPerMinute;
  size_t workers = 4;
  size_t maxItems = kMaxInventoryItems;
  http::RetryPolicy retry;
  // The local Unix time (tests pin it); null = the system clock.
  std::function<int64_t()> unixNow;
};

class OvhProvider : public Provider {
 public:
  // One client per worker (a client serialises its calls); clients.size() >= 1.
  OvhProvider(OvhOptions options, std::vector<std::unique_ptr<http::Client>> clients,
              http::RetryEnv env);

  std::string type() const override { return "ovh"; }
  size_t maxBatchSize() const override { return kBatchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

  static std::vector<http::RateWindow> rateWindows(size_t requestsPerMinute);

 private:
  // A signed call with the API's clock (fetched once, again after a refused
  // timestamp), retried as retry.h does.
  Result<http::Response> call(http::Client& client, std::string operation, std::string method,
                              const std::string& path, std::string body = {});
  Result<int64_t> clockOffset(http::Client& client, bool refresh);
  Result<std::vector<Cidr>> listBlocks(http::Client& client);
  Result<ChangeResult> applyOne(const Change& change, http::Client& client);

  OvhOptions options_;
  http::RetryEnv env_;
  std::shared_ptr<http::RateLimiter> limiter_;
  std::vector<std::unique_ptr<http::Client>> clients_;  // paced through limiter_
  std::mutex clockMu_;
  std::optional<int64_t> offset_;            // API clock minus local clock, seconds
  std::optional<std::vector<Cidr>> blocks_;  // as the last GET /ip listed them
};

Result<std::unique_ptr<Provider>> makeOvhProvider(const ProviderConfig& config,
                                                  RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::ovh
