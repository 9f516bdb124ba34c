// HetznerRobotProvider: reverse DNS of dedicated servers through the Hetzner
// Robot webservice (HTTP Basic auth with a webservice user, form-encoded
// requests, wrapped JSON answers).
//
// inventory() reads GET /ip (single addresses; a server's main IPv4 has a
// default name), GET /subnet (IPv4 subnets are listed address by address,
// IPv6 subnets become owned reverse zones) and GET /rdns (every entry, no
// paging). apply() sends one call per change, paced within the webservice's
// hourly budget (providers/http/paced_calls.h): POST /rdns/{ip} `ptr=` sets
// (creates or updates), DELETE /rdns/{ip} resets (the main IPv4 then shows its
// default again, any other address has no name). Robot does not check forward
// DNS itself.
//
// Error codes: 401 UNAUTHORIZED stops the pass; RATE_LIMIT_EXCEEDED (a 403)
// backs off and retries like a 429; IP_NOT_FOUND is not yours; INVALID_INPUT is
// rejected; RDNS_NOT_FOUND on a reset means there was nothing to delete (a
// retried DELETE whose first answer was lost), which is applied.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "providers/http/http_client.h"
#include "providers/http/paced_calls.h"
#include "providers/http/retry.h"
#include "providers/provider.h"
#include "providers/registry.h"

namespace ptrd::providers::hetzner_robot {

inline constexpr const char* kDefaultUrl = "https://robot-ws.your-server.de";
// The webservice's published budget for the rdns calls, per hour.
inline constexpr size_t kMaxRdnsRequestsPerHour = 500;
// ... and for GET /ip and GET /subnet.
inline constexpr size_t kMaxListRequestsPerHour = 5000;
inline constexpr size_t kBatchSize = 50;
// An IPv4 subnet is listed address by address: larger ones are refused.
inline constexpr int kMinIpv4SubnetMask = 20;

// The hetznerRobot block's own settings (ProviderConfig::own<RobotSettings>()).
struct RobotSettings : ProviderSettings {
  std::string userFile;
  std::string passwordFile;
  size_t requestsPerHour = kMaxRdnsRequestsPerHour;
  std::string requestLogFile;  // stateFile: the rate kept across restarts ("" in memory)
};

struct RobotOptions {
  std::string url = kDefaultUrl;
  std::string user;      // never logged
  std::string password;  // never logged
  size_t requestsPerHour = kMaxRdnsRequestsPerHour;
  size_t workers = 2;
  size_t maxItems = kMaxInventoryItems;
  http::RetryPolicy retry;
  // When earlier requests went out (earlier passes and processes); null: none.
  std::shared_ptr<http::SentRequestsLog> sentLog;
};

class HetznerRobotProvider : public Provider {
 public:
  // clients[0] reads /ip and /subnet, the others are one per worker (a client
  // serialises its calls); a single client does everything.
  HetznerRobotProvider(RobotOptions options, std::vector<std::unique_ptr<http::Client>> clients,
                       http::RetryEnv env);

  std::string type() const override { return "hetzner-robot"; }
  size_t maxBatchSize() const override { return kBatchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

  // requestsPerHour in the hour, spread so that no 10 minutes take more than a sixth.
  static std::vector<http::RateWindow> rateWindows(size_t requestsPerHour);

 private:
  http::Request request(std::string operation, std::string method, const std::string& path,
                        std::string body = {}) const;
  // The body of a list call; an empty list for Robot's 404 NOT_FOUND ("no entries").
  Result<std::string> list(const std::string& operation, const std::string& path,
                           http::Client& client);
  Result<ChangeResult> applyOne(const Change& change, http::Client& client);

  RobotOptions options_;
  http::RetryEnv env_;
  std::shared_ptr<http::RateLimiter> rdnsLimiter_, listLimiter_;
  std::vector<std::unique_ptr<http::Client>> clients_;  // paced by rdnsLimiter_
  std::unique_ptr<http::Client> listClient_;  // GET /ip, /subnet: listLimiter_; may be null
};

Result<std::unique_ptr<Provider>> makeHetznerRobotProvider(const ProviderConfig& config,
                                                           RequestObserver observer);

ProviderType providerType();

}  // namespace ptrd::providers::hetzner_robot
