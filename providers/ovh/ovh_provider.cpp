#include "providers/ovh/ovh_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "providers/ovh/ovh_json.h"
#include "providers/ovh/ovh_signature.h"

namespace ptrd::providers::ovh {
namespace {

using Status = ChangeResult::Status;

Error responseError(const std::string& what, const http::Response& r) {
  OvhError e = parseError(r.code, r.body);
  if (isAuthError(r.code, e))
    return Error::auth(
        fmt::format("OVH API {}: the API refused the credentials ({})", what, e.message));
  return http::httpError(r.code, fmt::format("OVH API {}: {}", what, e.message));
}

int64_t systemUnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "/ip/203.0.113.0%2F29/reverse": the block's slash escaped, as OVH's clients do.
std::string blockPath(const Cidr& block) {
  return "/ip/" + http::urlEncode(block.str());
}

}  // namespace

std::vector<http::RateWindow> OvhProvider::rateWindows(size_t requestsPerMinute) {
  using namespace std::chrono_literals;
  requestsPerMinute = std::clamp<size_t>(requestsPerMinute, 1, kMaxRequestsPerMinute);
  return {{requestsPerMinute, 60s}, {(requestsPerMinute + 59) / 60, 1s}};
}

OvhProvider::OvhProvider(OvhOptions options, std::vector<std::unique_ptr<http::Client>> clients,
                         http::RetryEnv env)
    : options_(std::move(options)), env_(std::move(env)) {
  if (!options_.unixNow) options_.unixNow = systemUnixNow;
  limiter_ = std::make_shared<http::RateLimiter>(rateWindows(options_.requestsPerMinute));
  for (auto& c : clients)
    clients_.push_back(std::make_unique<http::PacedClient>(std::move(c), limiter_, env_));
  options_.workers = std::clamp<size_t>(options_.workers, 1, clients_.size());
}

Result<int64_t> OvhProvider::clockOffset(http::Client& client, bool refresh) {
  std::lock_guard lock(clockMu_);
  if (offset_ && !refresh) return *offset_;
  // Unauthenticated and never signed (it is what signing needs).
  http::Request req;
  req.operation = "auth_time";
  req.url = http::joinUrl(options_.url, "/auth/time");
  req.headers = {{"Accept", "application/json"}};
  auto r = http::sendWithRetry(client, req, options_.retry, env_);
  if (!r) return r.error();
  if (r->code != 200) return responseError("reading its clock (GET /auth/time)", *r);
  auto t = parseTime(r->body);
  if (!t) return t.error();
  offset_ = *t - options_.unixNow();
  return *offset_;
}

Result<http::Response> OvhProvider::call(http::Client& client, std::string operation,
                                         std::string method, const std::string& path,
                                         std::string body) {
  for (int attempt = 0;; ++attempt) {
    auto offset = clockOffset(client, attempt > 0);
    if (!offset) return offset.error();
    http::Request req;
    req.operation = operation;
    req.method = method;
    req.url = http::joinUrl(options_.url, path);
    req.body = body;
    const int64_t timestamp = options_.unixNow() + *offset;
    req.headers = {{"Accept", "application/json"},
                   {"X-Ovh-Application", options_.applicationKey},
                   {"X-Ovh-Consumer", options_.consumerKey},
                   {"X-Ovh-Timestamp", std::to_string(timestamp)},
                   {"X-Ovh-Signature", signature({options_.applicationSecret, options_.consumerKey,
                                                  req.method, req.url, req.body, timestamp})}};
    if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    auto r = http::sendWithRetry(client, req, options_.retry, env_);
    // A refused timestamp: the API's clock moved against ours; read it again once.
    if (r && attempt == 0 && r->code >= 400 && isTimeError(parseError(r->code, r->body))) continue;
    return r;
  }
}

Result<std::vector<Cidr>> OvhProvider::listBlocks(http::Client& client) {
  auto r = call(client, "list_blocks", "GET", "/ip");
  if (!r) return r.error();
  if (r->code != 200) return responseError("listing blocks (GET /ip)", *r);
  auto blocks = parseBlocks(r->body, kMaxBlocks);
  if (!blocks) return blocks.error();
  blocks_ = *blocks;
  return blocks;
}

Result<Inventory> OvhProvider::inventory() {
  http::Client& lists = *clients_[0];
  auto blocks = listBlocks(lists);
  if (!blocks) return blocks.error();
  Inventory inv;
  std::map<IpAddress, OwnedAddress> byIp;
  auto add = [&](const IpAddress& ip) -> ptrd::Status {
    if (byIp.size() >= options_.maxItems)
      return Error::permanent(fmt::format(
          "OVH API listing addresses: more than {} addresses (the bound on one inventory)",
          options_.maxItems));
    auto& a = byIp[ip];
    a.ip = ip.str();
    return okStatus();
  };
  struct Custom {
    Cidr block;
    IpAddress ip;
  };
  std::vector<Custom> customs;
  for (const auto& block : *blocks) {
    if (block.network.isV4()) {
      if (block.prefix < kMinIpv4Prefix)
        return Error::permanent(
            fmt::format("OVH API: block {} is larger than /{} (the bound on one block listed "
                        "address by address)",
                        block.str(), kMinIpv4Prefix));
      for (uint64_t i = 0; i < block.size(); ++i)
        if (auto ok = add(block.at(i)); !ok) return ok.error();
    } else {
      // Whole nibbles, rounded inwards: the zone never claims an address outside the block.
      int nibbles = (block.prefix + 3) / 4;
      inv.ownedZones.push_back(block.network.reverseName().substr(size_t(32 - nibbles) * 2));
    }
    auto r = call(lists, "list_reverses", "GET", blockPath(block) + "/reverse");
    if (!r) return r.error();
    if (r->code != 200)
      return responseError(fmt::format("listing reverses of {}", block.str()), *r);
    auto ips = parseReverseList(r->body, block, options_.maxItems);
    if (!ips) return ips.error();
    for (const auto& ip : *ips) {
      if (auto ok = add(ip); !ok) return ok.error();
      customs.push_back({block, ip});
    }
  }

  // One GET per custom entry, a few in flight within the pace.
  std::vector<Result<http::Response>> answers(customs.size(), Error::transient("not read"));
  http::forEachConcurrently(customs.size(), options_.workers, [&](size_t i, size_t worker) {
    const auto& c = customs[i];
    answers[i] = call(*clients_[worker], "get_reverse", "GET",
                      blockPath(c.block) + "/reverse/" + http::urlEncode(c.ip.str()));
  });
  for (size_t i = 0; i < customs.size(); ++i) {
    auto& r = answers[i];
    if (!r) return r.error();
    if (r->code == 404) continue;  // removed since the list: back to OVH's default
    if (r->code != 200)
      return responseError(fmt::format("reading the reverse of {}", customs[i].ip.str()), *r);
    auto entry = parseReverse(r->body);
    if (!entry) return entry.error();
    if (entry->ip != customs[i].ip.str())
      return Error::transient(fmt::format("OVH API: asked for the reverse of {}, got {}",
                                          customs[i].ip.str(), entry->ip));
    auto& a = byIp[customs[i].ip];
    a.ptr = entry->ptr;
    a.custom = true;  // OVH lists only what a user set; its default is never shown
  }
  for (auto& [ip, a] : byIp) inv.addresses.push_back(std::move(a));
  return inv;
}

Result<ChangeResult> OvhProvider::applyOne(const Change& change, http::Client& client) {
  ChangeResult out;
  out.ip = change.ip;
  out.action = change.action;
  const bool set = change.action == Change::Action::kSet;
  auto ip = IpAddress::parse(change.ip);
  const Cidr* block = nullptr;
  if (ip) {
    for (const auto& b : *blocks_)
      if (blockContains(b, *ip)) block = &b;  // the last (most specific, as listed) wins
  }
  if (block == nullptr) {
    out.status = Status::kNotYours;
    out.reason = fmt::format("{} is inside no block GET /ip lists", change.ip);
    return out;
  }
  auto r =
      set ? call(client, "set_reverse", "POST", blockPath(*block) + "/reverse", reverseBody(change))
          : call(client, "reset_reverse", "DELETE",
                 blockPath(*block) + "/reverse/" + http::urlEncode(change.ip));
  if (!r) {
    if (r.error().isAuth()) return r.error();
    out.status = Status::kFailed;
    out.reason = r.error().message;
    return out;
  }
  OvhError e = parseError(r->code, r->body);
  if (isAuthError(r->code, e)) return responseError("changing reverse DNS", *r);
  if (set && r->code == 200) {
    auto entry = parseReverse(r->body);
    if (!entry || entry->ptr != change.hostname) {
      out.status = Status::kFailed;
      out.reason = entry ? fmt::format("OVH answered reverse \"{}\" after setting \"{}\"",
                                       entry->ptr, change.hostname)
                         : entry.error().message;
      return out;
    }
    out.status = Status::kApplied;
    out.ptr = entry->ptr;
    return out;
  }
  // Nothing to delete is what a reset wants (a retried DELETE whose first answer
  // was lost finds the entry gone); the block is the account's.
  if (!set && (r->code == 200 || r->code == 204 || r->code == 404)) {
    out.status = Status::kApplied;
    return out;
  }
  out.reason = e.message;
  if (r->code == 404) {
    out.status = Status::kNotYours;
  } else if (r->code == 400 && isForwardRefusal(e.message)) {
    out.status = Status::kRefusedForward;
  } else if (r->code == 400 && !isTimeError(e)) {
    out.status = Status::kInvalid;
  } else {
    out.status = Status::kFailed;  // 5xx or 429 past the retries, anything else
  }
  return out;
}

Result<std::vector<ChangeResult>> OvhProvider::apply(const std::vector<Change>& batch) {
  if (batch.size() > kBatchSize)
    return Error::permanent(
        fmt::format("OVH API: batch of {} exceeds {}", batch.size(), kBatchSize));
  if (!blocks_) {
    // Which block holds an address is only known from GET /ip.
    if (auto b = listBlocks(*clients_[0]); !b) return b.error();
  }
  return http::applyEachConcurrently(
      batch, options_.workers, "not sent: the API refused the credentials",
      [&](const Change& c, size_t worker) { return applyOne(c, *clients_[worker]); });
}

Result<std::unique_ptr<Provider>> makeOvhProvider(const ProviderConfig& config,
                                                  RequestObserver observer) {
  const auto* own = config.own<OvhSettings>();
  if (own == nullptr)
    return Error::permanent(
        "ovh provider: applicationKeyFile, applicationSecretFile and consumerKeyFile are not set");
  OvhOptions o;
  const std::pair<const std::string*, std::string*> secrets[] = {
      {&own->applicationKeyFile, &o.applicationKey},
      {&own->applicationSecretFile, &o.applicationSecret},
      {&own->consumerKeyFile, &o.consumerKey}};
  const char* names[] = {"applicationKeyFile", "applicationSecretFile", "consumerKeyFile"};
  for (size_t i = 0; i < 3; ++i) {
    auto s = http::readSecretFile(*secrets[i].first);
    if (!s)
      return Error::permanent(fmt::format("ovh provider: {}: {}", names[i], s.error().message));
    *secrets[i].second = *s;
  }
  o.url = config.url.empty() ? kDefaultUrl : config.url;
  o.requestsPerMinute = own->requestsPerMinute;
  o.retry.deadline = std::max(o.retry.deadline, config.requestTimeout);
  std::vector<std::unique_ptr<http::Client>> clients;
  for (size_t i = 0; i < o.workers; ++i)
    clients.push_back(http::makeCurlClient(http::curlOptionsFor(config, observer)));
  return std::unique_ptr<Provider>(std::make_unique<OvhProvider>(
      std::move(o), std::move(clients), http::RetryEnv::from(config.wait)));
}

}  // namespace ptrd::providers::ovh
