// DnsFaultProxy: a DNS forwarder on 127.0.0.1 (UDP and TCP, one kernel-chosen
// port) in front of a lab server, that can break answers on demand so the
// reliability tests see real packets fail the way resolvers fail in production:
//
//   kPass      forward as is
//   kServfail  answer SERVFAIL to queries for names under `suffix` (all when empty)
//   kTruncate  answer every UDP query with an empty TC=1 reply, so the client
//              must repeat it over TCP (TCP queries are forwarded)
//   kDrop      never answer (a timeout; TCP connections are closed unanswered)
//
//   DnsFaultProxy proxy(pdns.dnsPort());
//   proxy.set(DnsFaultProxy::Mode::kServfail, "example.com.");
//   resolvers: [proxy.address()]
//   proxy.udpQueries(), proxy.tcpQueries()   // what reached it
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ptrd::reliability {

class DnsFaultProxy {
 public:
  enum class Mode { kPass, kServfail, kTruncate, kDrop };

  explicit DnsFaultProxy(int upstreamPort);  // upstream on 127.0.0.1; throws on socket errors
  ~DnsFaultProxy();
  DnsFaultProxy(const DnsFaultProxy&) = delete;
  DnsFaultProxy& operator=(const DnsFaultProxy&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void set(Mode mode, std::string suffix = {});
  int udpQueries() const { return udp_.load(); }
  int tcpQueries() const { return tcp_.load(); }

 private:
  void serve();
  void onUdp();
  void onTcp();
  void serveConnection(int fd);
  // The reply to send for one query, or "" to stay silent.
  std::string answer(const std::string& query, bool overTcp);

  int upstreamPort_;
  int udpFd_ = -1, tcpFd_ = -1, wakeFd_[2] = {-1, -1};
  int port_ = 0;
  std::mutex mu_;
  Mode mode_ = Mode::kPass;
  std::string suffix_;
  std::atomic<int> udp_{0}, tcp_{0};
  std::thread thread_;
  // TCP connections each get a thread: resolvers keep them open for more
  // queries, and one idle connection must not stall the UDP side.
  std::mutex connMu_;
  std::set<int> openConns_;
  std::vector<std::thread> connThreads_;
};

}  // namespace ptrd::reliability
