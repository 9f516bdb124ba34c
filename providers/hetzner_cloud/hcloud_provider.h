// HcloudProvider: Hetzner Cloud (docs/providers/hetzner-cloud.md).
//
// PTRs live on four kinds of resources -- servers, primary IPs, floating IPs and
// load balancers -- each listed by its own paged endpoint. inventory() reads all
// four: every listed IPv4 (with its default static.<d.c.b.a>.clients.your-
// server.de) and every IPv6 PTR entry is an address; every IPv6 /64 is an owned
// zone (any address inside may be given a PTR; IPv6 has no default).
//
// apply() sends one POST /{kind}/{id}/actions/change_dns_ptr per change and
// polls the actions it starts (GET /actions?id=..) until they end or jobTimeout
// passes. A resource runs one action at a time (the API answers `locked`), so
// changes of one resource go out one after the other, changes of different
// resources together. A POST whose answer was lost (5xx, timeout) is not simply
// sent again: the resource is read back first, so a change that took effect is
// never written twice.
//
// Every request is paced to the project's budget (RateBudget, persisted in the
// provider's stateFile across restarts). 401/403 stop the pass (auth); 422
// invalid_input is that change's `invalid`; 404 is `not yours`; 5xx is transient.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "providers/hetzner_cloud/hcloud_json.h"
#include "providers/hetzner_cloud/paced_caller.h"
#include "providers/provider.h"
#include "providers/registry.h"

namespace ptrd::providers::hetzner_cloud {

inline constexpr const char* kDefaultUrl = "https://api.hetzner.cloud/v1";
inline constexpr size_t kMaxBatch = 50;
inline constexpr size_t kDefaultBatch = 25;
inline constexpr size_t kPerPage = 50;  // the API's largest page

// The block's own settings (ProviderConfig::own<HcloudSettings>()).
struct HcloudSettings : ProviderSettings {
  std::string budgetFile;  // `stateFile`: the rate budget across restarts; "" = memory only
};

struct HcloudOptions {
  std::string url;
  std::string token;  // never logged
  size_t batchSize = kDefaultBatch;
  std::chrono::milliseconds jobTimeout{300000};
  http::RetryPolicy retry;
  std::chrono::milliseconds pollFirst{100};
  std::chrono::milliseconds pollCap{2000};
  size_t maxPages = kMaxInventoryPages;
  size_t maxItems = kMaxInventoryItems;
  int maxLockedRetries = 8;  // `locked` answers tolerated for one change
};

// The Error an unexpected answer is: auth (401/403), rate-limited (429),
// transient (5xx), permanent otherwise.
Error responseError(const std::string& what, const http::Response& r);

// "static.153.147.62.46.clients.your-server.de." for 46.62.147.153.
std::string defaultIpv4Ptr(const IpAddress& ip);

class HcloudProvider : public Provider {
 public:
  HcloudProvider(HcloudOptions options, std::unique_ptr<PacedCaller> caller);

  std::string type() const override { return "hetzner-cloud"; }
  size_t maxBatchSize() const override { return options_.batchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

 private:
  struct Pending;  // one change on its way (hcloud_apply.cpp)

  http::Request request(std::string operation, std::string method, const std::string& path,
                        std::string body = {}) const;
  Result<Page> readPage(Kind kind, uint64_t page);
  // Which resource holds ip: the listed address, else the /64 it lies in.
  const Holder* holderOf(const IpAddress& ip) const;
  // What the resource shows for ip now ("" = no PTR); an Error when unreadable.
  Result<std::string> currentPtr(const Holder& h, const IpAddress& ip);
  // Starts one change: its action's id, or 0 when the change already shows
  // (a lost answer that took effect); a filled result when it ended at once.
  // A refused token sets authFailed_.
  void start(Pending& p);
  // Polls the running actions of `round` until each ends or the deadline passes.
  Status await(std::vector<Pending*>& round);

  HcloudOptions options_;
  std::unique_ptr<PacedCaller> caller_;
  // From the last inventory: which resource each address and /64 belongs to.
  std::map<IpAddress, Holder> byAddress_;
  std::vector<std::pair<Cidr, Holder>> byNetwork_;
  bool authFailed_ = false;  // a change was refused for the token: the pass stops
};

Result<std::unique_ptr<Provider>> makeHcloudProvider(const ProviderConfig& config,
                                                     RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::hetzner_cloud
