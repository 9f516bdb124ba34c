#include "tests/hetzner_cloud_emulator/api_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace ptrd::hcloud_emulator {

using nlohmann::json;

void sendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message) {
  sendJson(res, status,
           {{"error", {{"code", code}, {"message", message}, {"details", json::object()}}}});
}

void sendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

namespace {

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

// A strict positive integer query parameter in [1, max]; nullopt when absent.
std::optional<uint64_t> param(const httplib::Request& req, const char* name, uint64_t max,
                              bool* bad) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string v = req.get_param_value(name);
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos ||
      std::stoull(v) < 1 || std::stoull(v) > max) {
    *bad = true;
    return std::nullopt;
  }
  return std::stoull(v);
}

}  // namespace

ApiServer::ApiServer(std::string token, Account account, std::unique_ptr<PdnsWriter> pdns,
                     FaultSettings faults, BudgetSettings budget)
    : token_(std::move(token)),
      account_(std::move(account)),
      budget_(budget),
      tokens_(budget.limit),
      refilled_(std::chrono::steady_clock::now()),
      pdns_(std::move(pdns)),
      faults_(faults) {
  routeResources();
  routeActions();
  routeAdmin();
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      sendError(res, res.status, res.status == 404 ? "not_found" : "server_error",
                "no such endpoint");
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
  std::vector<emulator_kit::PtrWrite> writes;
  {
    std::lock_guard lock(mu_);
    for (const auto& r : account_.resources()) {
      if (r.ipv4) writes.push_back({r.ipv4->reverseName(), r.ptrOf(*r.ipv4) + "."});
      for (const auto& [ip, name] : r.custom)
        if (!ip.isV4()) writes.push_back({ip.reverseName(), name + "."});
    }
  }
  for (const auto& e : pdns_->write(writes))
    if (!e.empty()) return e;
  return {};
}

void ApiServer::refillLocked() {
  const auto now = std::chrono::steady_clock::now();
  const double perSecond = budget_.limit / budget_.windowSeconds;
  const double elapsed = std::chrono::duration<double>(now - refilled_).count();
  tokens_ = std::min(budget_.limit, tokens_ + elapsed * perSecond);
  refilled_ = now;
}

bool ApiServer::spend(httplib::Response& res) {
  std::lock_guard lock(mu_);
  refillLocked();
  const double perSecond = budget_.limit / budget_.windowSeconds;
  const bool ok = tokens_ >= 1.0;
  if (ok) tokens_ -= 1.0;
  const double unixNow =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  res.set_header("RateLimit-Limit", fmt::format("{}", int64_t(budget_.limit)));
  res.set_header("RateLimit-Remaining",
                 fmt::format("{}", int64_t(std::max(0.0, std::floor(tokens_)))));
  // When the bucket is full again, rounded up to the second.
  res.set_header(
      "RateLimit-Reset",
      fmt::format("{}", int64_t(std::ceil(unixNow + (budget_.limit - tokens_) / perSecond))));
  return ok;
}

ApiServer::Handler ApiServer::v1(Handler h) {
  return [this, h](const httplib::Request& req, httplib::Response& res) {
    std::string fault = "none";
    if (req.get_header_value("Authorization") != "Bearer " + token_) {
      sendError(res, 401, "unauthorized", "unable to authenticate");
    } else if (!spend(res)) {
      fault = "budget";
      sendError(res, 429, "rate_limit_exceeded", "limit of requests per hour reached");
    } else {
      FaultSettings s = faults_.settings();
      if (s.latencyMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(s.latencyMs));
      FaultAction f = faults_.next();
      fault = faultName(f);
      if (f == FaultAction::kRateLimit) {
        res.set_header("Retry-After", std::to_string(s.retryAfterSeconds));
        sendError(res, 429, "rate_limit_exceeded", "limit of requests per hour reached");
      } else if (f == FaultAction::kFailBefore) {
        sendError(res, 503, "unavailable", "injected failure");
      } else {
        h(req, res);
        // The request took effect but its answer is lost: the client must find out.
        if (f == FaultAction::kFailAfter)
          sendError(res, 503, "unavailable", "injected failure after apply");
        if (f == FaultAction::kGarbage)
          res.set_content("<html>502 Bad Gateway</html>", "application/json");
      }
    }
    std::lock_guard lock(logMu_);
    log_.push_back({{"method", req.method},
                    {"path", req.target},
                    {"body", req.body},
                    {"status", res.status},
                    {"fault", fault},
                    {"t_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started_)
                                 .count()}});
  };
}

ApiServer::Handler ApiServer::admin(Handler h) {
  return [this, h](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer " + token_)
      return sendError(res, 401, "unauthorized", "unable to authenticate");
    h(req, res);
  };
}

void ApiServer::routeResources() {
  const std::string kinds = "(servers|primary_ips|floating_ips|load_balancers)";
  server_.Get("/v1/" + kinds, v1([this](const httplib::Request& req, httplib::Response& res) {
                Kind kind = *kindOf(req.matches[1]);
                bool bad = false;
                uint64_t page = param(req, "page", 1'000'000, &bad).value_or(1);
                uint64_t perPage = param(req, "per_page", 50, &bad).value_or(25);
                if (bad)
                  return sendError(res, 422, "invalid_input",
                                   "page must be >= 1 and per_page 1..50");
                std::lock_guard lock(mu_);
                tick();
                auto all = account_.ofKind(kind);
                const uint64_t last = std::max<uint64_t>(1, (all.size() + perPage - 1) / perPage);
                json items = json::array();
                for (uint64_t i = (page - 1) * perPage; i < all.size() && i < page * perPage; ++i)
                  items.push_back(all[i]->toJson());
                json pagination = {{"page", page},
                                   {"per_page", perPage},
                                   {"previous_page", page > 1 ? json(page - 1) : json(nullptr)},
                                   {"next_page", page < last ? json(page + 1) : json(nullptr)},
                                   {"last_page", last},
                                   {"total_entries", all.size()}};
                sendJson(res, 200, {{plural(kind), items}, {"meta", {{"pagination", pagination}}}});
              }));

  server_.Get("/v1/" + kinds + R"(/(\d{1,12}))",
              v1([this](const httplib::Request& req, httplib::Response& res) {
                Kind kind = *kindOf(req.matches[1]);
                std::lock_guard lock(mu_);
                tick();
                const Resource* r = account_.find(kind, std::stoull(req.matches[2]));
                if (r == nullptr)
                  return sendError(res, 404, "not_found",
                                   fmt::format("{} not found", singular(kind)));
                sendJson(res, 200, {{singular(kind), r->toJson()}});
              }));
}

void ApiServer::routeAdmin() {
  server_.Post("/admin/faults", admin([this](const httplib::Request& req, httplib::Response& res) {
                 try {
                   faults_.update(json::parse(req.body));
                 } catch (const json::exception& e) {
                   return sendError(res, 400, "invalid_input", e.what());
                 }
                 sendJson(res, 200, faults_.toJson());
               }));
  server_.Get("/admin/faults", admin([this](const httplib::Request&, httplib::Response& res) {
                sendJson(res, 200, faults_.toJson());
              }));
  // Other clients of the same project spend the same budget: {"spent_elsewhere": N}
  // takes N requests from it now, below zero too (a debt that refills at the
  // budget's rate), so a test can know the next request finds it empty.
  server_.Post("/admin/budget", admin([this](const httplib::Request& req, httplib::Response& res) {
                 double spent = 0;
                 try {
                   spent = json::parse(req.body).at("spent_elsewhere").get<double>();
                 } catch (const json::exception& e) {
                   return sendError(res, 400, "invalid_input", e.what());
                 }
                 if (!(spent >= 0 && spent <= 1e6))
                   return sendError(res, 400, "invalid_input", "spent_elsewhere: 0..1000000");
                 std::lock_guard lock(mu_);
                 refillLocked();
                 tokens_ -= spent;
                 sendJson(res, 200, {{"tokens", tokens_}});
               }));
  server_.Get("/admin/writes", admin([this](const httplib::Request&, httplib::Response& res) {
                std::lock_guard lock(mu_);
                tick();
                sendJson(res, 200, writes_);
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

}  // namespace ptrd::hcloud_emulator
