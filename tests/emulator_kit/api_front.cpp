#include "tests/emulator_kit/api_front.h"

#include <thread>

namespace ptrd::emulator_kit {
namespace {

using nlohmann::json;

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

void sendAdmin(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

ApiFront::ApiFront(httplib::Server& server, Options options)
    : options_(std::move(options)), faults_(options_.faults) {
  auto admin = [this](Handler h) {
    return [this, h](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Authorization") != "Bearer " + options_.adminToken)
        return sendAdmin(res, 401, {{"error", "missing or wrong admin token"}});
      h(req, res);
    };
  };
  server.Post("/admin/faults", admin([this](const httplib::Request& req, httplib::Response& res) {
                try {
                  faults_.update(json::parse(req.body));
                } catch (const json::exception& e) {
                  return sendAdmin(res, 400, {{"error", e.what()}});
                }
                sendAdmin(res, 200, faults_.toJson());
              }));
  server.Get("/admin/faults", admin([this](const httplib::Request&, httplib::Response& res) {
               sendAdmin(res, 200, faults_.toJson());
             }));
  server.Get("/admin/requests", admin([this](const httplib::Request&, httplib::Response& res) {
               std::lock_guard lock(logMu_);
               sendAdmin(res, 200, log_);
             }));
  server.Delete("/admin/requests", admin([this](const httplib::Request&, httplib::Response& res) {
                  std::lock_guard lock(logMu_);
                  log_ = json::array();
                  sendAdmin(res, 200, json::object());
                }));
}

ApiFront::Handler ApiFront::wrap(Handler h) {
  return [this, h](const httplib::Request& req, httplib::Response& res) {
    const auto arrived =
        std::chrono::steady_clock::now();  // the rate is the client's: when it came
    FaultAction fault = FaultAction::kNone;
    if (!options_.authorized(req)) {
      options_.reply(Answer::kUnauthorized, faults_.settings(), res);
    } else {
      FaultSettings s = faults_.settings();
      if (s.latencyMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(s.latencyMs));
      fault = faults_.next();
      if (fault == FaultAction::kRateLimit) {
        options_.reply(Answer::kRateLimited, s, res);
      } else if (fault == FaultAction::kFailBefore) {
        options_.reply(Answer::kServerError, s, res);
      } else {
        if (fault == FaultAction::kHang) faults_.hang();
        h(req, res);
        // The request took effect but its answer is lost: the client must retry.
        if (fault == FaultAction::kFailAfter) options_.reply(Answer::kServerError, s, res);
        if (fault == FaultAction::kGarbage)
          res.set_content("<html>502 Bad Gateway</html>{", "application/json");
      }
    }
    log(req, res, faultName(fault), arrived);
  };
}

void ApiFront::logUnrouted(const httplib::Request& req, const httplib::Response& res) {
  log(req, res, "none", std::chrono::steady_clock::now());
}

void ApiFront::log(const httplib::Request& req, const httplib::Response& res, const char* fault,
                   std::chrono::steady_clock::time_point arrived) {
  std::lock_guard lock(logMu_);
  log_.push_back(
      {{"method", req.method},
       {"path", req.target},
       {"body", req.body},
       {"status", res.status},
       {"fault", fault},
       {"t_ms",
        std::chrono::duration_cast<std::chrono::milliseconds>(arrived - started_).count()}});
}

}  // namespace ptrd::emulator_kit
