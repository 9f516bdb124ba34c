// The emulated Hetzner Cloud API (the parts that carry PTRs), strict about what
// the real API documents, plus /admin endpoints for tests:
//   GET  /v1/{servers,primary_ips,floating_ips,load_balancers}?page=&per_page=
//   GET  /v1/{kind}/{id}
//   POST /v1/{kind}/{id}/actions/change_dns_ptr {"ip", "dns_ptr": name|null}
//        -> 201 {"action"}; 423 locked while another action runs on the resource
//   GET  /v1/actions/{id}, GET /v1/actions?id=1&id=2
//   POST /admin/faults {..}   GET /admin/faults      switch faults at run time
//   GET  /admin/requests      DELETE /admin/requests the log of /v1 requests:
//     [{"method","path","body","status","fault","t_ms"}]; fault "budget" marks a
//     429 the hourly budget forced (not an injected one)
//   GET  /admin/writes        every PTR change an action made effective:
//     [{"ip","dns_ptr","action"}]
// Every /v1 answer carries RateLimit-Limit/-Remaining/-Reset; the budget is
// `limit` requests refilled evenly over `window` seconds (3600 for the real API).
// Listens on 127.0.0.1 only.
#pragma once

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/emulator_kit/faults.h"
#include "tests/emulator_kit/pdns_writer.h"
#include "tests/hetzner_cloud_emulator/account.h"

namespace ptrd::hcloud_emulator {

using emulator_kit::FaultAction;
using emulator_kit::Faults;
using emulator_kit::FaultSettings;
using emulator_kit::PdnsWriter;

struct BudgetSettings {
  double limit = 3600;
  double windowSeconds = 3600;
};

struct EmulatedAction {
  uint64_t id = 0;
  Kind kind = Kind::kServer;
  uint64_t resourceId = 0;
  IpAddress ip;
  std::string ptr;  // "" = reset
  std::string status = "running";
  std::string errorCode, errorMessage;
  std::chrono::steady_clock::time_point readyAt;
  nlohmann::json toJson() const;
};

class ApiServer {
 public:
  ApiServer(std::string token, Account account, std::unique_ptr<PdnsWriter> pdns,
            FaultSettings faults, BudgetSettings budget);
  ~ApiServer();

  int bind(int port);  // 0 = ephemeral; returns the port or -1
  bool listen() { return server_.listen_after_bind(); }
  void stop() {
    faults_.interrupt();
    server_.stop();
  }
  // Writes every address's current PTR to DNS (so DNS starts equal to the API).
  std::string seedDns();

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  Handler v1(Handler h);
  Handler admin(Handler h);
  void routeResources();
  void routeActions();
  void routeAdmin();
  // Takes one request from the bucket; false when it is empty (429).
  bool spend(httplib::Response& res);
  void refillLocked();  // adds what the budget regained since the last call; mu_ held
  // Runs the actions whose time has come (under mu_).
  void tick();
  void changePtr(const httplib::Request& req, httplib::Response& res);

  std::string token_;
  std::mutex mu_;  // account, actions, writes, bucket
  Account account_;
  std::vector<EmulatedAction> actions_;
  nlohmann::json writes_ = nlohmann::json::array();
  uint64_t actionsStarted_ = 0;
  BudgetSettings budget_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilled_;
  std::unique_ptr<PdnsWriter> pdns_;
  Faults faults_;
  std::mutex logMu_;
  nlohmann::json log_ = nlohmann::json::array();
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  httplib::Server server_;
};

void sendError(httplib::Response& res, int status, const std::string& code,
               const std::string& message);
void sendJson(httplib::Response& res, int status, const nlohmann::json& body);

}  // namespace ptrd::hcloud_emulator
