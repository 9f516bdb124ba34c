// LinodeProvider: reverse DNS through the Linode (Akamai) API v4.
//
// inventory() pages through GET /networking/ips (page, page_size <= 500, bounded
// pages and items), then GET /networking/ipv6/ranges: each routed IPv6 range or
// pool is an owned reverse zone, so an address in it can be named before Linode
// lists it. apply() sends one PUT /networking/ips/{address} per change,
// {"rdns": "host"} to set and {"rdns": null} to reset (IPv4 goes back to
// a-b-c-d.ip.linodeusercontent.com, IPv6 loses its name): the platform has no
// batch call, so a batch is a few paced calls in flight (providers/http/
// paced_calls.h) within the published rate, with one result per change.
//
// Linode checks forward DNS itself and refuses a name whose A/AAAA does not point
// back (HTTP 400 with its own text), or answers that it could not look the name
// up: both are kRefusedForward with the platform's words (blocked_forward,
// retried next pass), never kFailed. 401/403 is an auth Error for the batch;
// 429 waits as Retry-After says; 5xx and transport failures back off.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "providers/http/http_client.h"
#include "providers/http/paced_calls.h"
#include "providers/http/retry.h"
#include "providers/provider.h"
#include "providers/registry.h"

namespace ptrd::providers::linode {

inline constexpr const char* kDefaultUrl = "https://api.linode.com/v4";
// The strictest published limit on requests that are not paginated GETs (Nov
// 2023: 800 per 2 minutes), and on paginated GETs (200 per minute).
inline constexpr size_t kMaxRequestsPerMinute = 400;
inline constexpr size_t kMaxListPagesPerMinute = 200;
inline constexpr size_t kMaxPageSize = 500;
// Changes per apply(); each is its own request, so this only sizes the unit of
// progress the reconciler reports and retries.
inline constexpr size_t kBatchSize = 50;

// The linode block's own settings (ProviderConfig::own<LinodeSettings>()).
struct LinodeSettings : ProviderSettings {
  size_t requestsPerMinute = kMaxRequestsPerMinute;
  std::string requestLogFile;  // stateFile: the rate kept across restarts ("" in memory)
};

struct LinodeOptions {
  std::string url = kDefaultUrl;  // base including /v4
  std::string token;              // bearer token; never logged
  size_t requestsPerMinute = kMaxRequestsPerMinute;
  size_t workers = 4;  // calls in flight at once
  size_t pageSize = kMaxPageSize;
  size_t maxPages = kMaxInventoryPages;
  size_t maxItems = kMaxInventoryItems;
  http::RetryPolicy retry;
  // When earlier requests went out (earlier passes and processes); null: none.
  std::shared_ptr<http::SentRequestsLog> sentLog;
};

class LinodeProvider : public Provider {
 public:
  // One client per worker (a client serialises its calls); clients.size() >= 1.
  LinodeProvider(LinodeOptions options, std::vector<std::unique_ptr<http::Client>> clients,
                 http::RetryEnv env);

  std::string type() const override { return "linode"; }
  size_t maxBatchSize() const override { return kBatchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

  // The windows every request waits for: requestsPerMinute per minute, spread
  // so that no second takes more than its share.
  static std::vector<http::RateWindow> rateWindows(size_t requestsPerMinute);

 private:
  http::Request request(std::string operation, std::string method, const std::string& path,
                        std::string body = {}) const;
  // The body of one list page (GET path?page=&page_size=), paced by listLimiter_.
  Result<std::string> listPage(const char* operation, const char* what, const std::string& path,
                               size_t page);
  static Status checkPaging(const char* what, size_t asked, size_t got, size_t pages,
                            std::optional<size_t>& firstPages);
  Status listIps(Inventory& inv);
  Status listRanges(Inventory& inv);
  // One change; an auth Error when the token is refused.
  Result<ChangeResult> applyOne(const Change& change, http::Client& client);

  LinodeOptions options_;
  http::RetryEnv env_;
  std::shared_ptr<http::RateLimiter> limiter_;          // every request
  std::shared_ptr<http::RateLimiter> listLimiter_;      // list pages, besides
  std::vector<std::unique_ptr<http::Client>> clients_;  // paced through limiter_
};

Result<std::unique_ptr<Provider>> makeLinodeProvider(const ProviderConfig& config,
                                                     RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::linode
