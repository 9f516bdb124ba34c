#include "providers/hetzner_cloud/hcloud_provider.h"

#include <fmt/format.h>

#include <mutex>
#include <set>

#include "core/hostname.h"

namespace ptrd::providers::hetzner_cloud {
namespace {

// The reverse zone of an IPv6 /64: the network's 16 leading nibbles.
std::string zoneOf(const Cidr& net) {
  const std::string full = net.network.reverseName();  // 32 nibbles "x." + "ip6.arpa."
  return full.substr(32);
}

// One budget per project and state file for the whole process: the daemon makes
// a new provider when the config or the token file changes, and the project's
// budget does not refill because of that.
std::shared_ptr<RateBudget> sharedBudget(const std::string& url, const std::string& file) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<RateBudget>> budgets;
  std::lock_guard lock(mu);
  auto& b = budgets[url + "\n" + file];
  if (!b) b = std::make_shared<RateBudget>(file, nullptr);
  return b;
}

}  // namespace

std::string defaultIpv4Ptr(const IpAddress& ip) {
  const auto& b = ip.bytes();
  return fmt::format("static.{}.{}.{}.{}.clients.your-server.de.", b[3], b[2], b[1], b[0]);
}

HcloudProvider::HcloudProvider(HcloudOptions options, std::unique_ptr<PacedCaller> caller)
    : options_(std::move(options)), caller_(std::move(caller)) {
  if (options_.batchSize == 0 || options_.batchSize > kMaxBatch) options_.batchSize = kDefaultBatch;
}

http::Request HcloudProvider::request(std::string operation, std::string method,
                                      const std::string& path, std::string body) const {
  return http::bearerJsonRequest(std::move(operation), std::move(method), options_.url, path,
                                 options_.token, std::move(body));
}

Error responseError(const std::string& what, const http::Response& r) {
  const std::string text = errorText(r.code, r.body);
  if (r.code == 401 || r.code == 403)
    return Error::auth(
        fmt::format("Hetzner Cloud API {}: the API refused the token ({})", what, text));
  if (r.code == 429) return Error::rateLimited(fmt::format("Hetzner Cloud API {}: {}", what, text));
  if (r.code >= 500 && r.code <= 599)
    return Error::transient(fmt::format("Hetzner Cloud API {}: {}", what, text));
  return Error::permanent(fmt::format("Hetzner Cloud API {}: {}", what, text));
}

Result<Page> HcloudProvider::readPage(Kind kind, uint64_t page) {
  const std::string path = fmt::format("/{}?page={}&per_page={}", kindPath(kind), page, kPerPage);
  auto r = caller_->call(request(fmt::format("list_{}", kindPath(kind)), "GET", path), true);
  if (!r) return r.error();
  if (r->code != 200) return responseError(fmt::format("listing {}", kindPath(kind)), *r);
  return parsePage(kind, r->body);
}

Result<Inventory> HcloudProvider::inventory() {
  Inventory inv;
  std::map<IpAddress, Holder> byAddress;
  std::vector<std::pair<Cidr, Holder>> byNetwork;
  for (Kind kind : kAllKinds) {
    uint64_t page = 1;
    for (size_t pages = 0;; ++pages) {
      if (pages >= options_.maxPages) {
        return Error::permanent(fmt::format(
            "Hetzner Cloud API listing {}: more than {} pages (the bound on one listing)",
            kindPath(kind), options_.maxPages));
      }
      auto p = readPage(kind, page);
      if (!p) return p.error();
      for (const Listed& l : p->items) {
        for (const auto& text : l.networks) {
          auto net = Cidr::parse(text);
          if (!net) return Error::transient("Hetzner Cloud API: unreadable network " + text);
          byNetwork.emplace_back(*net, l.holder);
          inv.ownedZones.push_back(zoneOf(*net));
        }
        for (const auto& a : l.addresses) {
          auto ip = IpAddress::parse(a.ip);
          if (!ip) return Error::transient("Hetzner Cloud API: unreadable address " + a.ip);
          // A server's primary IP is listed under both: the first listing wins.
          if (!byAddress.emplace(*ip, l.holder).second) continue;
          if (inv.addresses.size() >= options_.maxItems) {
            return Error::permanent(fmt::format(
                "Hetzner Cloud API: more than {} addresses (the bound on one inventory)",
                options_.maxItems));
          }
          OwnedAddress o;
          o.ip = ip->str();
          o.ptr = a.ptr;
          if (ip->isV4()) o.defaultPtr = defaultIpv4Ptr(*ip);
          o.custom = !o.ptr.empty() && o.ptr != o.defaultPtr;
          inv.addresses.push_back(std::move(o));
        }
      }
      if (!p->nextPage) break;
      // A next page that does not move forward would page forever.
      if (*p->nextPage != page + 1) {
        return Error::transient(
            fmt::format("Hetzner Cloud API listing {}: page {} names {} as the next page",
                        kindPath(kind), page, *p->nextPage));
      }
      page = *p->nextPage;
    }
  }
  byAddress_ = std::move(byAddress);
  byNetwork_ = std::move(byNetwork);
  return inv;
}

const Holder* HcloudProvider::holderOf(const IpAddress& ip) const {
  if (auto it = byAddress_.find(ip); it != byAddress_.end()) return &it->second;
  if (ip.isV4()) return nullptr;
  for (const auto& [net, holder] : byNetwork_) {
    if (std::equal(ip.bytes().begin(), ip.bytes().begin() + 8, net.network.bytes().begin()))
      return &holder;
  }
  return nullptr;
}

Result<std::string> HcloudProvider::currentPtr(const Holder& h, const IpAddress& ip) {
  const std::string path = fmt::format("/{}/{}", kindPath(h.kind), h.id);
  auto r = caller_->call(request(fmt::format("get_{}", kindPath(h.kind)), "GET", path), true);
  if (!r) return r.error();
  if (r->code != 200) return responseError(fmt::format("reading {}", path), *r);
  auto one = parseOne(h.kind, r->body);
  if (!one) return one.error();
  for (const auto& a : one->addresses) {
    auto listed = IpAddress::parse(a.ip);
    if (listed && *listed == ip) return a.ptr;
  }
  return std::string();
}

Result<std::unique_ptr<Provider>> makeHcloudProvider(const ProviderConfig& config,
                                                     RequestObserver observer) {
  if (config.url.empty()) return Error::permanent("hetzner-cloud provider: url is not set");
  auto token = http::readSecretFile(config.apiKeyFile);
  if (!token)
    return Error::permanent(
        fmt::format("hetzner-cloud provider: tokenFile: {}", token.error().message));
  HcloudOptions o;
  o.url = config.url;
  o.token = *token;
  o.batchSize = config.batchSize;
  o.jobTimeout = config.jobTimeout;
  o.retry.deadline = std::max(o.retry.deadline, config.requestTimeout);
  std::string budgetFile;
  if (const auto* own = config.own<HcloudSettings>()) budgetFile = own->budgetFile;
  auto budget = sharedBudget(config.url, budgetFile);
  auto client = http::makeCurlClient(http::curlOptionsFor(config, std::move(observer)));
  auto caller = std::make_unique<PacedCaller>(std::move(client), std::move(budget), o.retry,
                                              http::RetryEnv::from(config.wait));
  return std::unique_ptr<Provider>(
      std::make_unique<HcloudProvider>(std::move(o), std::move(caller)));
}

}  // namespace ptrd::providers::hetzner_cloud
