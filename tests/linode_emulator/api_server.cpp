#include "tests/linode_emulator/api_server.h"

#include <fmt/format.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/hostname.h"
#include "core/ip_address.h"
#include "tests/linode_emulator/forward_check.h"

namespace ptrd::linode_emulator {
namespace {

using emulator_kit::ApiFront;
using nlohmann::json;

void sendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// Linode's error envelope: {"errors": [{"reason": ..., "field": ...}]}.
void sendError(httplib::Response& res, int status, const std::string& reason,
               const std::string& field = {}) {
  json e = {{"reason", reason}};
  if (!field.empty()) e["field"] = field;
  sendJson(res, status, {{"errors", json::array({e})}});
}

json ipJson(const LinodeIp& ip) {
  return {{"address", ip.address},
          {"gateway", nullptr},
          {"subnet_mask", ip.v6 ? "ffff:ffff:ffff:ffff::" : "255.255.255.0"},
          {"prefix", ip.v6 ? 64 : 24},
          {"type", ip.v6 ? "ipv6" : "ipv4"},
          {"public", true},
          {"rdns", ip.rdns.empty() ? json(nullptr) : json(ip.rdns)},
          {"linode_id", 1},
          {"region", "us-east"},
          {"vpc_nat_1_1", nullptr},
          {"reserved", false}};
}

// A whole number in [min, max] from a query parameter; nullopt when malformed.
std::optional<size_t> number(const std::string& v, size_t min, size_t max) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  size_t n = std::stoul(v);
  if (n < min || n > max) return std::nullopt;
  return n;
}

// A routed range as GET /networking/ipv6/ranges shows it.
json rangeJson(const Cidr& range) {
  return {
      {"range", range.network.str()},    {"prefix", range.prefix}, {"region", "us-east"},
      {"route_target", "2001:db8::1"},   {"is_bgp", false},        {"linodes", json::array({1})},
      {"created", "2024-01-01T00:00:00"}};
}

// One page of a list, as Linode pages: page >= 1, 25 <= page_size <= 500.
void sendPage(const httplib::Request& req, httplib::Response& res, size_t total,
              const std::function<json(size_t)>& item) {
  size_t page = 1, pageSize = 100;
  if (req.has_param("page")) {
    auto p = number(req.get_param_value("page"), 1, 1'000'000);
    if (!p) return sendError(res, 400, "Must be a positive integer", "page");
    page = *p;
  }
  if (req.has_param("page_size")) {
    auto p = number(req.get_param_value("page_size"), 25, 500);
    if (!p) return sendError(res, 400, "Must be between 25 and 500", "page_size");
    pageSize = *p;
  }
  size_t pages = std::max<size_t>(1, (total + pageSize - 1) / pageSize);
  json data = json::array();
  for (size_t i = (page - 1) * pageSize; i < total && i < page * pageSize; ++i)
    data.push_back(item(i));
  sendJson(res, 200, {{"data", data}, {"page", page}, {"pages", pages}, {"results", total}});
}

void reply(ApiFront::Answer a, const emulator_kit::FaultSettings& s, httplib::Response& res) {
  switch (a) {
    case ApiFront::Answer::kUnauthorized:
      return sendError(res, 401, "Invalid Token");
    case ApiFront::Answer::kRateLimited:
      res.set_header("Retry-After", std::to_string(s.retryAfterSeconds));
      res.set_header("X-RateLimit-Limit", "800");
      res.set_header("X-RateLimit-Remaining", "0");
      return sendError(res, 429, "Too Many Requests");
    case ApiFront::Answer::kServerError:
      return sendError(res, 500, "Please try again later");
  }
}

}  // namespace

ApiServer::ApiServer(ServerOptions options, Account account,
                     std::unique_ptr<emulator_kit::PdnsWriter> pdns)
    : options_(std::move(options)), account_(std::move(account)), pdns_(std::move(pdns)) {
  if (options_.adminToken.empty()) options_.adminToken = options_.token;
  const std::string bearer = "Bearer " + options_.token;
  front_ = std::make_unique<ApiFront>(
      server_, ApiFront::Options{options_.adminToken, options_.faults,
                                 [bearer](const httplib::Request& r) {
                                   return r.get_header_value("Authorization") == bearer;
                                 },
                                 reply});
  server_.set_payload_max_length(1 << 20);
  routes();
}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::stop() {
  front_->faults().interrupt();
  server_.stop();
}

int ApiServer::bind(int port) {
  if (port == 0) return server_.bind_to_any_port("127.0.0.1");
  return server_.bind_to_port("127.0.0.1", port) ? port : -1;
}

std::string ApiServer::seedDns() {
  std::vector<emulator_kit::PtrWrite> writes;
  {
    std::lock_guard lock(accountMu_);
    for (const auto& ip : account_.ips())
      writes.push_back({ip.reverseName, canonicalDnsName(ip.rdns)});
  }
  for (const auto& e : pdns_->write(writes))
    if (!e.empty()) return e;
  return {};
}

void ApiServer::routes() {
  server_.Get("/v4/networking/ips", front_->wrap([this](const httplib::Request& req,
                                                        httplib::Response& res) {
    std::lock_guard lock(accountMu_);
    sendPage(req, res, account_.ips().size(), [&](size_t i) { return ipJson(account_.ips()[i]); });
  }));

  server_.Get("/v4/networking/ipv6/ranges",
              front_->wrap([this](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(accountMu_);
                sendPage(req, res, account_.ranges().size(),
                         [&](size_t i) { return rangeJson(account_.ranges()[i]); });
              }));

  server_.Get(R"(/v4/networking/ips/([^/]+))",
              front_->wrap([this](const httplib::Request& req, httplib::Response& res) {
                auto ip = IpAddress::parse(std::string(req.matches[1]));
                std::lock_guard lock(accountMu_);
                LinodeIp* entry = ip ? account_.find(ip->str()) : nullptr;
                if (entry == nullptr) return sendError(res, 404, "Not found");
                sendJson(res, 200, ipJson(*entry));
              }));

  server_.Put(
      R"(/v4/networking/ips/([^/]+))",
      front_->wrap([this](const httplib::Request& req, httplib::Response& res) { put(req, res); }));

  // Every other method on the API's paths: what Linode answers, logged.
  auto refuse = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.path.starts_with("/admin/")) return sendError(res, 404, "Not found");
    sendError(res, 405, "Method Not Allowed");
    front_->logUnrouted(req, res);
  };
  server_.Post(R"(/v4/.*)", refuse);
  server_.Delete(R"(/v4/.*)", refuse);
  server_.Patch(R"(/v4/.*)", refuse);
  server_.Put(R"(/v4/.*)", refuse);  // after the one PUT route, which matches first

  server_.Post("/admin/forward", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer " + options_.adminToken)
      return sendError(res, 401, "Invalid Token");
    std::string mode;
    try {
      mode = json::parse(req.body).at("resolver").get<std::string>();
    } catch (const json::exception& e) {
      return sendError(res, 400, e.what());
    }
    if (mode != "ok" && mode != "stale" && mode != "failing")
      return sendError(res, 400, "unknown resolver mode");
    resolver_ = mode == "ok" ? 0 : mode == "stale" ? 1 : 2;
    sendJson(res, 200, {{"resolver", mode}});
  });
}

void ApiServer::put(const httplib::Request& req, httplib::Response& res) {
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception&) {
    return sendError(res, 400, "Invalid JSON");
  }
  if (!body.is_object()) return sendError(res, 400, "Invalid JSON");
  for (const auto& [key, value] : body.items()) {
    if (key != "rdns" && key != "reserved") return sendError(res, 400, "Unrecognized field", key);
  }
  if (body.contains("reserved") && !body["reserved"].is_boolean())
    return sendError(res, 400, "Must be a boolean", "reserved");
  if (!body.contains("rdns")) return sendError(res, 400, "rdns is required", "rdns");
  const json& rdns = body["rdns"];
  if (!rdns.is_null() && !rdns.is_string())
    return sendError(res, 400, "Must be a string or null", "rdns");

  auto ip = IpAddress::parse(std::string(req.matches[1]));
  std::lock_guard lock(accountMu_);
  LinodeIp* entry = ip ? account_.find(ip->str()) : nullptr;
  // An address of a routed range is listed from its first name on.
  std::optional<LinodeIp> unlisted;
  if (entry == nullptr && ip && account_.inRange(*ip))
    entry = &unlisted.emplace(LinodeIp{ip->str(), ip->reverseName(), true, ""});
  if (entry == nullptr) return sendError(res, 404, "Not found");

  std::string target = linodeDefault(*entry);  // null: the platform's own
  if (rdns.is_string()) {
    const std::string name = rdns.get<std::string>();
    auto normal = normaliseHostname(name);
    if (!normal || name.ends_with('.')) return sendError(res, 400, "Invalid rDNS value", "rdns");
    target = name;
    for (char& c : target) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    if (options_.dnsPort > 0) {
      const int mode = resolver_;
      auto verdict = mode == 2   ? ForwardVerdict::kLookupFailed
                     : mode == 1 ? ForwardVerdict::kNoMatch
                                 : checkForward(options_.dnsServer, options_.dnsPort, target,
                                                entry->address, entry->v6);
      if (verdict == ForwardVerdict::kLookupFailed)
        return sendError(
            res, 400,
            fmt::format("We were unable to preform a lookup for '{}' at this time.", name), "rdns");
      if (verdict == ForwardVerdict::kNoMatch)
        return sendError(
            res, 400,
            fmt::format(
                "No match was found for '{}'. Reverse DNS must have a matching forward entry.",
                name),
            "rdns");
    }
  }
  auto errors = pdns_->write({{entry->reverseName, canonicalDnsName(target)}});
  if (!errors[0].empty()) return sendError(res, 500, errors[0]);
  entry->rdns = target;
  if (unlisted && !target.empty()) entry = account_.add(std::move(*unlisted));
  sendJson(res, 200, ipJson(*entry));
}

}  // namespace ptrd::linode_emulator
