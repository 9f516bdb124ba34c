// The emulated EC2 Query API, Elastic IP reverse-DNS part: SigV4 verified on
// every request (AuthFailure, SignatureDoesNotMatch, RequestExpired past 5
// minutes of skew), the envelope checked as strictly as EC2 does
// (query_api.h), PTR updates that stay PENDING for a while before they land,
// AWS's own forward check at landing (an A record of the name must point at
// the address, asked of the lab DNS), and every landed change published in
// PowerDNS.
//   POST / Action=DescribeAddresses | DescribeAddressesAttribute |
//          ModifyAddressAttribute | ResetAddressAttribute, Version=2016-11-15
// Besides ApiFront's /admin endpoints (faults: 503 RequestLimitExceeded, 500
// InternalError; the request log):
//   POST /admin/forward {"resolver": "ok" | "stale"}  AWS's resolver: "stale" has
//     seen no forward record yet, so every update ends FAILED
//   POST /admin/clock {"skew_s": N}  the emulator's clock runs N seconds ahead
// Listens on 127.0.0.1 only.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "tests/aws_ec2_emulator/account.h"
#include "tests/aws_ec2_emulator/query_api.h"
#include "tests/aws_ec2_emulator/signature_check.h"
#include "tests/emulator_kit/api_front.h"
#include "tests/emulator_kit/pdns_writer.h"

namespace ptrd::aws_ec2_emulator {

struct ServerOptions {
  SigningKey key;  // access key, secret and region
  std::string adminToken;
  std::string dnsServer = "127.0.0.1";
  int dnsPort = 0;  // 0: no forward check
  int pendingMs = 1500;
  size_t pageSize = 1000;  // DescribeAddressesAttribute items per page at most
  emulator_kit::FaultSettings faults;
};

class ApiServer {
 public:
  ApiServer(ServerOptions options, Account account, std::unique_ptr<emulator_kit::PdnsWriter> pdns);
  ~ApiServer();

  int bind(int port);  // 0 = ephemeral; returns the port or -1
  bool listen() { return server_.listen_after_bind(); }
  void stop();
  std::string seedDns();  // publishes every address's current PTR

 private:
  void routes();
  void handle(const httplib::Request& req, httplib::Response& res);
  // Lands every PENDING update whose time has come (under accountMu_).
  void settle();
  std::optional<AwsRefusal> act(const Params& p, std::string& inner);
  std::string itemXml(const ElasticIp& ip, bool withAttribute) const;
  std::string nextRequestId();

  ServerOptions options_;
  std::mutex accountMu_;
  Account account_;
  std::unique_ptr<emulator_kit::PdnsWriter> pdns_;
  std::atomic<bool> staleResolver_{false};
  std::atomic<long> skewSeconds_{0};
  std::atomic<uint64_t> requestCounter_{0};
  httplib::Server server_;
  std::unique_ptr<emulator_kit::ApiFront> front_;
};

}  // namespace ptrd::aws_ec2_emulator
