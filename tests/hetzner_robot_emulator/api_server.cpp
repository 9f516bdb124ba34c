#include "tests/hetzner_robot_emulator/api_server.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/hostname.h"

namespace ptrd::hetzner_robot_emulator {
namespace {

using emulator_kit::ApiFront;
using nlohmann::json;

void sendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// Robot's error envelope: {"error": {"status", "code", "message", ...}}.
void sendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message, json extra = json::object()) {
  json e = {{"status", status}, {"code", code}, {"message", message}};
  e.update(extra);
  sendJson(res, status, {{"error", e}});
}

std::string base64(const std::string& text) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t v = 0;
  int bits = 0;
  for (unsigned char c : text) {
    v = (v << 8) | c;
    bits += 8;
    while (bits >= 6) out += k[(v >> (bits -= 6)) & 63];
  }
  if (bits > 0) out += k[(v << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

void reply(ApiFront::Answer a, const emulator_kit::FaultSettings&, httplib::Response& res) {
  switch (a) {
    case ApiFront::Answer::kUnauthorized:
      return sendError(res, 401, "UNAUTHORIZED", "Unauthorized");
    case ApiFront::Answer::kRateLimited:
      // As Robot does: a 403 with the budget, and no Retry-After.
      return sendError(res, 403, "RATE_LIMIT_EXCEEDED", "Rate limit exceeded",
                       {{"max_request", 500}, {"interval", 3600}});
    case ApiFront::Answer::kServerError:
      return sendError(res, 500, "INTERNAL_ERROR", "Internal error");
  }
}

}  // namespace

ApiServer::ApiServer(ServerOptions options, Account account,
                     std::unique_ptr<emulator_kit::PdnsWriter> pdns)
    : options_(std::move(options)), account_(std::move(account)), pdns_(std::move(pdns)) {
  const std::string basic = "Basic " + base64(options_.user + ":" + options_.password);
  front_ = std::make_unique<ApiFront>(
      server_, ApiFront::Options{options_.adminToken, options_.faults,
                                 [basic](const httplib::Request& r) {
                                   return r.get_header_value("Authorization") == basic;
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

std::string ApiServer::publish(const std::string& ip) {
  auto parsed = IpAddress::parse(ip);
  auto it = account_.rdns().find(ip);
  std::string ptr = it == account_.rdns().end() ? "" : canonicalDnsName(it->second);
  return pdns_->write({{parsed->reverseName(), ptr}})[0];
}

std::string ApiServer::seedDns() {
  std::lock_guard lock(accountMu_);
  for (const auto& [ip, ptr] : account_.rdns())
    if (auto e = publish(ip); !e.empty()) return e;
  return {};
}

void ApiServer::routes() {
  server_.Get("/ip", front_->wrap([this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(accountMu_);
    std::string mainIp;
    for (const auto& s : account_.ips())
      if (s.main && mainIp.empty()) mainIp = s.ip;
    json list = json::array();
    for (const auto& s : account_.ips()) {
      list.push_back({{"ip",
                       {{"ip", s.ip},
                        {"server_ip", s.main || mainIp.empty() ? s.ip : mainIp},
                        {"server_number", 1},
                        {"locked", false},
                        {"separate_mac", nullptr},
                        {"traffic_warnings", false}}}});
    }
    if (list.empty()) return sendError(res, 404, "NOT_FOUND", "No IPs found");
    sendJson(res, 200, list);
  }));
  server_.Get("/subnet", front_->wrap([this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(accountMu_);
    json list = json::array();
    for (const auto& c : account_.subnets()) {
      list.push_back({{"subnet",
                       {{"ip", c.network.str()},
                        {"mask", c.prefix},
                        {"gateway", c.network.str()},
                        {"server_ip", nullptr},
                        {"server_number", 1},
                        {"failover", false},
                        {"locked", false}}}});
    }
    if (list.empty()) return sendError(res, 404, "NOT_FOUND", "No subnets found");
    sendJson(res, 200, list);
  }));
  server_.Get("/rdns", front_->wrap([this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(accountMu_);
    json list = json::array();
    for (const auto& [ip, ptr] : account_.rdns())
      list.push_back({{"rdns", {{"ip", ip}, {"ptr", ptr}}}});
    if (list.empty()) return sendError(res, 404, "NOT_FOUND", "No reverse DNS entries found");
    sendJson(res, 200, list);
  }));
  server_.Get(R"(/rdns/([^/]+))", front_->wrap([this](const httplib::Request& req,
                                                      httplib::Response& res) {
    auto ip = IpAddress::parse(std::string(req.matches[1]));
    std::lock_guard lock(accountMu_);
    if (!ip || !account_.owns(*ip)) return sendError(res, 404, "IP_NOT_FOUND", "IP not found");
    auto it = account_.rdns().find(ip->str());
    if (it == account_.rdns().end())
      return sendError(res, 404, "RDNS_NOT_FOUND", "The IP address has no reverse DNS entry yet");
    sendJson(res, 200, {{"rdns", {{"ip", it->first}, {"ptr", it->second}}}});
  }));
  server_.Put(R"(/rdns/([^/]+))",
              front_->wrap([this](const httplib::Request& req, httplib::Response& res) {
                change(req, res, true);
              }));
  server_.Post(R"(/rdns/([^/]+))",
               front_->wrap([this](const httplib::Request& req, httplib::Response& res) {
                 change(req, res, false);
               }));
  server_.Delete(R"(/rdns/([^/]+))",
                 front_->wrap([this](const httplib::Request& req, httplib::Response& res) {
                   remove(req, res);
                 }));

  auto refuse = [this](const httplib::Request& req, httplib::Response& res) {
    sendError(res, 405, "METHOD_NOT_ALLOWED", "Method not allowed");
    front_->logUnrouted(req, res);
  };
  server_.Post(R"(/(ip|subnet|rdns)(/.*)?)", refuse);
  server_.Put(R"(/(ip|subnet|rdns)(/.*)?)", refuse);
  server_.Delete(R"(/(ip|subnet|rdns)(/.*)?)", refuse);
  server_.Patch(R"(/(ip|subnet|rdns)(/.*)?)", refuse);
}

void ApiServer::change(const httplib::Request& req, httplib::Response& res, bool createOnly) {
  if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0)
    return sendError(res, 400, "INVALID_INPUT", "invalid input",
                     {{"missing", json::array({"ptr"})}, {"invalid", json::array()}});
  httplib::Params form;
  httplib::detail::parse_query_text(req.body, form);
  json invalid = json::array();
  for (const auto& [key, value] : form)
    if (key != "ptr") invalid.push_back(key);
  if (!invalid.empty())
    return sendError(res, 400, "INVALID_INPUT", "invalid input",
                     {{"missing", json::array()}, {"invalid", invalid}});
  if (form.count("ptr") != 1)
    return sendError(res, 400, "INVALID_INPUT", "invalid input",
                     {{"missing", json::array({"ptr"})}, {"invalid", json::array()}});
  const std::string ptr = form.find("ptr")->second;
  auto name = normaliseHostname(ptr);
  if (!name || ptr.ends_with('.'))
    return sendError(res, 400, "INVALID_INPUT", "invalid input",
                     {{"missing", json::array()}, {"invalid", json::array({"ptr"})}});

  auto ip = IpAddress::parse(std::string(req.matches[1]));
  std::lock_guard lock(accountMu_);
  if (!ip || !account_.owns(*ip)) return sendError(res, 404, "IP_NOT_FOUND", "IP not found");
  auto& entries = account_.rdns();
  const bool exists = entries.count(ip->str()) > 0;
  if (createOnly && exists)
    return sendError(res, 409, "RDNS_ALREADY_EXISTS", "There is already a reverse DNS entry");
  const std::string old = exists ? entries[ip->str()] : std::string();
  entries[ip->str()] = name->substr(0, name->size() - 1);
  if (auto e = publish(ip->str()); !e.empty()) {
    if (exists)
      entries[ip->str()] = old;
    else
      entries.erase(ip->str());
    return sendError(res, 500, exists ? "RDNS_UPDATE_FAILED" : "RDNS_CREATE_FAILED", e);
  }
  sendJson(res, exists ? 200 : 201, {{"rdns", {{"ip", ip->str()}, {"ptr", entries[ip->str()]}}}});
}

void ApiServer::remove(const httplib::Request& req, httplib::Response& res) {
  auto ip = IpAddress::parse(std::string(req.matches[1]));
  std::lock_guard lock(accountMu_);
  if (!ip || !account_.owns(*ip)) return sendError(res, 404, "IP_NOT_FOUND", "IP not found");
  auto& entries = account_.rdns();
  if (!entries.count(ip->str()))
    return sendError(res, 404, "RDNS_NOT_FOUND", "The IP address has no reverse DNS entry yet");
  // The main IPv4 is never without a name: Robot puts its default back.
  if (account_.isMain(ip->str()))
    entries[ip->str()] = robotDefault(ip->str());
  else
    entries.erase(ip->str());
  if (auto e = publish(ip->str()); !e.empty()) return sendError(res, 500, "INTERNAL_ERROR", e);
  res.status = 200;  // no body
}

}  // namespace ptrd::hetzner_robot_emulator
