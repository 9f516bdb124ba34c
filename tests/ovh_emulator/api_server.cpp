#include "tests/ovh_emulator/api_server.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/hostname.h"
#include "providers/ovh/ovh_signature.h"
#include "tests/linode_emulator/forward_check.h"

namespace ptrd::ovh_emulator {
namespace {

using emulator_kit::ApiFront;
using nlohmann::json;

void sendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

// OVH's newer error envelope: {"errorCode", "httpCode", "message"}; the older
// one ({"class", "message"}) where the platform still answers with it.
void sendError(httplib::Response& res, int status, const std::string& code,
               const std::string& httpCode, const std::string& message) {
  sendJson(res, status, {{"errorCode", code}, {"httpCode", httpCode}, {"message", message}});
}
void sendClassError(httplib::Response& res, int status, const std::string& cls,
                    const std::string& message) {
  sendJson(res, status, {{"class", cls}, {"message", message}});
}
void notFound(httplib::Response& res, const std::string& what) {
  sendClassError(res, 404, "Client::NotFound",
                 fmt::format("The requested object ({}) does not exist", what));
}

void reply(ApiFront::Answer a, const emulator_kit::FaultSettings& s, httplib::Response& res) {
  switch (a) {
    case ApiFront::Answer::kUnauthorized:  // signatures are checked by the routes
      return sendError(res, 403, "INVALID_CREDENTIAL", "403 Forbidden",
                       "This credential is not valid");
    case ApiFront::Answer::kRateLimited:
      res.set_header("Retry-After", std::to_string(s.retryAfterSeconds));
      return sendClassError(res, 429, "Client::TooManyRequests", "Too many requests");
    case ApiFront::Answer::kServerError:
      return sendClassError(res, 500, "Server::InternalServerError", "Internal server error");
  }
}

// "%2F" -> "/"; nullopt for a malformed escape.
std::optional<std::string> decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      return std::nullopt;
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

int64_t localNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ApiServer::ApiServer(ServerOptions options, Account account,
                     std::unique_ptr<emulator_kit::PdnsWriter> pdns)
    : options_(std::move(options)), account_(std::move(account)), pdns_(std::move(pdns)) {
  // Signatures are OVH's business, checked per route with OVH's own errors.
  front_ = std::make_unique<ApiFront>(
      server_, ApiFront::Options{options_.adminToken, options_.faults,
                                 [](const httplib::Request&) { return true; }, reply});
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

int64_t ApiServer::apiNow() const {
  return localNow() + skew_.load();
}

std::string ApiServer::seedDns() {
  std::vector<emulator_kit::PtrWrite> writes;
  {
    std::lock_guard lock(accountMu_);
    for (const auto& [ip, name] : account_.reverses()) writes.push_back({ip.reverseName(), name});
  }
  for (const auto& e : pdns_->write(writes))
    if (!e.empty()) return e;
  return {};
}

bool ApiServer::signedRight(const httplib::Request& req, httplib::Response& res) const {
  if (req.get_header_value("X-Ovh-Application") != options_.applicationKey) {
    sendError(res, 403, "INVALID_KEY", "403 Forbidden", "This application key is invalid");
    return false;
  }
  const std::string ts = req.get_header_value("X-Ovh-Timestamp");
  int64_t timestamp = 0;
  if (ts.empty() || ts.size() > 18 || ts.find_first_not_of("0123456789") != std::string::npos ||
      std::llabs((timestamp = std::stoll(ts)) - apiNow()) > kAllowedSkewSeconds) {
    sendError(res, 400, "QUERY_TIME_OUT", "400 Bad Request", "Query out of time");
    return false;
  }
  if (req.get_header_value("X-Ovh-Consumer") != options_.consumerKey) {
    sendError(res, 403, "INVALID_CREDENTIAL", "403 Forbidden", "This credential is not valid");
    return false;
  }
  const std::string url = "http://" + req.get_header_value("Host") + req.target;
  const std::string expected = providers::ovh::signature(
      {options_.applicationSecret, options_.consumerKey, req.method, url, req.body, timestamp});
  if (req.get_header_value("X-Ovh-Signature") != expected) {
    sendError(res, 400, "INVALID_SIGNATURE", "400 Bad Request", "Invalid signature");
    return false;
  }
  return true;
}

void ApiServer::routes() {
  auto api = front_->wrap(
      [this](const httplib::Request& req, httplib::Response& res) { this->api(req, res); });
  server_.Get(R"(/1\.0/.*)", api);
  server_.Post(R"(/1\.0/.*)", api);
  server_.Delete(R"(/1\.0/.*)", api);
  server_.Put(R"(/1\.0/.*)", api);

  auto admin = [this](const httplib::Request& req, httplib::Response& res, json& body) {
    if (req.get_header_value("Authorization") != "Bearer " + options_.adminToken) {
      sendJson(res, 401, {{"error", "missing or wrong admin token"}});
      return false;
    }
    try {
      body = json::parse(req.body);
    } catch (const json::exception& e) {
      sendJson(res, 400, {{"error", e.what()}});
      return false;
    }
    return true;
  };
  server_.Post("/admin/forward",
               [this, admin](const httplib::Request& req, httplib::Response& res) {
                 json body;
                 if (!admin(req, res, body)) return;
                 std::string mode = body.value("resolver", "");
                 if (mode != "ok" && mode != "stale" && mode != "failing")
                   return sendJson(res, 400, {{"error", "unknown resolver mode"}});
                 resolver_ = mode == "ok" ? 0 : mode == "stale" ? 1 : 2;
                 sendJson(res, 200, {{"resolver", mode}});
               });
  server_.Post("/admin/clock", [this, admin](const httplib::Request& req, httplib::Response& res) {
    json body;
    if (!admin(req, res, body)) return;
    if (body.contains("skewSeconds")) skew_ = body["skewSeconds"].get<int64_t>();
    if (body.contains("authTime")) honestTime_ = body["authTime"] == "honest";
    sendJson(res, 200, {{"skewSeconds", skew_.load()}, {"honest", honestTime_.load()}});
  });
}

void ApiServer::api(const httplib::Request& req, httplib::Response& res) {
  std::string_view target = req.target;
  target = target.substr(0, target.find('?'));
  auto seg = split(target.substr(std::string_view("/1.0/").size()));
  if (seg == std::vector<std::string>{"auth", "time"} && req.method == "GET")
    return sendJson(res, 200, honestTime_ ? apiNow() : localNow());  // unsigned
  if (!signedRight(req, res)) return;
  if (seg == std::vector<std::string>{"ip"} && req.method == "GET") {
    std::lock_guard lock(accountMu_);
    json blocks = json::array();
    for (const auto& b : account_.blocks()) blocks.push_back(b.str());
    return sendJson(res, 200, blocks);
  }
  if (seg.size() < 3 || seg.size() > 4 || seg[0] != "ip" || seg[2] != "reverse")
    return sendClassError(res, 404, "Client::NotFound", "Got an invalid (or empty) URL");
  auto blockText = decode(seg[1]);
  auto cidr = blockText ? Cidr::parse(*blockText) : Result<Cidr>(Error::permanent("bad"));
  std::lock_guard lock(accountMu_);
  const Cidr* block = cidr ? account_.block(cidr->str()) : nullptr;
  if (block == nullptr) return notFound(res, "ip = " + blockText.value_or(seg[1]));
  if (seg.size() == 3) {
    if (req.method == "POST") return post(*block, req, res);
    if (req.method != "GET")
      return sendClassError(res, 405, "Client::MethodNotAllowed", "Method not allowed");
    json ips = json::array();
    for (const auto& [ip, name] : account_.reverses())
      if (inBlock(*block, ip)) ips.push_back(ip.str());
    return sendJson(res, 200, ips);
  }
  auto ipText = decode(seg[3]);
  auto ip = ipText ? IpAddress::parse(*ipText) : Result<IpAddress>(Error::permanent("bad"));
  if (!ip || !inBlock(*block, *ip)) return notFound(res, "ipReverse = " + ipText.value_or(seg[3]));
  auto it = account_.reverses().find(*ip);
  if (it == account_.reverses().end()) return notFound(res, "ipReverse = " + ip->str());
  if (req.method == "GET")
    return sendJson(res, 200, {{"ipReverse", ip->str()}, {"reverse", it->second}});
  if (req.method != "DELETE")
    return sendClassError(res, 405, "Client::MethodNotAllowed", "Method not allowed");
  // Back to OVH's default, which this emulator does not publish (no PTR).
  auto errors = pdns_->write({{ip->reverseName(), ""}});
  if (!errors[0].empty()) return sendClassError(res, 500, "Server::InternalServerError", errors[0]);
  account_.reverses().erase(it);
  sendJson(res, 200, nullptr);
}

void ApiServer::post(const Cidr& block, const httplib::Request& req, httplib::Response& res) {
  auto bad = [&](const std::string& message) {
    sendClassError(res, 400, "Client::BadRequest", message);
  };
  if (!req.get_header_value("Content-Type").starts_with("application/json"))
    return bad("Invalid content type, expected application/json");
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception&) {
    return bad("Invalid JSON received");
  }
  if (!body.is_object()) return bad("Invalid JSON received");
  for (const auto& [key, value] : body.items())
    if (key != "ipReverse" && key != "reverse")
      return bad(fmt::format("Invalid parameter: unknown property {}", key));
  if (!body.contains("ipReverse") || !body["ipReverse"].is_string())
    return bad("Missing parameter: ipReverse");
  if (!body.contains("reverse") || !body["reverse"].is_string())
    return bad("Missing parameter: reverse");
  auto ip = IpAddress::parse(body["ipReverse"].get<std::string>());
  if (!ip) return bad("Invalid IP address");
  if (!inBlock(block, *ip)) return bad(fmt::format("{} is not in {}", ip->str(), block.str()));
  auto name = normaliseHostname(body["reverse"].get<std::string>());
  if (!name) return bad("Invalid reverse");
  if (options_.dnsPort > 0) {
    using linode_emulator::ForwardVerdict;
    const int mode = resolver_;
    const std::string bare = name->substr(0, name->size() - 1);
    auto verdict = mode == 2   ? ForwardVerdict::kLookupFailed
                   : mode == 1 ? ForwardVerdict::kNoMatch
                               : linode_emulator::checkForward(options_.dnsServer, options_.dnsPort,
                                                               bare, ip->str(), !ip->isV4());
    if (verdict == ForwardVerdict::kLookupFailed)
      return bad(fmt::format("Cannot check if {} resolves to {}", *name, ip->str()));
    if (verdict == ForwardVerdict::kNoMatch)
      return bad(fmt::format("{} does not resolve to {}", *name, ip->str()));
  }
  auto errors = pdns_->write({{ip->reverseName(), *name}});
  if (!errors[0].empty()) return sendClassError(res, 500, "Server::InternalServerError", errors[0]);
  account_.reverses()[*ip] = *name;
  sendJson(res, 200, {{"ipReverse", ip->str()}, {"reverse", *name}});
}

}  // namespace ptrd::ovh_emulator
