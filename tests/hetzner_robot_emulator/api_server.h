// The emulated Hetzner Robot webservice, reverse-DNS part, strict about what
// the real one rejects (wrong credentials, form fields it does not know, names
// that are not hostnames, addresses not on the account, wrong methods), with
// every change published in PowerDNS:
//   GET /ip   GET /subnet   GET /rdns   GET /rdns/{ip}
//   PUT /rdns/{ip} ptr=... (create only)   POST /rdns/{ip} ptr=... (create or update)
//   DELETE /rdns/{ip}   (a server's main IPv4 gets its default entry back)
// Plus ApiFront's /admin endpoints. Listens on 127.0.0.1 only.
#pragma once

#include <httplib.h>

#include <memory>
#include <mutex>
#include <string>

#include "tests/emulator_kit/api_front.h"
#include "tests/emulator_kit/pdns_writer.h"
#include "tests/hetzner_robot_emulator/account.h"

namespace ptrd::hetzner_robot_emulator {

struct ServerOptions {
  std::string user, password;
  std::string adminToken;
  emulator_kit::FaultSettings faults;
};

class ApiServer {
 public:
  ApiServer(ServerOptions options, Account account, std::unique_ptr<emulator_kit::PdnsWriter> pdns);
  ~ApiServer();

  int bind(int port);
  bool listen() { return server_.listen_after_bind(); }
  void stop();
  std::string seedDns();

 private:
  void routes();
  void change(const httplib::Request& req, httplib::Response& res, bool createOnly);
  void remove(const httplib::Request& req, httplib::Response& res);
  // Publishes ip's entry (or its absence) in DNS; the error text or "".
  std::string publish(const std::string& ip);

  ServerOptions options_;
  std::mutex accountMu_;
  Account account_;
  std::unique_ptr<emulator_kit::PdnsWriter> pdns_;
  httplib::Server server_;
  std::unique_ptr<emulator_kit::ApiFront> front_;
};

}  // namespace ptrd::hetzner_robot_emulator
