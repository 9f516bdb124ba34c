// Issue #10 case 7: slow or many connections to the daemon's port must not
// starve /healthz (a liveness probe that times out restarts ptrd in a pod). The
// real `ptrd run` is attacked on loopback with 64 slowloris connections (a
// partial request, one byte at a time) plus 64 idle ones, and /healthz must keep
// answering 200 within one second; an oversized request is refused.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "tests/lab/free_port.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

int connectTo(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

class HttpSlowClients : public ReliabilityLab {
 protected:
  void SetUp() override {
    ReliabilityLab::SetUp();
    declare(fleet());
    port_ = lab::freePort();
    const std::string config = writeConfig({.listen = "127.0.0.1:" + std::to_string(port_)});
    daemon_ = std::make_unique<lab::ChildProcess>(
        std::vector<std::string>{PTRD_BINARY, "run", "-c", config}, scratch_ + "/out",
        scratch_ + "/err");
    const auto deadline = Clock::now() + seconds(30);
    while (Clock::now() < deadline && healthz(seconds(1)) != 200) {
      ASSERT_FALSE(daemon_->poll()) << lab::readFile(scratch_ + "/err");
      std::this_thread::sleep_for(milliseconds(50));  // poll interval
    }
    ASSERT_EQ(healthz(seconds(1)), 200) << lab::readFile(scratch_ + "/err");
  }
  void TearDown() override {
    daemon_.reset();
    ReliabilityLab::TearDown();
  }
  // Status of GET /healthz with a client-side limit (-1: no answer in time).
  int healthz(milliseconds limit) {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(limit);
    c.set_read_timeout(limit);
    c.set_write_timeout(limit);
    auto res = c.Get("/healthz");
    return res ? res->status : -1;
  }

  int port_ = 0;
  std::unique_ptr<lab::ChildProcess> daemon_;
};

TEST_F(HttpSlowClients, SlowlorisAndIdleConnectionsDoNotBlockHealthz) {
  std::vector<int> slow, idle;
  for (int i = 0; i < 64; ++i) {
    int s = connectTo(port_), d = connectTo(port_);
    ASSERT_GE(s, 0);
    ASSERT_GE(d, 0);
    slow.push_back(s);
    idle.push_back(d);
  }
  // The attacker: every connection gets the next byte of an endless header
  // every 200 ms, faster than any per-read timeout.
  std::atomic<bool> stop{false};
  std::thread attacker([&] {
    const std::string start = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (int fd : slow) (void)::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
    while (!stop) {
      for (int fd : slow) (void)::send(fd, "a", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(milliseconds(200));  // the attack's pace
    }
  });
  // Probe for 12 s, past every timeout the server could rely on.
  const auto end = Clock::now() + seconds(12);
  int probes = 0;
  while (Clock::now() < end) {
    auto t0 = Clock::now();
    int status = healthz(seconds(1));
    auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - t0);
    EXPECT_EQ(status, 200) << "probe " << probes << " after " << took.count() << " ms";
    EXPECT_LT(took, seconds(1)) << "probe " << probes;
    ++probes;
    if (HasFailure()) break;
    std::this_thread::sleep_for(milliseconds(250));  // probe period
  }
  stop = true;
  attacker.join();
  // 12 s later the server has given up on every slow request (its deadline),
  // not waited for the header that never ends: the socket reads as closed.
  for (int fd : slow) {
    pollfd p{fd, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 1) << "a slowloris connection is still held open";
    if (HasFailure()) break;
  }
  for (int fd : slow) ::close(fd);
  for (int fd : idle) ::close(fd);
  EXPECT_GE(probes, 5);
}

TEST_F(HttpSlowClients, OversizedRequestIsRefusedNotBuffered) {
  int fd = connectTo(port_);
  ASSERT_GE(fd, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 4000; ++i)
    req += "X-Pad-" + std::to_string(i) + ": " + std::string(200, 'p') + "\r\n";
  req += "\r\n";  // ~800 KB of headers
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  char buf[512] = {};
  ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  std::string head(buf, n > 0 ? size_t(n) : 0);
  EXPECT_EQ(head.find(" 200 "), std::string::npos) << "an 800 KB request was served: " << head;
  EXPECT_EQ(healthz(seconds(1)), 200);
}

}  // namespace
}  // namespace ptrd::reliability
