#include "providers/hetzner_robot/robot_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>

#include "core/ip_address.h"
#include "providers/hetzner_robot/robot_json.h"

namespace ptrd::providers::hetzner_robot {
namespace {

using Status = ChangeResult::Status;

// Robot answers an exhausted budget with 403 RATE_LIMIT_EXCEEDED and no
// Retry-After: shown to the retry loop as the 429 it is, so it backs off and
// asks again instead of taking it for refused credentials.
class RateLimitAs429 final : public http::Client {
 public:
  explicit RateLimitAs429(std::unique_ptr<http::Client> inner) : inner_(std::move(inner)) {}
  Result<http::Response> send(const http::Request& r) override {
    auto res = inner_->send(r);
    if (res && res->code == 403 && parseError(res->code, res->body).code == "RATE_LIMIT_EXCEEDED")
      res->code = 429;
    return res;
  }

 private:
  std::unique_ptr<http::Client> inner_;
};

Error responseError(const std::string& what, const http::Response& r) {
  RobotError e = parseError(r.code, r.body);
  if (r.code == 401 || (r.code == 403 && e.code != "RATE_LIMIT_EXCEEDED"))
    return Error::auth(fmt::format(
        "Hetzner Robot API {}: the webservice refused the credentials ({})", what, e.message));
  std::string msg = fmt::format("Hetzner Robot API {}: {}", what, e.message);
  return http::httpError(r.code, std::move(msg));
}

}  // namespace

std::vector<http::RateWindow> HetznerRobotProvider::rateWindows(size_t requestsPerHour) {
  using namespace std::chrono_literals;
  requestsPerHour = std::clamp<size_t>(requestsPerHour, 1, kMaxRdnsRequestsPerHour);
  return {{requestsPerHour, 3600s}, {(requestsPerHour + 5) / 6, 600s}};
}

HetznerRobotProvider::HetznerRobotProvider(RobotOptions options,
                                           std::vector<std::unique_ptr<http::Client>> clients,
                                           http::RetryEnv env)
    : options_(std::move(options)), env_(std::move(env)) {
  using namespace std::chrono_literals;
  rdnsLimiter_ = std::make_shared<http::RateLimiter>(rateWindows(options_.requestsPerHour), 2min,
                                                     http::LimiterLog{options_.sentLog, "rdns"});
  listLimiter_ = std::make_shared<http::RateLimiter>(
      std::vector<http::RateWindow>{{kMaxListRequestsPerHour, 3600s}}, 2min,
      http::LimiterLog{options_.sentLog, "list"});
  // The first client reads /ip and /subnet under their own budget; the others
  // make the rdns calls (GET /rdns included) under the rdns budget.
  for (size_t i = 0; i < clients.size(); ++i) {
    auto limited = std::make_unique<RateLimitAs429>(std::move(clients[i]));
    if (i == 0 && clients.size() > 1) {
      listClient_ = std::make_unique<http::PacedClient>(std::move(limited), listLimiter_, env_);
      continue;
    }
    clients_.push_back(std::make_unique<http::PacedClient>(std::move(limited), rdnsLimiter_, env_));
  }
  options_.workers = std::clamp<size_t>(options_.workers, 1, clients_.size());
}

http::Request HetznerRobotProvider::request(std::string operation, std::string method,
                                            const std::string& path, std::string body) const {
  http::Request r;
  r.operation = std::move(operation);
  r.method = std::move(method);
  r.url = http::joinUrl(options_.url, path);
  r.headers = {{"Authorization", "Basic " + base64(options_.user + ":" + options_.password)},
               {"Accept", "application/json"}};
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  r.body = std::move(body);
  return r;
}

Result<std::string> HetznerRobotProvider::list(const std::string& operation,
                                               const std::string& path, http::Client& client) {
  auto r = http::sendWithRetry(client, request(operation, "GET", path), options_.retry, env_);
  if (!r) return r.error();
  // Robot's answer for a list with no entries (not a failed read).
  if (r->code == 404 && parseError(r->code, r->body).code == "NOT_FOUND") return std::string("[]");
  if (r->code != 200) return responseError(fmt::format("reading {}", path), *r);
  return r->body;
}

Result<Inventory> HetznerRobotProvider::inventory() {
  // /ip and /subnet have their own, larger budget; with a single client they
  // take a place in both.
  http::Client& lists = listClient_ ? *listClient_ : *clients_[0];
  std::map<std::string, OwnedAddress> byIp;
  Inventory inv;
  auto add = [&](const std::string& ip, std::string defaultPtr) -> ptrd::Status {
    if (byIp.size() >= options_.maxItems)
      return Error::permanent(
          fmt::format("Hetzner Robot API listing addresses: more than {} addresses (the bound on "
                      "one inventory)",
                      options_.maxItems));
    auto& a = byIp[ip];
    a.ip = ip;
    if (a.defaultPtr.empty())
      a.defaultPtr = std::move(defaultPtr);  // listed as a main IP and in a subnet
    return okStatus();
  };

  auto ipsBody = list("list_ips", "/ip", lists);
  if (!ipsBody) return ipsBody.error();
  auto ips = parseIps(*ipsBody);
  if (!ips) return ips.error();
  for (const auto& ip : *ips)
    if (auto ok = add(ip.ip, ip.mainIp ? mainIpDefault(ip.ip) : ""); !ok) return ok.error();

  auto subnetsBody = list("list_subnets", "/subnet", lists);
  if (!subnetsBody) return subnetsBody.error();
  auto subnets = parseSubnets(*subnetsBody);
  if (!subnets) return subnets.error();
  for (const auto& s : *subnets) {
    auto cidr = Cidr::parse(fmt::format("{}/{}", s.network, s.mask));
    if (!cidr)
      return Error::transient(fmt::format("Hetzner Robot API: subnet {}/{}: {}", s.network, s.mask,
                                          cidr.error().message));
    if (cidr->network.isV4()) {
      if (s.mask < kMinIpv4SubnetMask)
        return Error::permanent(
            fmt::format("Hetzner Robot API: subnet {}/{} is larger than /{} (the bound on "
                        "one subnet listed address by address)",
                        s.network, s.mask, kMinIpv4SubnetMask));
      for (uint64_t i = 0; i < cidr->size(); ++i)
        if (auto ok = add(cidr->at(i).str(), ""); !ok) return ok.error();
      continue;
    }
    // An IPv6 subnet is a reverse zone of whole nibbles: rounded to the next
    // nibble it never claims an address outside the subnet.
    int nibbles = (s.mask + 3) / 4;
    std::string name = cidr->network.reverseName();  // 32 nibbles + "ip6.arpa."
    inv.ownedZones.push_back(name.substr(size_t(32 - nibbles) * 2));
  }

  auto rdnsBody = list("list_rdns", "/rdns", *clients_[0]);
  if (!rdnsBody) return rdnsBody.error();
  auto entries = parseRdnsList(*rdnsBody);
  if (!entries) return entries.error();
  for (const auto& e : *entries) {
    if (!byIp.count(e.ip))
      if (auto ok = add(e.ip, ""); !ok) return ok.error();
    byIp[e.ip].ptr = e.ptr;
  }
  for (auto& [ip, a] : byIp) {
    a.custom = !a.ptr.empty() && a.ptr != a.defaultPtr;
    inv.addresses.push_back(std::move(a));
  }
  return inv;
}

Result<ChangeResult> HetznerRobotProvider::applyOne(const Change& change, http::Client& client) {
  ChangeResult out;
  out.ip = change.ip;
  out.action = change.action;
  const bool set = change.action == Change::Action::kSet;
  // Canonical address text is a valid path segment as it is.
  auto r = http::sendWithRetry(
      client,
      set ? request("set_rdns", "POST", "/rdns/" + change.ip, ptrForm(change.hostname))
          : request("reset_rdns", "DELETE", "/rdns/" + change.ip),
      options_.retry, env_);
  if (!r) {
    if (r.error().isAuth()) return r.error();
    out.status = Status::kFailed;
    out.reason = r.error().message;
    return out;
  }
  if (r->code == 401 || r->code == 403) return responseError("changing reverse DNS", *r);
  RobotError e = parseError(r->code, r->body);
  if (set && (r->code == 200 || r->code == 201)) {
    auto entry = parseRdns(r->body);
    if (!entry || entry->ptr != change.hostname) {
      out.status = Status::kFailed;
      out.reason = entry ? fmt::format("Robot answered ptr \"{}\" after setting \"{}\"", entry->ptr,
                                       change.hostname)
                         : entry.error().message;
      return out;
    }
    out.status = Status::kApplied;
    out.ptr = entry->ptr;
    return out;
  }
  // Nothing to delete is what a reset wants (a retried DELETE whose first
  // answer was lost finds the entry gone).
  if (!set &&
      (r->code == 200 || r->code == 204 || (r->code == 404 && e.code == "RDNS_NOT_FOUND"))) {
    // No body: what DNS should show (the main IPv4's default, or nothing) is
    // what the plan expected from the inventory's default.
    out.status = Status::kApplied;
    return out;
  }
  out.reason = e.message;
  if (r->code == 404 && e.code == "IP_NOT_FOUND") {
    out.status = Status::kNotYours;
  } else if (r->code == 400 && e.code == "INVALID_INPUT") {
    out.status = Status::kInvalid;
  } else {
    out.status =
        Status::kFailed;  // 5xx (RDNS_*_FAILED) past the retries, a budget used up, anything else
  }
  return out;
}

Result<std::vector<ChangeResult>> HetznerRobotProvider::apply(const std::vector<Change>& batch) {
  if (batch.size() > kBatchSize)
    return Error::permanent(
        fmt::format("Hetzner Robot API: batch of {} exceeds {}", batch.size(), kBatchSize));
  return http::applyEachConcurrently(
      batch, options_.workers, "not sent: the webservice refused the credentials",
      [&](const Change& c, size_t worker) { return applyOne(c, *clients_[worker]); });
}

Result<std::unique_ptr<Provider>> makeHetznerRobotProvider(const ProviderConfig& config,
                                                           RequestObserver observer) {
  const auto* own = config.own<RobotSettings>();
  if (own == nullptr)
    return Error::permanent("hetzner-robot provider: userFile and passwordFile are not set");
  auto user = http::readSecretFile(own->userFile);
  if (!user)
    return Error::permanent(
        fmt::format("hetzner-robot provider: userFile: {}", user.error().message));
  auto password = http::readSecretFile(own->passwordFile);
  if (!password)
    return Error::permanent(
        fmt::format("hetzner-robot provider: passwordFile: {}", password.error().message));
  RobotOptions o;
  o.url = config.url.empty() ? kDefaultUrl : config.url;
  o.user = *user;
  o.password = *password;
  o.requestsPerHour = own->requestsPerHour;
  // One log per webservice user for the whole process: the daemon makes a
  // provider per pass, and the hourly budget must not start over with each.
  o.sentLog = http::SentRequestsLog::shared("hetzner-robot " + o.url + " " + own->userFile,
                                            own->requestLogFile);
  o.retry.deadline = std::max(o.retry.deadline, config.requestTimeout);
  // Robot asks clients to back off for seconds, not milliseconds.
  o.retry.base = std::chrono::milliseconds(1000);
  std::vector<std::unique_ptr<http::Client>> clients;
  for (size_t i = 0; i <= o.workers; ++i)  // the list client and one per worker
    clients.push_back(http::makeCurlClient(http::curlOptionsFor(config, observer)));
  return std::unique_ptr<Provider>(std::make_unique<HetznerRobotProvider>(
      std::move(o), std::move(clients), http::RetryEnv::from(config.wait)));
}

}  // namespace ptrd::providers::hetzner_robot
