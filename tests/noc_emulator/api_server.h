// The emulated NOC portal's HTTP API (docs/noc-api.md), strict about
// everything the contract states, plus /admin endpoints for tests:
//   POST /admin/faults {..}   GET /admin/faults      switch faults at run time
//   GET /admin/requests       DELETE /admin/requests the log of /v1 requests:
//     [{"method","path","idempotency_key","body","status","fault","t_ms"}]
//   GET /admin/jobs           every bulk job's state: [{"job_id","state"}]
// Listens on 127.0.0.1 only.
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/noc_emulator/account.h"
#include "tests/noc_emulator/job_queue.h"

namespace ptrd::noc_emulator {

class ApiServer {
 public:
  ApiServer(std::string token, std::string adminToken, Account account,
            std::unique_ptr<PdnsWriter> pdns, FaultSettings faults);
  ~ApiServer();

  int bind(int port);  // 0 = ephemeral; returns the port or -1
  bool listen() { return server_.listen_after_bind(); }
  void stop() {
    faults_.interrupt();  // hung requests and stuck jobs must not hold the shutdown
    server_.stop();
  }
  // Writes every address's current PTR to DNS (so DNS starts equal to the portal).
  std::string seedDns();

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // Auth, faults and logging around every /v1 handler.
  Handler v1(Handler h);
  Handler admin(Handler h);
  void routeIps();
  void routeBulk();
  void routeAdmin();

  std::string token_, adminToken_;
  std::mutex accountMu_;
  Account account_;
  std::unique_ptr<PdnsWriter> pdns_;
  Faults faults_;
  JobQueue jobs_;
  std::mutex logMu_;
  nlohmann::json log_ = nlohmann::json::array();
  const std::chrono::steady_clock::time_point started_ =
      std::chrono::steady_clock::now();  // log's t_ms
  httplib::Server server_;
};

// {"error": {"code", "message"}} with the given status.
void sendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message);
void sendJson(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace ptrd::noc_emulator
