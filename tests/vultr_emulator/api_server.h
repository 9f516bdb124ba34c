// The emulated Vultr API v2, reverse-DNS part, strict about what the real
// platform refuses (bad JSON, unknown fields, compressed IPv6, names that are
// not hostnames, addresses not on the instance, bad paging), limiting each
// client to 30 requests a second (429 past it, as Vultr documents), with every
// change published in PowerDNS.
//   GET    /v2/instances?per_page=&cursor=            cursor paging, meta.links.next
//   GET    /v2/instances/{id}/ipv4?per_page=&cursor=
//   GET    /v2/instances/{id}/ipv6/reverse
//   POST   /v2/instances/{id}/ipv4/reverse          {"ip", "reverse"}
//   POST   /v2/instances/{id}/ipv4/reverse/default  {"ip"}
//   POST   /v2/instances/{id}/ipv6/reverse          {"ip": expanded, "reverse"}
//   DELETE /v2/instances/{id}/ipv6/reverse/{expanded ip}
// Besides ApiFront's /admin endpoints (faults, request log). Listens on
// 127.0.0.1 only.
#pragma once

#include <httplib.h>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "tests/emulator_kit/api_front.h"
#include "tests/emulator_kit/pdns_writer.h"
#include "tests/vultr_emulator/account.h"

namespace ptrd::vultr_emulator {

struct ServerOptions {
  std::string token;
  std::string adminToken;  // empty: the account's token
  size_t requestsPerSecond = 30;
  emulator_kit::FaultSettings faults;
};

class ApiServer {
 public:
  ApiServer(ServerOptions options, Account account, std::unique_ptr<emulator_kit::PdnsWriter> pdns);
  ~ApiServer();

  int bind(int port);  // 0 = ephemeral; returns the port or -1
  bool listen() { return server_.listen_after_bind(); }
  void stop();
  std::string seedDns();  // publishes every current reverse

 private:
  using Handler = emulator_kit::ApiFront::Handler;
  void routes();
  // h behind the platform's rate limit, then ApiFront's auth, faults and log.
  Handler api(Handler h);
  bool overRate();
  void setReverse(const httplib::Request& req, httplib::Response& res, bool v6);
  void resetIpv4(const httplib::Request& req, httplib::Response& res);
  void deleteIpv6(const httplib::Request& req, httplib::Response& res);
  // Publishes one name; false (and a 500 written) when PowerDNS refused.
  bool publish(const IpAddress& ip, const std::string& reverse, httplib::Response& res);

  ServerOptions options_;
  std::mutex accountMu_;
  Account account_;
  std::unique_ptr<emulator_kit::PdnsWriter> pdns_;
  std::mutex rateMu_;
  std::deque<std::chrono::steady_clock::time_point> served_;  // within the last second
  httplib::Server server_;
  std::unique_ptr<emulator_kit::ApiFront> front_;
};

}  // namespace ptrd::vultr_emulator
