#include "tests/vultr_emulator/api_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/hostname.h"

namespace ptrd::vultr_emulator {
namespace {

using emulator_kit::ApiFront;
using nlohmann::json;

void sendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// Vultr's error envelope: {"error": "...", "status": N}.
void sendError(httplib::Response& res, int status, const std::string& text) {
  sendJson(res, status, {{"error", text}, {"status", status}});
}

void reply(ApiFront::Answer a, const emulator_kit::FaultSettings&, httplib::Response& res) {
  switch (a) {
    case ApiFront::Answer::kUnauthorized:
      return sendError(res, 401, "Invalid API token.");
    case ApiFront::Answer::kRateLimited:  // Vultr documents no rate-limit headers
      return sendError(res, 429, "Rate limit reached - please try your request again later.");
    case ApiFront::Answer::kServerError:
      return sendError(res, 500, "Internal server error.");
  }
}

json meta(size_t total, const std::string& next) {
  return {{"total", total}, {"links", {{"next", next}, {"prev", ""}}}};
}

// "2001:0db8:...:0025": eight groups of four hex digits, the only IPv6 form
// Vultr takes on input.
bool isExpanded(const std::string& s) {
  if (s.size() != 39) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i % 5 == 4) {
      if (s[i] != ':') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

// Offsets behind opaque cursors, as Vultr's base64 ones look: "bmV4dF9f" + N.
constexpr const char* kCursorPrefix = "bmV4dF9f";
std::string cursorFor(size_t offset) {
  return kCursorPrefix + std::to_string(offset) + "==";
}

// per_page (1..500, default 100) and cursor; false with a 400 written when malformed.
bool paging(const httplib::Request& req, httplib::Response& res, size_t total, size_t& from,
            size_t& count) {
  count = 100;
  from = 0;
  if (req.has_param("per_page")) {
    const std::string v = req.get_param_value("per_page");
    if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(v) < 1 || std::stoul(v) > 500) {
      sendError(res, 400, "Invalid per_page: must be between 1 and 500.");
      return false;
    }
    count = std::stoul(v);
  }
  if (req.has_param("cursor")) {
    const std::string c = req.get_param_value("cursor");
    const std::string prefix = kCursorPrefix;
    std::string digits = c.starts_with(prefix) && c.ends_with("==")
                             ? c.substr(prefix.size(), c.size() - prefix.size() - 2)
                             : "";
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos || std::stoul(digits) > total) {
      sendError(res, 400, "Invalid cursor.");
      return false;
    }
    from = std::stoul(digits);
  }
  return true;
}

json instanceJson(const Instance& in) {
  const std::string mainIp = in.ipv4s.empty() ? "0.0.0.0" : in.ipv4s[0].ip.str();
  std::string v6Main;
  if (in.v6Network) {
    auto b = in.v6Network->network.bytes();
    b[15] |= 1;
    v6Main = IpAddress::v6(b).str();
  }
  return {{"id", in.id},
          {"os", "Debian 12 x64 (bookworm)"},
          {"ram", 1024},
          {"disk", 25},
          {"main_ip", mainIp},
          {"vcpu_count", 1},
          {"region", "ewr"},
          {"plan", "vc2-1c-1gb"},
          {"date_created", "2026-01-05T10:00:00+00:00"},
          {"status", "active"},
          {"allowed_bandwidth", 1000},
          {"netmask_v4", "255.255.254.0"},
          {"gateway_v4", "203.0.113.1"},
          {"power_status", "running"},
          {"server_status", "ok"},
          {"v6_network", in.v6Network ? in.v6Network->network.str() : ""},
          {"v6_main_ip", v6Main},
          {"v6_network_size", in.v6Network ? in.v6Network->prefix : 0},
          {"label", "web"},
          {"internal_ip", ""},
          {"hostname", "web"},
          {"tags", json::array()},
          {"features", json::array()}};
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
    for (const auto& in : account_.instances()) {
      for (const auto& a : in.ipv4s)
        writes.push_back({a.ip.reverseName(), canonicalDnsName(a.reverse)});
      for (const auto& [ip, name] : in.v6Reverses)
        writes.push_back({ip.reverseName(), canonicalDnsName(name)});
    }
  }
  for (const auto& e : pdns_->write(writes))
    if (!e.empty()) return e;
  return {};
}

bool ApiServer::overRate() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(rateMu_);
  while (!served_.empty() && now - served_.front() >= std::chrono::seconds(1)) served_.pop_front();
  if (served_.size() >= options_.requestsPerSecond) return true;
  served_.push_back(now);
  return false;
}

ApiServer::Handler ApiServer::api(Handler h) {
  return front_->wrap([this, h](const httplib::Request& req, httplib::Response& res) {
    if (overRate())
      return sendError(res, 429, "Rate limit reached - please try your request again later.");
    h(req, res);
  });
}

void ApiServer::routes() {
  server_.Get("/v2/instances", api([this](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(accountMu_);
                const auto& all = account_.instances();
                size_t from = 0, count = 0;
                if (!paging(req, res, all.size(), from, count)) return;
                json items = json::array();
                for (size_t i = from; i < all.size() && i < from + count; ++i)
                  items.push_back(instanceJson(all[i]));
                const std::string next = from + count < all.size() ? cursorFor(from + count) : "";
                sendJson(res, 200, {{"instances", items}, {"meta", meta(all.size(), next)}});
              }));

  server_.Get(R"(/v2/instances/([^/]+)/ipv4)",
              api([this](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(accountMu_);
                Instance* in = account_.find(req.matches[1]);
                if (in == nullptr) return sendError(res, 404, "Instance not found.");
                size_t from = 0, count = 0;
                if (!paging(req, res, in->ipv4s.size(), from, count)) return;
                json items = json::array();
                for (size_t i = from; i < in->ipv4s.size() && i < from + count; ++i) {
                  const auto& a = in->ipv4s[i];
                  items.push_back({{"ip", a.ip.str()},
                                   {"netmask", "255.255.254.0"},
                                   {"gateway", "203.0.113.1"},
                                   {"type", i == 0 ? "main_ip" : "secondary_ip"},
                                   {"reverse", a.reverse}});
                }
                const std::string next =
                    from + count < in->ipv4s.size() ? cursorFor(from + count) : "";
                sendJson(res, 200, {{"ipv4s", items}, {"meta", meta(in->ipv4s.size(), next)}});
              }));

  server_.Get(R"(/v2/instances/([^/]+)/ipv6/reverse)",
              api([this](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(accountMu_);
                Instance* in = account_.find(req.matches[1]);
                if (in == nullptr) return sendError(res, 404, "Instance not found.");
                json items = json::array();
                for (const auto& [ip, name] : in->v6Reverses) {
                  std::string upper = ip.str();  // Vultr shows them upper case
                  for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
                  items.push_back({{"ip", upper}, {"reverse", name}});
                }
                sendJson(res, 200, {{"reverse_ipv6s", items}});
              }));

  server_.Post(R"(/v2/instances/([^/]+)/ipv4/reverse)",
               api([this](const auto& req, auto& res) { setReverse(req, res, false); }));
  server_.Post(R"(/v2/instances/([^/]+)/ipv4/reverse/default)",
               api([this](const auto& req, auto& res) { resetIpv4(req, res); }));
  server_.Post(R"(/v2/instances/([^/]+)/ipv6/reverse)",
               api([this](const auto& req, auto& res) { setReverse(req, res, true); }));
  server_.Delete(R"(/v2/instances/([^/]+)/ipv6/reverse/([^/]+))",
                 api([this](const auto& req, auto& res) { deleteIpv6(req, res); }));

  // Every other method or path under the API: what Vultr answers, logged.
  auto refuse = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.path.starts_with("/admin/")) return sendError(res, 404, "Not found");
    sendError(res, 405, "Method not allowed.");
    front_->logUnrouted(req, res);
  };
  server_.Get(R"(/v2/.*)", refuse);
  server_.Post(R"(/v2/.*)", refuse);
  server_.Delete(R"(/v2/.*)", refuse);
  server_.Patch(R"(/v2/.*)", refuse);
  server_.Put(R"(/v2/.*)", refuse);
}

bool ApiServer::publish(const IpAddress& ip, const std::string& reverse, httplib::Response& res) {
  auto errors =
      pdns_->write({{ip.reverseName(), reverse.empty() ? "" : canonicalDnsName(reverse)}});
  if (errors[0].empty()) return true;
  sendError(res, 500, errors[0]);
  return false;
}

// Parses the body's fields (exactly `keys`, all strings) and the instance; false
// with the platform's answer written when anything is off.
static bool readBody(const httplib::Request& req, httplib::Response& res,
                     const std::vector<std::string>& keys, json& body) {
  try {
    body = json::parse(req.body);
  } catch (const json::exception&) {
    sendError(res, 400, "Invalid JSON.");
    return false;
  }
  if (!body.is_object()) {
    sendError(res, 400, "Invalid JSON.");
    return false;
  }
  for (const auto& [key, value] : body.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      sendError(res, 400, fmt::format("Invalid field: {}.", key));
      return false;
    }
  }
  for (const auto& key : keys) {
    if (!body.contains(key) || !body[key].is_string()) {
      sendError(res, 400, fmt::format("{} is required and must be a string.", key));
      return false;
    }
  }
  return true;
}

void ApiServer::setReverse(const httplib::Request& req, httplib::Response& res, bool v6) {
  json body;
  if (!readBody(req, res, {"ip", "reverse"}, body)) return;
  const std::string text = body["ip"];
  if (v6 && !isExpanded(text))
    return sendError(res, 400, "Invalid IPv6 address: it must be given in full, expanded form.");
  auto ip = IpAddress::parse(text);
  if (!ip || ip->isV4() == v6) return sendError(res, 400, "Invalid IP address.");
  const std::string name = body["reverse"];
  if (!normaliseHostname(name) || name.ends_with('.'))
    return sendError(res, 400, "Invalid reverse: must be a valid hostname.");
  std::string lower = name;
  for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  std::lock_guard lock(accountMu_);
  Instance* in = account_.find(req.matches[1]);
  if (in == nullptr) return sendError(res, 404, "Instance not found.");
  Ipv4* v4 = v6 ? nullptr : in->findIpv4(*ip);
  if (v6 ? !in->inV6Network(*ip) : v4 == nullptr)
    return sendError(res, 404, "IP address not found on this instance.");
  if (!publish(*ip, lower, res)) return;
  if (v6)
    in->v6Reverses[*ip] = lower;
  else
    v4->reverse = lower;
  res.status = 204;
}

void ApiServer::resetIpv4(const httplib::Request& req, httplib::Response& res) {
  json body;
  if (!readBody(req, res, {"ip"}, body)) return;
  auto ip = IpAddress::parse(body["ip"].get<std::string>());
  if (!ip || !ip->isV4()) return sendError(res, 400, "Invalid IP address.");
  std::lock_guard lock(accountMu_);
  Instance* in = account_.find(req.matches[1]);
  if (in == nullptr) return sendError(res, 404, "Instance not found.");
  Ipv4* v4 = in->findIpv4(*ip);
  if (v4 == nullptr) return sendError(res, 404, "IP address not found on this instance.");
  if (!publish(*ip, vultrDefault(*ip), res)) return;
  v4->reverse = vultrDefault(*ip);
  res.status = 204;
}

void ApiServer::deleteIpv6(const httplib::Request& req, httplib::Response& res) {
  const std::string text = req.matches[2];
  if (!isExpanded(text))
    return sendError(res, 400, "Invalid IPv6 address: it must be given in full, expanded form.");
  auto ip = IpAddress::parse(text);
  if (!ip) return sendError(res, 400, "Invalid IP address.");
  std::lock_guard lock(accountMu_);
  Instance* in = account_.find(req.matches[1]);
  if (in == nullptr) return sendError(res, 404, "Instance not found.");
  if (!in->inV6Network(*ip)) return sendError(res, 404, "IP address not found on this instance.");
  // Deleting a name that is not there answers as a delete that worked: Vultr
  // documents no other answer, and a retried delete must not look like a loss.
  if (!publish(*ip, "", res)) return;
  in->v6Reverses.erase(*ip);
  res.status = 204;
}

}  // namespace ptrd::vultr_emulator
