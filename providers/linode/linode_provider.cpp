#include "providers/linode/linode_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <unordered_set>

#include "providers/linode/linode_json.h"

namespace ptrd::providers::linode {
namespace {

using Status = ChangeResult::Status;

Error responseError(const std::string& what, const http::Response& r) {
  std::string text = errorText(r.code, r.body);
  if (r.code == 401 || r.code == 403)
    return Error::auth(fmt::format("Linode API {}: the API refused the token ({})", what, text));
  std::string msg = fmt::format("Linode API {}: {}", what, text);
  return http::httpError(r.code, std::move(msg));
}

}  // namespace

std::vector<http::RateWindow> LinodeProvider::rateWindows(size_t requestsPerMinute) {
  using namespace std::chrono_literals;
  requestsPerMinute = std::clamp<size_t>(requestsPerMinute, 1, kMaxRequestsPerMinute);
  return {{requestsPerMinute, 60s}, {(requestsPerMinute + 59) / 60, 1s}};
}

LinodeProvider::LinodeProvider(LinodeOptions options,
                               std::vector<std::unique_ptr<http::Client>> clients,
                               http::RetryEnv env)
    : options_(std::move(options)), env_(std::move(env)) {
  using namespace std::chrono_literals;
  options_.pageSize = std::clamp<size_t>(options_.pageSize, 25, kMaxPageSize);
  limiter_ = std::make_shared<http::RateLimiter>(rateWindows(options_.requestsPerMinute), 2min,
                                                 http::LimiterLog{options_.sentLog, "requests"});
  listLimiter_ = std::make_shared<http::RateLimiter>(
      std::vector<http::RateWindow>{{kMaxListPagesPerMinute, 60s}}, 2min,
      http::LimiterLog{options_.sentLog, "list_pages"});
  for (auto& c : clients)
    clients_.push_back(std::make_unique<http::PacedClient>(std::move(c), limiter_, env_));
  options_.workers = std::clamp<size_t>(options_.workers, 1, clients_.size());
}

http::Request LinodeProvider::request(std::string operation, std::string method,
                                      const std::string& path, std::string body) const {
  return http::bearerJsonRequest(std::move(operation), std::move(method), options_.url, path,
                                 options_.token, std::move(body));
}

Result<std::string> LinodeProvider::listPage(const char* operation, const char* what,
                                             const std::string& path, size_t page) {
  if (page > options_.maxPages) {
    return Error::permanent(fmt::format(
        "Linode API {}: more than {} pages (the bound on one listing)", what, options_.maxPages));
  }
  if (auto ok = listLimiter_->acquire(env_, "GET " + path); !ok) return ok.error();
  auto r = http::sendWithRetry(
      *clients_[0],
      request(operation, "GET",
              fmt::format("{}?page={}&page_size={}", path, page, options_.pageSize)),
      options_.retry, env_);
  if (!r) return r.error();
  if (r->code != 200) return responseError(what, *r);
  return std::move(r->body);
}

// Pages that change while they are read would list an item twice or skip one:
// a listing whose page count moves is retried as a whole.
ptrd::Status LinodeProvider::checkPaging(const char* what, size_t asked, size_t got, size_t pages,
                                         std::optional<size_t>& firstPages) {
  if (got != asked)
    return Error::transient(
        fmt::format("Linode API {}: asked for page {}, got page {}", what, asked, got));
  if (firstPages && *firstPages != pages)
    return Error::transient(
        fmt::format("Linode API {}: the number of pages changed while listing", what));
  firstPages = pages;
  return okStatus();
}

Result<Inventory> LinodeProvider::inventory() {
  Inventory inv;
  if (auto ok = listIps(inv); !ok) return ok.error();
  if (auto ok = listRanges(inv); !ok) return ok.error();
  return inv;
}

ptrd::Status LinodeProvider::listIps(Inventory& inv) {
  const char* what = "listing addresses";
  std::unordered_set<std::string> seen;
  std::optional<size_t> pages;
  for (size_t page = 1;; ++page) {
    auto body = listPage("list_ips", what, "/networking/ips", page);
    if (!body) return body.error();
    auto p = parseIpsPage(*body);
    if (!p) return p.error();
    if (auto ok = checkPaging(what, page, p->page, p->pages, pages); !ok) return ok;
    if (p->items.size() > options_.maxItems - inv.addresses.size()) {
      return Error::permanent(fmt::format(
          "Linode API listing addresses: more than {} addresses (the bound on one inventory)",
          options_.maxItems));
    }
    for (auto& a : p->items) {
      if (!seen.insert(a.ip).second)
        return Error::transient(fmt::format("Linode API listing addresses: {} listed twice", a.ip));
      inv.addresses.push_back(std::move(a));
    }
    if (page >= p->pages) return okStatus();
  }
}

// Routed IPv6 ranges and pools: every address in them is the account's to name,
// but /networking/ips need not list an address of a range before it carries rDNS. Each range
// becomes an owned reverse zone, as PowerDNS zones do.
ptrd::Status LinodeProvider::listRanges(Inventory& inv) {
  const char* what = "listing IPv6 ranges";
  std::optional<size_t> pages;
  for (size_t page = 1;; ++page) {
    auto body = listPage("list_ipv6_ranges", what, "/networking/ipv6/ranges", page);
    if (!body) return body.error();
    auto p = parseRangesPage(*body);
    if (!p) return p.error();
    if (auto ok = checkPaging(what, page, p->page, p->pages, pages); !ok) return ok;
    if (p->zones.size() > kMaxZones - inv.ownedZones.size())
      return Error::permanent(fmt::format(
          "Linode API {}: more than {} ranges (the bound on one inventory)", what, kMaxZones));
    for (auto& z : p->zones) inv.ownedZones.push_back(std::move(z));
    if (page >= p->pages) return okStatus();
  }
}

Result<ChangeResult> LinodeProvider::applyOne(const Change& change, http::Client& client) {
  ChangeResult out;
  out.ip = change.ip;
  out.action = change.action;
  auto r = http::sendWithRetry(
      client,
      request(change.action == Change::Action::kSet ? "set_rdns" : "reset_rdns", "PUT",
              // Canonical address text is digits, hex, '.' and ':' only: a valid path
              // segment as it is, and how Linode's own clients send it.
              "/networking/ips/" + change.ip, rdnsBody(change)),
      options_.retry, env_);
  if (!r) {
    if (r.error().isAuth()) return r.error();
    out.status = Status::kFailed;
    out.reason = r.error().message;
    return out;
  }
  const std::string text = errorText(r->code, r->body);
  if (r->code == 401 || r->code == 403) return responseError("setting reverse DNS", *r);
  if (r->code == 200) {
    auto ptr = parseRdns(r->body);
    if (!ptr) {
      out.status = Status::kFailed;
      out.reason = ptr.error().message;
      return out;
    }
    out.ptr = *ptr;
    // The platform answers with what it now holds: a set it did not take is not applied.
    if (change.action == Change::Action::kSet && *ptr != change.hostname) {
      out.status = Status::kFailed;
      out.reason = fmt::format("Linode API answered rdns \"{}\" after setting \"{}\"", *ptr,
                               change.hostname);
      return out;
    }
    out.status = Status::kApplied;
    return out;
  }
  out.reason = text;
  if (r->code == 404) {
    out.status = Status::kNotYours;
  } else if (r->code == 400 && isForwardRefusal(text)) {
    out.status = Status::kRefusedForward;
  } else if (r->code == 400 && text.find("busy") == std::string::npos) {
    out.status = Status::kInvalid;
  } else {
    out.status = Status::kFailed;  // 5xx or 429 past the retries, a busy Linode, anything else
  }
  return out;
}

Result<std::vector<ChangeResult>> LinodeProvider::apply(const std::vector<Change>& batch) {
  if (batch.size() > kBatchSize)
    return Error::permanent(
        fmt::format("Linode API: batch of {} exceeds {}", batch.size(), kBatchSize));
  return http::applyEachConcurrently(
      batch, options_.workers, "not sent: the API refused the token",
      [&](const Change& c, size_t worker) { return applyOne(c, *clients_[worker]); });
}

Result<std::unique_ptr<Provider>> makeLinodeProvider(const ProviderConfig& config,
                                                     RequestObserver observer) {
  auto token = http::readSecretFile(config.apiKeyFile);
  if (!token)
    return Error::permanent(fmt::format("linode provider: tokenFile: {}", token.error().message));
  LinodeOptions o;
  o.url = config.url.empty() ? kDefaultUrl : config.url;
  o.token = *token;
  std::string logFile;
  if (const auto* own = config.own<LinodeSettings>()) {
    o.requestsPerMinute = own->requestsPerMinute;
    logFile = own->requestLogFile;
  }
  // One log per API and token file for the whole process: the daemon makes a
  // provider per pass, and the rate must not start over with each.
  o.sentLog = http::SentRequestsLog::shared("linode " + o.url + " " + config.apiKeyFile, logFile);
  o.retry.deadline = std::max(o.retry.deadline, config.requestTimeout);
  std::vector<std::unique_ptr<http::Client>> clients;
  for (size_t i = 0; i < o.workers; ++i)
    clients.push_back(http::makeCurlClient(http::curlOptionsFor(config, observer)));
  return std::unique_ptr<Provider>(std::make_unique<LinodeProvider>(
      std::move(o), std::move(clients), http::RetryEnv::from(config.wait)));
}

}  // namespace ptrd::providers::linode
