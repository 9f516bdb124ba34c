#include "providers/vultr/vultr_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace ptrd::providers::vultr {
namespace {

using Status = ChangeResult::Status;

Error responseError(const std::string& what, const http::Response& r) {
  std::string text = errorText(r.code, r.body);
  if (r.code == 401 || r.code == 403)
    return Error::auth(fmt::format("Vultr API {}: the API refused the token ({})", what, text));
  return http::httpError(r.code, fmt::format("Vultr API {}: {}", what, text));
}

// The reverse zones covering an IPv6 network: its nibble-aligned zone, or the
// (at most 8) zones one nibble below when the prefix is not on a nibble.
std::vector<std::string> zonesOf(const Cidr& net) {
  const int nibbles = (net.prefix + 3) / 4;
  const uint64_t count = uint64_t(1) << (nibbles * 4 - net.prefix);
  std::vector<std::string> out;
  for (uint64_t i = 0; i < count; ++i) {
    auto bytes = net.network.bytes();
    const int nibble = nibbles - 1;  // the last nibble of the zone, 0-based
    const uint8_t shift = (nibble % 2 == 0) ? 4 : 0;
    bytes[nibble / 2] = uint8_t(bytes[nibble / 2] | (i << shift));
    // "x.x. ... ip6.arpa.": 32 nibbles of two characters each, the zone keeps the leading ones.
    out.push_back(IpAddress::v6(bytes).reverseName().substr(size_t(32 - nibbles) * 2));
  }
  return out;
}

bool contains(const Cidr& net, const IpAddress& ip) {
  if (ip.isV4() != net.network.isV4()) return false;
  const auto& a = net.network.bytes();
  const auto& b = ip.bytes();
  for (int bit = 0; bit < net.prefix; ++bit) {
    const uint8_t mask = uint8_t(0x80 >> (bit % 8));
    if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
  }
  return true;
}

std::string pageQuery(size_t perPage, const std::string& cursor) {
  std::string q = fmt::format("?per_page={}", perPage);
  if (!cursor.empty()) q += "&cursor=" + http::urlEncode(cursor);
  return q;
}

}  // namespace

VultrProvider::VultrProvider(VultrOptions options,
                             std::vector<std::unique_ptr<http::Client>> clients, http::RetryEnv env)
    : options_(std::move(options)), env_(std::move(env)) {
  using namespace std::chrono_literals;
  options_.perPage = std::clamp<size_t>(options_.perPage, 1, kMaxPerPage);
  const size_t rate = std::clamp<size_t>(options_.requestsPerSecond, 1, kMaxRequestsPerSecond);
  limiter_ = std::make_shared<http::RateLimiter>(std::vector<http::RateWindow>{{rate, 1s}});
  for (auto& c : clients)
    clients_.push_back(std::make_unique<http::PacedClient>(std::move(c), limiter_, env_));
  options_.workers = std::clamp<size_t>(options_.workers, 1, clients_.size());
}

http::Request VultrProvider::request(std::string operation, std::string method,
                                     const std::string& path, std::string body) const {
  return http::bearerJsonRequest(std::move(operation), std::move(method), options_.url, path,
                                 options_.token, std::move(body));
}

Result<http::Response> VultrProvider::send(http::Client& client, http::Request request) {
  auto env = env_;  // a copy per call: workers run at once
  return http::sendWithRetry(client, request, options_.retry, env);
}

Result<VultrProvider::Holdings> VultrProvider::readInstance(const Instance& instance,
                                                            http::Client& client) {
  Holdings out;
  std::string cursor;
  for (size_t pages = 0;; ++pages) {
    if (pages >= options_.maxPages)
      return Error::permanent(
          fmt::format("Vultr API listing the IPv4 addresses of instance {}: more than {} pages",
                      instance.id, options_.maxPages));
    auto r = send(client, request("list_ipv4", "GET",
                                  fmt::format("/instances/{}/ipv4{}", instance.id,
                                              pageQuery(options_.perPage, cursor))));
    if (!r) return r.error();
    if (r->code != 200)
      return responseError(fmt::format("listing the IPv4 addresses of instance {}", instance.id),
                           *r);
    auto page = parseIpv4s(r->body);
    if (!page) return page.error();
    if (page->items.size() > options_.maxItems)
      return Error::permanent(fmt::format("Vultr API: more than {} addresses on instance {}",
                                          options_.maxItems, instance.id));
    for (const auto& l : page->items) {
      OwnedAddress a;
      a.ip = l.ip.str();
      a.ptr = l.ptr;
      // An older account may still show the former default pattern: the platform's name.
      a.defaultPtr = isPlatformDefault(l.ip, l.ptr) ? l.ptr : defaultPtrFor(l.ip);
      a.custom = !a.ptr.empty() && a.ptr != a.defaultPtr;
      out.addresses.push_back(std::move(a));
    }
    if (page->next.empty()) break;
    if (page->next == cursor)
      return Error::transient(fmt::format(
          "Vultr API listing the IPv4 addresses of instance {}: the next cursor does not move",
          instance.id));
    cursor = page->next;
  }
  if (!instance.v6Network) return out;
  auto r = send(client, request("list_ipv6_reverse", "GET",
                                fmt::format("/instances/{}/ipv6/reverse", instance.id)));
  if (!r) return r.error();
  if (r->code != 200)
    return responseError(fmt::format("listing the IPv6 reverses of instance {}", instance.id), *r);
  auto reverses = parseIpv6Reverses(r->body);
  if (!reverses) return reverses.error();
  for (const auto& l : *reverses) {
    if (l.ptr.empty()) continue;  // no name: nothing to list besides the network
    out.addresses.push_back({l.ip.str(), l.ptr, "", true});
  }
  return out;
}

Result<Inventory> VultrProvider::inventory() {
  std::vector<Instance> instances;
  std::string cursor;
  for (size_t pages = 0;; ++pages) {
    if (pages >= options_.maxPages)
      return Error::permanent(
          fmt::format("Vultr API listing instances: more than {} pages (the bound on one listing)",
                      options_.maxPages));
    auto r = send(*clients_[0], request("list_instances", "GET",
                                        "/instances" + pageQuery(options_.perPage, cursor)));
    if (!r) return r.error();
    if (r->code != 200) return responseError("listing instances", *r);
    auto page = parseInstances(r->body);
    if (!page) return page.error();
    if (page->items.size() > options_.maxItems - instances.size())
      return Error::permanent(
          fmt::format("Vultr API listing instances: more than {} (the bound on one inventory)",
                      options_.maxItems));
    for (auto& i : page->items) instances.push_back(std::move(i));
    if (page->next.empty()) break;
    if (page->next == cursor)
      return Error::transient("Vultr API listing instances: the next cursor does not move");
    cursor = page->next;
  }

  std::vector<Result<Holdings>> held(instances.size(), Error::transient("not read"));
  http::forEachConcurrently(instances.size(), options_.workers, [&](size_t i, size_t worker) {
    held[i] = readInstance(instances[i], *clients_[worker]);
  });

  Inventory inv;
  std::map<IpAddress, std::string> byAddress;
  std::vector<std::pair<Cidr, std::string>> byNetwork;
  for (size_t i = 0; i < instances.size(); ++i) {
    if (!held[i]) return held[i].error();
    if (held[i]->addresses.size() > options_.maxItems - inv.addresses.size())
      return Error::permanent(fmt::format(
          "Vultr API: more than {} addresses (the bound on one inventory)", options_.maxItems));
    for (auto& a : held[i]->addresses) {
      auto ip = IpAddress::parse(a.ip);
      if (!ip) return Error::transient("Vultr API: unreadable address " + a.ip);
      // An address moving between instances while we list shows twice (or not at all).
      if (!byAddress.emplace(*ip, instances[i].id).second)
        return Error::transient(fmt::format("Vultr API: {} listed twice", a.ip));
      inv.addresses.push_back(std::move(a));
    }
    if (const auto& net = instances[i].v6Network) {
      byNetwork.emplace_back(*net, instances[i].id);
      for (auto& z : zonesOf(*net)) inv.ownedZones.push_back(std::move(z));
    }
  }
  std::lock_guard lock(mu_);
  byAddress_ = std::move(byAddress);
  byNetwork_ = std::move(byNetwork);
  listed_ = true;
  return inv;
}

std::string VultrProvider::holderOf(const IpAddress& ip) const {
  std::lock_guard lock(mu_);
  if (auto it = byAddress_.find(ip); it != byAddress_.end()) return it->second;
  for (const auto& [net, id] : byNetwork_)
    if (contains(net, ip)) return id;
  return {};
}

Result<ChangeResult> VultrProvider::applyOne(const Change& change, http::Client& client) {
  ChangeResult out;
  out.ip = change.ip;
  out.action = change.action;
  auto ip = IpAddress::parse(change.ip);
  if (!ip) {
    out.status = Status::kInvalid;
    out.reason = "not an IP address";
    return out;
  }
  const std::string id = holderOf(*ip);
  if (id.empty()) {
    out.status = Status::kNotYours;
    out.reason = "not on any instance of this Vultr account";
    return out;
  }
  const bool set = change.action == Change::Action::kSet;
  const std::string family = ip->isV4() ? "ipv4" : "ipv6";
  const std::string base = fmt::format("/instances/{}/{}/reverse", id, family);
  http::Request req;
  if (set)
    req = request("set_reverse_" + family, "POST", base, reverseBody(*ip, change.hostname));
  else if (ip->isV4())
    req = request("reset_reverse_ipv4", "POST", base + "/default", reverseBody(*ip, ""));
  else  // expanded text is hex digits and ':' only: a valid path segment as it is
    req = request("reset_reverse_ipv6", "DELETE", base + "/" + ip->expandedStr());
  auto r = send(client, std::move(req));
  if (!r) {
    if (r.error().isAuth()) return r.error();
    out.status = Status::kFailed;
    out.reason = r.error().message;
    return out;
  }
  if (r->code == 401 || r->code == 403) return responseError("setting a reverse", *r);
  if (r->code == 200 || r->code == 204) {
    out.status = Status::kApplied;
    out.ptr = set ? change.hostname : defaultPtrFor(*ip);
    return out;
  }
  out.reason = errorText(r->code, r->body);
  // Vultr checks no forward DNS, so a 400 is the request itself: its words, kept.
  out.status = r->code == 404   ? Status::kNotYours
               : r->code == 400 ? Status::kInvalid
                                : Status::kFailed;
  return out;
}

Result<std::vector<ChangeResult>> VultrProvider::apply(const std::vector<Change>& batch) {
  if (batch.size() > kBatchSize)
    return Error::permanent(
        fmt::format("Vultr API: batch of {} exceeds {}", batch.size(), kBatchSize));
  bool listed;
  {
    std::lock_guard lock(mu_);
    listed = listed_;
  }
  if (!listed) {
    auto inv = inventory();  // which instance holds each address
    if (!inv) return inv.error();
  }
  return http::applyEachConcurrently(
      batch, options_.workers, "not sent: the API refused the token",
      [&](const Change& c, size_t worker) { return applyOne(c, *clients_[worker]); });
}

Result<std::unique_ptr<Provider>> makeVultrProvider(const ProviderConfig& config,
                                                    RequestObserver observer) {
  auto token = http::readSecretFile(config.apiKeyFile);
  if (!token)
    return Error::permanent(fmt::format("vultr provider: tokenFile: {}", token.error().message));
  VultrOptions o;
  o.url = config.url.empty() ? kDefaultUrl : config.url;
  o.token = *token;
  if (const auto* own = config.own<VultrSettings>()) o.requestsPerSecond = own->requestsPerSecond;
  o.retry.deadline = std::max(o.retry.deadline, config.requestTimeout);
  std::vector<std::unique_ptr<http::Client>> clients;
  for (size_t i = 0; i < o.workers; ++i)
    clients.push_back(http::makeCurlClient(http::curlOptionsFor(config, observer)));
  return std::unique_ptr<Provider>(std::make_unique<VultrProvider>(
      std::move(o), std::move(clients), http::RetryEnv::from(config.wait)));
}

}  // namespace ptrd::providers::vultr
