#include "providers/aws_ec2/ec2_provider.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "providers/aws_ec2/ec2_xml.h"

namespace ptrd::providers::aws_ec2 {
namespace {

using ResultStatus = ChangeResult::Status;
using std::chrono::milliseconds;

// Codes that say every further request would be refused as well.
bool isAuthCode(const std::string& code) {
  return code == "AuthFailure" || code == "SignatureDoesNotMatch" ||
         code == "UnauthorizedOperation" || code == "InvalidClientTokenId" ||
         code == "OptInRequired" || code == "RequestExpired" || code == "Blocked";
}

bool isNotYoursCode(const std::string& code) {
  return code == "InvalidAllocationID.NotFound" || code == "InvalidAddress.NotFound" ||
         code == "InvalidAllocationID.Malformed";
}

// AWS's own forward check: it wants an A record of the name pointing at the
// address before it publishes the PTR.
bool isForwardRefusal(const std::string& text) {
  std::string t = text;
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t.find("forward") != std::string::npos || t.find("does not resolve") != std::string::npos;
}

std::string errorText(const http::Response& r) {
  if (auto e = parseError(r.body)) return fmt::format("{}: {}", e->code, e->message);
  return fmt::format("HTTP {} without an EC2 error document", r.code);
}

// "https://h:8443/x" -> {"h:8443", "/x"}: what the request carries as Host and path.
std::pair<std::string, std::string> hostAndPath(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t slash = url.find('/', start);
  std::string host =
      url.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
  std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  if (size_t q = path.find('?'); q != std::string::npos) path.resize(q);
  return {host, path.empty() ? "/" : path};
}

}  // namespace

std::string defaultUrlFor(const std::string& region) {
  return fmt::format("https://ec2.{}.amazonaws.com", region);
}

Result<http::Response> SigningClient::send(const http::Request& request) {
  http::Request signedRequest = request;
  auto [host, path] = hostAndPath(request.url);
  signedRequest.headers.emplace_back("Host", host);
  signedRequest.headers.emplace_back("X-Amz-Date", amzDate(options_.clock()));
  SignInput in{request.method,  path, "", signedRequest.headers, request.body,
               options_.region, "ec2"};
  signedRequest.headers.emplace_back("Authorization", authorization(in, options_.credentials));
  return inner_->send(signedRequest);
}

struct AwsEc2Provider::Pending {
  const Change* change = nullptr;
  std::string allocationId;
  std::string expected;  // canonical: the name for a set, AWS's default for a reset
  ChangeResult result;
  bool done = false;

  void finish(ResultStatus s, std::string reason = {}) {
    result.status = s;
    result.reason = std::move(reason);
    if (s == ResultStatus::kApplied) result.ptr = expected;
    done = true;
  }
};

AwsEc2Provider::AwsEc2Provider(AwsEc2Options options, std::unique_ptr<http::Client> client,
                               http::RetryEnv env)
    : options_(std::move(options)), env_(std::move(env)) {
  using namespace std::chrono_literals;
  options_.requestsPerSecond =
      std::clamp<size_t>(options_.requestsPerSecond, 1, kMaxRequestsPerSecond);
  auto limiter = std::make_shared<http::RateLimiter>(
      std::vector<http::RateWindow>{{options_.requestsPerSecond, 1s}});
  client_ = std::make_unique<http::PacedClient>(
      std::make_unique<SigningClient>(std::move(client), options_), limiter, env_);
}

Result<http::Response> AwsEc2Provider::call(
    const std::string& action, const std::vector<std::pair<std::string, std::string>>& params) {
  http::Request req;
  req.operation = action;
  req.method = "POST";
  req.url = options_.url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = fmt::format("Action={}&Version={}", action, kApiVersion);
  for (const auto& [k, v] : params)
    req.body += fmt::format("&{}={}", http::urlEncode(k), http::urlEncode(v));
  auto r = http::sendWithRetry(*client_, req, options_.retry, env_);
  if (!r) return r.error();
  if (r->code == 200) return r;
  auto e = parseError(r->body);
  std::string text = fmt::format("EC2 API {}: {}", action, errorText(*r));
  if (e && isAuthCode(e->code)) return Error::auth(std::move(text));
  if (e && e->code == "RequestLimitExceeded") return Error::rateLimited(std::move(text));
  if (r->code >= 500 || !e) return http::httpError(r->code >= 500 ? r->code : 502, std::move(text));
  return r;  // an error about this request's content: the caller's to classify
}

Result<std::vector<PtrAttribute>> AwsEc2Provider::attributes(
    const std::vector<std::string>& allocationIds) {
  std::vector<PtrAttribute> out;
  for (size_t from = 0; from < allocationIds.size(); from += kAttributeChunk) {
    std::string token;
    for (size_t page = 1;; ++page) {
      if (page > options_.maxPages)
        return Error::permanent(fmt::format(
            "EC2 API DescribeAddressesAttribute: more than {} pages", options_.maxPages));
      std::vector<std::pair<std::string, std::string>> params = {
          {"Attribute", "domain-name"}, {"MaxResults", std::to_string(kMaxResults)}};
      for (size_t i = from; i < std::min(from + kAttributeChunk, allocationIds.size()); ++i)
        params.emplace_back(fmt::format("AllocationId.{}", i - from + 1), allocationIds[i]);
      if (!token.empty()) params.emplace_back("NextToken", token);
      auto r = call("DescribeAddressesAttribute", params);
      if (!r) return r.error();
      if (r->code != 200)
        return http::httpError(
            r->code, fmt::format("EC2 API DescribeAddressesAttribute: {}", errorText(*r)));
      auto p = parseAttributes(r->body);
      if (!p) return p.error();
      if (p->attributes.size() > options_.maxItems - std::min(options_.maxItems, out.size()))
        return Error::permanent(fmt::format(
            "EC2 API DescribeAddressesAttribute: more than {} items", options_.maxItems));
      for (auto& a : p->attributes) out.push_back(std::move(a));
      if (p->nextToken.empty()) break;
      if (p->nextToken == token)
        return Error::transient("EC2 API DescribeAddressesAttribute: the same NextToken twice");
      token = p->nextToken;
    }
  }
  return out;
}

Result<Inventory> AwsEc2Provider::inventory() {
  std::vector<ElasticIp> eips;
  std::string token;
  for (size_t page = 1;; ++page) {
    if (page > options_.maxPages)
      return Error::permanent(
          fmt::format("EC2 API DescribeAddresses: more than {} pages", options_.maxPages));
    std::vector<std::pair<std::string, std::string>> params;
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto r = call("DescribeAddresses", params);
    if (!r) return r.error();
    if (r->code != 200)
      return http::httpError(r->code, fmt::format("EC2 API DescribeAddresses: {}", errorText(*r)));
    auto p = parseAddresses(r->body);
    if (!p) return p.error();
    if (p->addresses.size() > options_.maxItems - eips.size())
      return Error::permanent(
          fmt::format("EC2 API DescribeAddresses: more than {} addresses", options_.maxItems));
    for (auto& a : p->addresses) eips.push_back(std::move(a));
    if (p->nextToken.empty()) break;
    if (p->nextToken == token)
      return Error::transient("EC2 API DescribeAddresses: the same NextToken twice");
    token = p->nextToken;
  }
  std::map<std::string, std::string> allocationOf;
  std::vector<std::string> ids;
  for (const auto& e : eips) {
    if (!allocationOf.emplace(e.ip, e.allocationId).second)
      return Error::transient(fmt::format("EC2 API DescribeAddresses: {} listed twice", e.ip));
    ids.push_back(e.allocationId);
  }
  auto attrs = attributes(ids);
  if (!attrs) return attrs.error();
  std::map<std::string, const PtrAttribute*> byAllocation;
  for (const auto& a : *attrs) byAllocation[a.allocationId] = &a;
  Inventory inv;
  for (const auto& e : eips) {
    OwnedAddress o;
    o.ip = e.ip;
    o.defaultPtr = defaultPtr(e.ip, options_.region);
    o.ptr = o.defaultPtr;
    auto it = byAllocation.find(e.allocationId);
    if (it != byAllocation.end()) {
      const PtrAttribute& a = *it->second;
      if (!a.ptr.empty()) o.ptr = a.ptr;
      // An update in flight shows what it will hold, so the next plan does not send it again.
      if (a.updating && a.updateStatus == "PENDING")
        o.ptr = a.updateValue.empty() ? o.defaultPtr : a.updateValue;
    }
    o.custom = o.ptr != o.defaultPtr;
    inv.addresses.push_back(std::move(o));
  }
  allocationOf_ = std::move(allocationOf);
  return inv;
}

Result<ChangeResult> AwsEc2Provider::start(const Change& change, Pending& p) {
  const bool set = change.action == Change::Action::kSet;
  std::string action = set ? "ModifyAddressAttribute" : "ResetAddressAttribute";
  std::vector<std::pair<std::string, std::string>> params = {{"AllocationId", p.allocationId}};
  if (set) {
    std::string name = change.hostname;
    if (!name.empty() && name.back() == '.') name.pop_back();  // as AWS's own clients send it
    params.emplace_back("DomainName", name);
  } else {
    params.emplace_back("Attribute", "domain-name");
  }
  auto r = call(action, params);
  if (!r) {
    if (r.error().isAuth() || env_.isStopped()) return r.error();
    p.finish(ResultStatus::kFailed, r.error().message);
    return p.result;
  }
  if (r->code != 200) {
    auto e = parseError(r->body);
    std::string text = errorText(*r);
    if (e && isNotYoursCode(e->code))
      p.finish(ResultStatus::kNotYours, text);
    else if (isForwardRefusal(text))
      p.finish(ResultStatus::kRefusedForward, text);
    else if (e && (e->code == "InvalidParameterValue" || e->code == "InvalidParameter" ||
                   e->code == "InvalidParameterCombination" || e->code == "MissingParameter"))
      p.finish(ResultStatus::kInvalid, text);
    else
      p.finish(ResultStatus::kFailed, text);
    return p.result;
  }
  auto a = parseAddressAnswer(r->body);
  if (!a) {
    p.finish(ResultStatus::kFailed, a.error().message);
    return p.result;
  }
  settle(p, &*a);
  return p.result;
}

bool AwsEc2Provider::settle(Pending& p, const PtrAttribute* shown) {
  const bool set = p.change->action == Change::Action::kSet;
  if (shown == nullptr) {
    // AWS lists only addresses with a name of their own: gone means reset.
    if (set)
      p.finish(ResultStatus::kFailed, "the address no longer shows a PTR after setting it");
    else
      p.finish(ResultStatus::kApplied);
    return true;
  }
  if (shown->updating && shown->updateStatus == "PENDING") return false;
  const bool landed = shown->ptr == p.expected || (!set && shown->ptr.empty());
  // An update that ended in another status did not land unless AWS shows the name.
  if (shown->updating && !landed) {
    std::string text =
        fmt::format("PTR update {}: {}", shown->updateStatus,
                    shown->updateReason.empty() ? "no reason given" : shown->updateReason);
    p.finish(isForwardRefusal(shown->updateReason) ? ResultStatus::kRefusedForward
                                                   : ResultStatus::kFailed,
             text);
    return true;
  }
  if (landed)
    p.finish(ResultStatus::kApplied);
  else
    p.finish(ResultStatus::kFailed,
             fmt::format("AWS shows PTR \"{}\" where \"{}\" was asked", shown->ptr, p.expected));
  return true;
}

Status AwsEc2Provider::await(std::vector<Pending*>& pending) {
  const auto deadline = env_.bound(env_.now() + options_.jobTimeout);
  milliseconds wait = options_.pollFirst;
  for (;;) {
    std::vector<Pending*> open;
    for (Pending* p : pending)
      if (!p->done) open.push_back(p);
    if (open.empty()) return okStatus();
    if (env_.now() >= deadline) {
      for (Pending* p : open)
        p->finish(ResultStatus::kFailed,
                  fmt::format("PTR update still PENDING at its deadline (jobTimeout {} ms, or "
                              "the pass's deadline if sooner)",
                              options_.jobTimeout.count()));
      return okStatus();
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - env_.now());
    env_.sleep(std::clamp(wait, milliseconds(0), std::max(left, milliseconds(0))));
    if (env_.isStopped()) return Error::transient(fmt::format("EC2 API: {}", kStoppedReason));
    wait = std::min(wait * 2, options_.pollCap);
    std::vector<std::string> ids;
    for (Pending* p : open) ids.push_back(p->allocationId);
    auto attrs = attributes(ids);
    if (!attrs) {
      if (attrs.error().isAuth() || env_.isStopped()) return attrs.error();
      continue;  // polled again next round, within the deadline
    }
    std::map<std::string, const PtrAttribute*> shown;
    for (const auto& a : *attrs) shown[a.allocationId] = &a;
    for (Pending* p : open) {
      auto it = shown.find(p->allocationId);
      settle(*p, it == shown.end() ? nullptr : it->second);
    }
  }
}

Result<std::vector<ChangeResult>> AwsEc2Provider::apply(const std::vector<Change>& batch) {
  if (batch.size() > kBatchSize)
    return Error::permanent(
        fmt::format("EC2 API: batch of {} exceeds {}", batch.size(), kBatchSize));
  if (batch.empty()) return std::vector<ChangeResult>{};
  if (allocationOf_.empty()) {
    auto inv = inventory();  // which allocation holds each address
    if (!inv) return inv.error();
  }
  std::vector<Pending> all(batch.size());
  std::vector<Pending*> pending;
  std::set<std::string> seen;
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending& p = all[i];
    p.change = &batch[i];
    p.result.ip = batch[i].ip;
    p.result.action = batch[i].action;
    auto it = allocationOf_.find(batch[i].ip);
    if (it == allocationOf_.end()) {
      p.finish(ResultStatus::kNotYours, "not an Elastic IP of this AWS account and region");
      continue;
    }
    if (!seen.insert(batch[i].ip).second) {
      p.finish(ResultStatus::kFailed, "the batch changes this address twice");
      continue;
    }
    p.allocationId = it->second;
    p.expected = batch[i].action == Change::Action::kSet ? batch[i].hostname
                                                         : defaultPtr(batch[i].ip, options_.region);
    auto r = start(batch[i], p);
    if (!r) return r.error();
    if (!p.done) pending.push_back(&p);
  }
  if (auto s = await(pending); !s) return s.error();
  std::vector<ChangeResult> out;
  out.reserve(all.size());
  for (auto& p : all) out.push_back(std::move(p.result));
  return out;
}

Result<std::unique_ptr<Provider>> makeAwsEc2Provider(const ProviderConfig& config,
                                                     RequestObserver observer) {
  const auto* own = config.own<AwsEc2Settings>();
  if (own == nullptr) return Error::permanent("aws-ec2 provider: the awsEc2 block was not read");
  auto id = http::readSecretFile(own->accessKeyIdFile);
  if (!id)
    return Error::permanent(
        fmt::format("aws-ec2 provider: accessKeyIdFile: {}", id.error().message));
  auto secret = http::readSecretFile(own->secretAccessKeyFile);
  if (!secret)
    return Error::permanent(
        fmt::format("aws-ec2 provider: secretAccessKeyFile: {}", secret.error().message));
  AwsEc2Options o;
  o.region = own->region;
  o.url = config.url.empty() ? defaultUrlFor(own->region) : config.url;
  o.credentials = {*id, *secret};
  o.requestsPerSecond = own->requestsPerSecond;
  o.jobTimeout = config.jobTimeout;
  o.retry.deadline = std::max(o.retry.deadline, config.requestTimeout);
  auto client = http::makeCurlClient(http::curlOptionsFor(config, std::move(observer)));
  return std::unique_ptr<Provider>(std::make_unique<AwsEc2Provider>(
      std::move(o), std::move(client), http::RetryEnv::from(config.wait)));
}

}  // namespace ptrd::providers::aws_ec2
