#include "tests/noc_emulator/api_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <thread>

namespace ptrd::noc_emulator {

using nlohmann::json;

void sendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message) {
  sendJson(res, status, {{"error", {{"code", code}, {"message", message}}}});
}

void sendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

namespace {

json itemJson(const AccountIp& ip) {
  return {{"ip", ip.ip},
          {"service", ip.service},
          {"ptr", ip.ptr},
          {"default_ptr", ip.defaultPtr},
          {"custom", ip.custom()}};
}

bool hasBearer(const httplib::Request& req, const std::string& token) {
  return req.get_header_value("Authorization") == "Bearer " + token;
}

const char* faultName(FaultAction f) {
  switch (f) {
    case FaultAction::kNone:
      return "none";
    case FaultAction::kRateLimit:
      return "rate_limit";
    case FaultAction::kFailBefore:
      return "fail_before";
    case FaultAction::kFailAfter:
      return "fail_after";
    case FaultAction::kHang:
      return "hang";
    case FaultAction::kGarbage:
      return "garbage";
    case FaultAction::kTruncate:
      return "truncate";
  }
  return "none";
}

// A body no JSON parser accepts, with the status kept: a proxy or a portal bug
// that answers "200" with an HTML error page.
void spoilAnswer(httplib::Response& res) {
  res.set_content("<html><body>502 Bad Gateway</body></html>{\"job_id\":", "application/json");
}

// The headers promise the whole document; half of it is sent, then the
// connection closes (httplib drops the connection when the provider fails).
void truncateAnswer(httplib::Response& res) {
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  const std::string type = res.get_header_value("Content-Type");
  res.set_content_provider(body->size(), type.empty() ? "application/json" : type.c_str(),
                           [body](size_t offset, size_t, httplib::DataSink& sink) {
                             size_t half = body->size() / 2;
                             if (offset < half) sink.write(body->data() + offset, half - offset);
                             return false;
                           });
}

// `mb` MiB of white space, streamed a chunk at a time so the emulator itself
// never holds it: what a client reads whole is the client's doing.
void inflateAnswer(httplib::Response& res, int mb) {
  res.body.clear();
  const size_t total = size_t(mb) << 20;
  auto chunk = std::make_shared<std::string>(size_t(1) << 16, ' ');
  res.set_content_provider(
      total, "application/json", [chunk, total](size_t offset, size_t, httplib::DataSink& sink) {
        return sink.write(chunk->data(), std::min(chunk->size(), total - offset));
      });
}

}  // namespace

ApiServer::ApiServer(std::string token, std::string adminToken, Account account,
                     std::unique_ptr<PdnsWriter> pdns, FaultSettings faults)
    : token_(std::move(token)),
      adminToken_(adminToken.empty() ? token_ : std::move(adminToken)),
      account_(std::move(account)),
      pdns_(std::move(pdns)),
      faults_(faults),
      jobs_(account_, accountMu_, *pdns_, faults_) {
  server_.set_payload_max_length(64 << 20);
  routeIps();
  routeBulk();
  routeAdmin();
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      sendError(res, res.status, res.status == 404 ? "not_found" : "internal", "no such endpoint");
  });
}

ApiServer::~ApiServer() {
  server_.stop();
}

int ApiServer::bind(int port) {
  if (port == 0) return server_.bind_to_any_port("127.0.0.1");
  return server_.bind_to_port("127.0.0.1", port) ? port : -1;
}

std::string ApiServer::seedDns() {
  std::vector<PtrWrite> writes;
  {
    std::lock_guard lock(accountMu_);
    for (const auto& ip : account_.ips()) writes.push_back({ip.reverseName, ip.ptr});
  }
  for (const auto& e : pdns_->write(writes))
    if (!e.empty()) return e;
  return {};
}

ApiServer::Handler ApiServer::v1(Handler h) {
  return [this, h](const httplib::Request& req, httplib::Response& res) {
    FaultAction fault = FaultAction::kNone;
    if (!hasBearer(req, token_)) {
      sendError(res, 401, "unauthorized", "missing or wrong bearer token");
    } else {
      FaultSettings s = faults_.settings();
      if (s.latencyMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(s.latencyMs));
      fault = faults_.next();
      if (fault == FaultAction::kRateLimit) {
        res.set_header("Retry-After", std::to_string(s.retryAfterSeconds));
        sendError(res, 429, "rate_limited", "too many requests");
      } else if (fault == FaultAction::kFailBefore) {
        sendError(res, 503, "internal", "injected failure");
      } else {
        if (fault == FaultAction::kHang) faults_.hang();  // the client has given up by now
        h(req, res);
        // The request took effect but its answer is "lost": the client must retry.
        if (fault == FaultAction::kFailAfter)
          sendError(res, 503, "internal", "injected failure after apply");
        if (fault == FaultAction::kGarbage) spoilAnswer(res);
        if (fault == FaultAction::kTruncate) truncateAnswer(res);
        if (s.hugeBodyMb > 0) inflateAnswer(res, s.hugeBodyMb);
      }
    }
    std::string key = req.get_header_value("Idempotency-Key");
    std::lock_guard lock(logMu_);
    log_.push_back({{"method", req.method},
                    {"path", req.target},
                    {"idempotency_key", key.empty() ? json(nullptr) : json(key)},
                    {"body", req.body},
                    {"status", res.status},
                    {"fault", faultName(fault)},
                    {"t_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started_)
                                 .count()}});
  };
}

ApiServer::Handler ApiServer::admin(Handler h) {
  return [this, h](const httplib::Request& req, httplib::Response& res) {
    if (!hasBearer(req, adminToken_))
      return sendError(res, 401, "unauthorized", "missing or wrong admin token");
    h(req, res);
  };
}

void ApiServer::routeIps() {
  server_.Get(
      "/v1/ips", v1([this](const httplib::Request& req, httplib::Response& res) {
        size_t limit = 100, offset = 0;
        if (req.has_param("limit")) {
          const std::string v = req.get_param_value("limit");
          if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos)
            return sendError(res, 400, "invalid_request", "limit must be a number 1..1000");
          limit = std::stoul(v);
          if (limit < 1 || limit > 1000)
            return sendError(res, 400, "invalid_request", "limit must be 1..1000");
        }
        std::lock_guard lock(accountMu_);
        if (req.has_param("cursor")) {
          // Opaque to clients; here "o" + the hex offset into the account's list.
          const std::string c = req.get_param_value("cursor");
          if (c.size() < 2 || c.size() > 17 || c[0] != 'o' ||
              c.find_first_not_of("0123456789abcdef", 1) != std::string::npos)
            return sendError(res, 400, "invalid_request", "unknown cursor");
          offset = std::stoull(c.substr(1), nullptr, 16);
          if (offset > account_.size())
            return sendError(res, 400, "invalid_request", "unknown cursor");
        }
        json items = json::array();
        size_t end = std::min(account_.size(), offset + limit);
        for (size_t i = offset; i < end; ++i) items.push_back(itemJson(account_.at(i)));
        json next = end < account_.size() ? json(fmt::format("o{:x}", end)) : json(nullptr);
        sendJson(res, 200, {{"items", items}, {"next_cursor", next}});
      }));

  // One address: strict canonical text, else 400 invalid_ip; not ours: 403.
  auto lookup = [this](const std::string& text, httplib::Response& res) -> AccountIp* {
    EntryCheck c = account_.check(text, std::nullopt, true);
    if (c.code == "invalid_ip") {
      sendError(res, 400, "invalid_ip", c.reason);
      return nullptr;
    }
    AccountIp* ip = account_.find(text);
    if (ip == nullptr)
      sendError(res, 403, "not_yours", fmt::format("{} is not on this account", text));
    return ip;
  };

  server_.Get(R"(/v1/ips/([^/]+))",
              v1([this, lookup](const httplib::Request& req, httplib::Response& res) {
                std::lock_guard lock(accountMu_);
                if (AccountIp* ip = lookup(req.matches[1], res)) sendJson(res, 200, itemJson(*ip));
              }));

  // Single changes are applied synchronously: publish in DNS, then record.
  auto change = [this, lookup](const std::string& text, std::optional<std::string> target,
                               httplib::Response& res) {
    std::lock_guard lock(accountMu_);
    AccountIp* ip = lookup(text, res);
    if (ip == nullptr) return;
    std::string ptr = ip->defaultPtr;
    if (target) {
      EntryCheck c = account_.check(text, target, false);
      if (c.verdict != EntryCheck::Verdict::kValid) return sendError(res, 400, c.code, c.reason);
      ptr = c.ptr;
    }
    auto errors = pdns_->write({{ip->reverseName, ptr}});
    if (!errors[0].empty()) return sendError(res, 500, "internal", errors[0]);
    ip->ptr = ptr;
    sendJson(res, 200, itemJson(*ip));
  };

  server_.Put(R"(/v1/ips/([^/]+)/ptr)",
              v1([change](const httplib::Request& req, httplib::Response& res) {
                std::optional<std::string> ptr;
                try {
                  ptr = json::parse(req.body).at("ptr").get<std::string>();
                } catch (const json::exception&) {
                  return sendError(res, 400, "invalid_hostname",
                                   "body must be {\"ptr\": \"host.example.com\"}");
                }
                change(req.matches[1], ptr, res);
              }));

  server_.Delete(R"(/v1/ips/([^/]+)/ptr)",
                 v1([change](const httplib::Request& req, httplib::Response& res) {
                   change(req.matches[1], std::nullopt, res);
                 }));
}

void ApiServer::routeAdmin() {
  server_.Post("/admin/faults", admin([this](const httplib::Request& req, httplib::Response& res) {
                 try {
                   faults_.update(json::parse(req.body));
                 } catch (const json::exception& e) {
                   return sendError(res, 400, "invalid_request", e.what());
                 }
                 sendJson(res, 200, faults_.toJson());
               }));
  server_.Get("/admin/faults", admin([this](const httplib::Request&, httplib::Response& res) {
                sendJson(res, 200, faults_.toJson());
              }));
  server_.Get("/admin/jobs", admin([this](const httplib::Request&, httplib::Response& res) {
                sendJson(res, 200, jobs_.list());
              }));
  server_.Get("/admin/requests", admin([this](const httplib::Request&, httplib::Response& res) {
                std::lock_guard lock(logMu_);
                sendJson(res, 200, log_);
              }));
  server_.Delete("/admin/requests", admin([this](const httplib::Request&, httplib::Response& res) {
                   std::lock_guard lock(logMu_);
                   log_ = json::array();
                   sendJson(res, 200, json::object());
                 }));
}

}  // namespace ptrd::noc_emulator
