// The emulated Linode API v4, reverse-DNS part, strict about what the real
// platform rejects (bad JSON, unknown fields, wrong methods, names that are not
// hostnames, addresses not on the account, bad paging), with Linode's own
// forward check against the lab DNS and every change published in PowerDNS.
//   GET  /v4/networking/ips?page=&page_size=    GET /v4/networking/ips/{address}
//   PUT  /v4/networking/ips/{address} {"rdns": "host" | null}   (also an address
//        of a routed range not listed yet: it is listed once it has a name)
//   GET  /v4/networking/ipv6/ranges?page=&page_size=
// Besides ApiFront's /admin endpoints:
//   POST /admin/forward {"resolver": "ok" | "stale" | "failing"}   Linode's own
//     resolver: "stale" has not seen any forward record yet (every name is
//     refused as unmatched), "failing" cannot look names up at all
// Listens on 127.0.0.1 only.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "tests/emulator_kit/api_front.h"
#include "tests/emulator_kit/pdns_writer.h"
#include "tests/linode_emulator/account.h"

namespace ptrd::linode_emulator {

struct ServerOptions {
  std::string token;
  std::string adminToken;               // empty: the account's token
  std::string dnsServer = "127.0.0.1";  // where the forward check asks
  int dnsPort = 0;                      // 0: no forward check
  emulator_kit::FaultSettings faults;
};

class ApiServer {
 public:
  ApiServer(ServerOptions options, Account account, std::unique_ptr<emulator_kit::PdnsWriter> pdns);
  ~ApiServer();

  int bind(int port);  // 0 = ephemeral; returns the port or -1
  bool listen() { return server_.listen_after_bind(); }
  void stop();
  std::string seedDns();  // publishes every address's current rDNS

 private:
  void routes();
  void put(const httplib::Request& req, httplib::Response& res);

  ServerOptions options_;
  std::mutex accountMu_;
  Account account_;
  std::unique_ptr<emulator_kit::PdnsWriter> pdns_;
  std::atomic<int> resolver_{0};  // 0 ok, 1 stale, 2 failing
  httplib::Server server_;
  std::unique_ptr<emulator_kit::ApiFront> front_;
};

}  // namespace ptrd::linode_emulator
