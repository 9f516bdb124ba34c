// ApiFront: what every single-call platform emulator wraps around its API
// routes: the platform's auth check, switchable faults (Faults), a request log,
// and the /admin endpoints tests drive:
//   POST /admin/faults {..}   GET /admin/faults      switch faults at run time
//   GET /admin/requests       DELETE /admin/requests the log of API requests:
//     [{"method","path","body","status","fault","t_ms"}]   (never a header;
//     t_ms: when the request arrived, in ms since the emulator started)
// The admin endpoints take `Authorization: Bearer <admin token>`.
//
//   ApiFront front(server, {.adminToken = t, .faults = f, .authorized = ..., .reply = ...});
//   server.Put(R"(/v4/networking/ips/([^/]+))", front.wrap([](auto& req, auto& res) { ... }));
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/emulator_kit/faults.h"

namespace ptrd::emulator_kit {

class ApiFront {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  enum class Answer { kUnauthorized, kRateLimited, kServerError };
  struct Options {
    std::string adminToken;
    FaultSettings faults;
    // True when the request carries the account's credentials.
    std::function<bool(const httplib::Request&)> authorized;
    // Writes the platform's own answer for an unauthorized, rate-limited or
    // failed request (status, body, headers such as Retry-After).
    std::function<void(Answer, const FaultSettings&, httplib::Response&)> reply;
  };

  ApiFront(httplib::Server& server, Options options);  // adds the /admin routes

  // Auth, faults and logging around one API handler.
  Handler wrap(Handler h);
  Faults& faults() { return faults_; }
  // Logs a request no route took (wrong method, unknown path).
  void logUnrouted(const httplib::Request& req, const httplib::Response& res);

 private:
  void log(const httplib::Request& req, const httplib::Response& res, const char* fault,
           std::chrono::steady_clock::time_point arrived);

  Options options_;
  Faults faults_;
  std::mutex logMu_;
  nlohmann::json log_ = nlohmann::json::array();
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace ptrd::emulator_kit
