// UdpPath (reconciler/dns/udp_path.h) against real loopback sockets and a
// scripted server: what it sends, and what it refuses to believe. A datagram
// with the wrong ID, the wrong question, QR clear, or from another port must
// never become an answer; TC goes to the TCP fallback; silence and a closed port
// end in the c-ares statuses the engine reports.
#include "reconciler/dns/udp_path.h"

#include <ares.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "reconciler/dns/dns_message.h"
#include "tests/lab/free_port.h"

namespace ptrd::dns {
namespace {

using namespace std::chrono_literals;
using Bytes = std::string;

int boundUdpSocket() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0)
    throw std::runtime_error("bind failed");
  return fd;
}

int portOf(int fd) {
  sockaddr_in sa{};
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return ntohs(sa.sin_port);
}

// A UDP server on 127.0.0.1 whose script decides, per query received, which
// datagrams go back: from its own port, or (`other_port`) from another socket.
struct Datagram {
  Bytes bytes;
  bool other_port = false;
};
class ScriptedServer {
 public:
  using Script = std::function<std::vector<Datagram>(const Bytes& query, int nth)>;
  explicit ScriptedServer(Script script)
      : script_(std::move(script)), fd_(boundUdpSocket()), other_fd_(boundUdpSocket()) {
    if (pipe(wake_) != 0) throw std::runtime_error("pipe failed");
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    if (write(wake_[1], "x", 1) != 1) std::abort();  // the thread would never end
    thread_.join();
    for (int fd : {fd_, other_fd_, wake_[0], wake_[1]}) close(fd);
  }
  UdpServer address() const { return UdpServer{*IpAddress::parse("127.0.0.1"), portOf(fd_)}; }
  std::vector<Bytes> queries() {
    std::lock_guard<std::mutex> lock(mu_);
    return queries_;
  }

 private:
  void serve() {
    while (true) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      poll(fds, 2, -1);
      if (fds[1].revents != 0) return;
      char buf[4096];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      const ssize_t n =
          recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      Bytes query(buf, size_t(n));
      int nth = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        queries_.push_back(query);
        nth = int(queries_.size());
      }
      for (const auto& d : script_(query, nth))
        sendto(d.other_port ? other_fd_ : fd_, d.bytes.data(), d.bytes.size(), 0,
               reinterpret_cast<sockaddr*>(&from), len);
    }
  }
  Script script_;
  int fd_, other_fd_;
  int wake_[2] = {-1, -1};
  std::mutex mu_;
  std::vector<Bytes> queries_;
  std::thread thread_;
};

// The query echoed as a reply (QR set), optionally changed by `edit`.
Bytes replyTo(Bytes query, const std::function<void(Bytes&)>& edit = nullptr) {
  query[2] = char(query[2] | 0x80);
  if (edit) edit(query);
  return query;
}

struct Outcome {
  std::string name;
  int status = -1;
  Bytes reply;
  bool truncated = false;
};
class Recorder final : public UdpReplies {
 public:
  void onUdpDone(EngineRequest request, int status, const unsigned char* reply,
                 size_t len) override {
    outcomes.push_back({request.name, status, Bytes(reinterpret_cast<const char*>(reply), len)});
  }
  void onUdpTruncated(EngineRequest request) override {
    outcomes.push_back({request.name, -1, {}, true});
  }
  std::vector<Outcome> outcomes;
};

std::unique_ptr<UdpPath> openPath(const std::vector<UdpServer>& servers, int attempts = 2,
                                  std::chrono::milliseconds timeout = 2000ms) {
  auto path = UdpPath::open(servers, timeout, attempts, 1 << 20);
  if (!path) throw std::runtime_error(path.error().message);
  return std::move(*path);
}

// Runs the path until nothing is outstanding (or a generous limit passes).
void drive(UdpPath& path, Recorder& sink) {
  const auto limit = std::chrono::steady_clock::now() + 20s;
  while (path.outstanding() > 0 && std::chrono::steady_clock::now() < limit) {
    path.flush(sink);
    std::vector<pollfd> fds;
    for (int fd : path.sockets()) fds.push_back(pollfd{fd, POLLIN, 0});
    const int ms = path.msUntilDeadline();
    poll(fds.data(), fds.size(), ms < 0 ? 100 : std::min(ms, 100));
    for (const auto& p : fds)
      if (p.revents != 0) path.receive(p.fd, sink);
    path.expire(sink);
  }
}

bool ask(UdpPath& path, std::string name, uint16_t qtype = kTypePtr) {
  EngineRequest r{std::move(name), qtype, 0, 0};
  return path.ask(r);
}

// Asks one question and runs the path until it is settled: its one outcome.
Outcome askOne(UdpPath& path, std::string name = "10.2.0.192.in-addr.arpa.",
               uint16_t qtype = kTypePtr) {
  Recorder sink;
  EXPECT_TRUE(ask(path, std::move(name), qtype));
  drive(path, sink);
  EXPECT_EQ(sink.outcomes.size(), 1u);
  return sink.outcomes.empty() ? Outcome{} : sink.outcomes.front();
}

TEST(UdpPath, QueriesAreWellFormedWithUnpredictableIds) {
  ScriptedServer server([](const Bytes& q, int) { return std::vector<Datagram>{{replyTo(q)}}; });
  auto path = openPath({server.address()});
  Recorder sink;
  for (int i = 0; i < 64; ++i)
    ASSERT_TRUE(ask(*path, std::to_string(i) + ".2.0.192.in-addr.arpa."));
  ASSERT_TRUE(ask(*path, "Mail.Example.com.", kTypeAaaa));
  drive(*path, sink);
  ASSERT_EQ(sink.outcomes.size(), 65u);
  const auto queries = server.queries();
  ASSERT_EQ(queries.size(), 65u);
  std::set<uint16_t> ids;
  int consecutive = 0;
  uint16_t last = 0;
  for (size_t i = 0; i < queries.size(); ++i) {
    const auto* b = reinterpret_cast<const unsigned char*>(queries[i].data());
    auto m = parseMessage(b, queries[i].size());
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_FALSE(m->qr);
    EXPECT_EQ(m->opcode, kOpcodeQuery);
    EXPECT_EQ(b[2] & 0x01, 0x01) << "RD set";
    EXPECT_EQ(b[10] | b[11], 0) << "no additional records: no EDNS";
    ASSERT_EQ(m->questions.size(), 1u);
    EXPECT_EQ(m->questions[0].klass, kClassIn);
    ids.insert(m->id);
    if (i > 0 && m->id == uint16_t(last + 1)) ++consecutive;
    last = m->id;
  }
  EXPECT_EQ(ids.size(), 65u) << "no two outstanding queries share an ID";
  EXPECT_LT(consecutive, 4) << "IDs are random, not a counter";
  auto aaaa = parseMessage(reinterpret_cast<const unsigned char*>(queries.back().data()),
                           queries.back().size());
  EXPECT_EQ(aaaa->questions[0].name, "mail.example.com.");  // read back canonical
  EXPECT_EQ(aaaa->questions[0].type, kTypeAaaa);
  for (const auto& o : sink.outcomes) EXPECT_EQ(o.status, ARES_SUCCESS) << o.name;
}

TEST(UdpPath, ForgedAndStrayDatagramsNeverBecomeTheAnswer) {
  ScriptedServer server([](const Bytes& q, int) {
    return std::vector<Datagram>{
        {replyTo(q, [](Bytes& r) { r[0] = char(r[0] ^ 0x5a); })},    // wrong ID
        {replyTo(q, [](Bytes& r) { r[13] = char(r[13] ^ 0x01); })},  // another name
        {replyTo(q, [](Bytes& r) { r.back() = 3; })},                // class CH
        {replyTo(q, [](Bytes& r) { r[5] = 2; })},                    // two questions
        {q},                                                         // QR clear: a query
        {Bytes(q.data(), 5)},                                        // shorter than a header
        {replyTo(q, [](Bytes& r) { r[3] = 5; }), true},              // from another port: REFUSED
        {replyTo(q, [](Bytes& r) { r[3] = 3; })},                    // the genuine one: NXDOMAIN
    };
  });
  auto path = openPath({server.address()});
  const Outcome o = askOne(*path);
  EXPECT_EQ(o.status, ARES_SUCCESS);
  ASSERT_GE(o.reply.size(), 12u);
  EXPECT_EQ(o.reply[3], 3) << "the genuine reply, not a forged one";
  EXPECT_EQ(server.queries().size(), 1u) << "answered on the first try";
}

TEST(UdpPath, AQuestionEchoedInOtherCaseIsStillTheAnswer) {
  ScriptedServer server([](const Bytes& q, int) {
    return std::vector<Datagram>{{replyTo(q, [](Bytes& r) {
      for (size_t i = 12; i < r.size() - 4; ++i)
        if (r[i] >= 'a' && r[i] <= 'z') r[i] = char(r[i] - 32);
    })}};
  });
  auto path = openPath({server.address()});
  EXPECT_EQ(askOne(*path, "mail.example.com.", kTypeA).status, ARES_SUCCESS);
}

TEST(UdpPath, TruncatedOrOversizedRepliesGoToTheFallback) {
  ScriptedServer server([](const Bytes& q, int) {
    if (q[13] == 't')  // "tc.example.": TC set
      return std::vector<Datagram>{{replyTo(q, [](Bytes& r) { r[2] = char(r[2] | 0x02); })}};
    return std::vector<Datagram>{{replyTo(q, [](Bytes& r) { r.append(5000, '\0'); })}};
  });
  auto path = openPath({server.address()});
  Recorder sink;
  ASSERT_TRUE(ask(*path, "tc.example.", kTypeA));
  ASSERT_TRUE(ask(*path, "big.example.", kTypeA));
  drive(*path, sink);
  ASSERT_EQ(sink.outcomes.size(), 2u);
  for (const auto& o : sink.outcomes) EXPECT_TRUE(o.truncated) << o.name;
}

TEST(UdpPath, SilenceIsATimeoutAfterEveryTryWithTheSameId) {
  ScriptedServer server([](const Bytes&, int) { return std::vector<Datagram>{}; });
  auto path = openPath({server.address()}, 3, 20ms);
  EXPECT_EQ(askOne(*path).status, ARES_ETIMEOUT);
  const auto queries = server.queries();
  ASSERT_EQ(queries.size(), 3u) << "three attempts";
  EXPECT_EQ(queries[0], queries[2]) << "the same query, ID included";
}

TEST(UdpPath, ALateAnswerToAnEarlierTryCounts) {
  // The first try is answered only when the second arrives: with the first
  // query's bytes, as a slow server would.
  Bytes first;
  ScriptedServer server([&first](const Bytes& q, int nth) {
    if (nth == 1) {
      first = q;
      return std::vector<Datagram>{};
    }
    return std::vector<Datagram>{{replyTo(first)}};
  });
  auto path = openPath({server.address()}, 2, 20ms);
  EXPECT_EQ(askOne(*path).status, ARES_SUCCESS);
}

TEST(UdpPath, TheNextTryGoesToTheNextServer) {
  ScriptedServer silent([](const Bytes&, int) { return std::vector<Datagram>{}; });
  ScriptedServer answering([](const Bytes& q, int) { return std::vector<Datagram>{{replyTo(q)}}; });
  auto path = openPath({silent.address(), answering.address()}, 1, 20ms);
  EXPECT_EQ(askOne(*path).status, ARES_SUCCESS);
  EXPECT_EQ(silent.queries().size(), 1u);
  EXPECT_EQ(answering.queries().size(), 1u);
}

TEST(UdpPath, AClosedPortIsRefusedNotATimeout) {
  // A long timeout: only the ICMP "port unreachable" can end this before the
  // drive limit, and it must read as refused (c-ares' ECONNREFUSED).
  auto path = openPath({UdpServer{*IpAddress::parse("127.0.0.1"), lab::freePort()}}, 2, 60000ms);
  Recorder sink;
  ASSERT_TRUE(ask(*path, "10.2.0.192.in-addr.arpa."));
  ASSERT_TRUE(ask(*path, "11.2.0.192.in-addr.arpa."));
  drive(*path, sink);
  ASSERT_EQ(sink.outcomes.size(), 2u);
  for (const auto& o : sink.outcomes) EXPECT_EQ(o.status, ARES_ECONNREFUSED) << o.name;
}

TEST(UdpPath, NamesItDoesNotBuildAreLeftToTheCaller) {
  ScriptedServer server([](const Bytes& q, int) { return std::vector<Datagram>{{replyTo(q)}}; });
  auto path = openPath({server.address()});
  std::string over255;
  for (int i = 0; i < 5; ++i) over255 += std::string(60, 'x') + ".";  // 306 octets on the wire
  for (const std::string& name : {std::string("a\\.b.example."), std::string("a..example."),
                                  std::string("no-trailing-dot.example"), std::string(),
                                  std::string(64, 'x') + ".example.", over255}) {
    EngineRequest r{name, kTypeA, 7, 0};
    EXPECT_FALSE(path->ask(r)) << name;
    EXPECT_EQ(r.name, name) << "left untouched for the other path";
  }
  EXPECT_EQ(path->outstanding(), 0u);
}

}  // namespace
}  // namespace ptrd::dns
