#include "tests/reliability/dns_fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace ptrd::reliability {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(uint16_t(port));
  return sa;
}

void setTimeout(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

bool readAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = recv(fd, p, n, 0);
    if (r <= 0) return false;
    p += r, n -= size_t(r);
  }
  return true;
}

bool writeAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t w = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (w <= 0) return false;
    off += size_t(w);
  }
  return true;
}

// The question name of a query, lower case with a trailing dot ("" if malformed).
std::string questionName(const std::string& q) {
  std::string name;
  size_t i = 12;
  while (i < q.size()) {
    size_t len = static_cast<unsigned char>(q[i]);
    if (len == 0) return name.empty() ? "." : name;
    if (len > 63 || i + 1 + len > q.size()) return "";
    for (size_t k = 0; k < len; ++k)
      name += char(std::tolower(static_cast<unsigned char>(q[i + 1 + k])));
    name += '.';
    i += 1 + len;
  }
  return "";
}

// The query turned into an empty reply: QR set, no records, given rcode and TC.
std::string emptyReply(const std::string& query, int rcode, bool truncated) {
  std::string r = query;
  r[2] = char((static_cast<unsigned char>(r[2]) | 0x80) & ~0x02);  // QR=1, TC cleared
  if (truncated) r[2] = char(static_cast<unsigned char>(r[2]) | 0x02);
  r[3] = char((static_cast<unsigned char>(r[3]) & 0xF0) | rcode);
  for (int i = 6; i < 12; ++i) r[size_t(i)] = 0;  // ANCOUNT, NSCOUNT, ARCOUNT
  // Keep the header and the question only (drops any EDNS OPT record).
  size_t end = 12;
  while (end < r.size() && r[end] != 0) end += 1 + static_cast<unsigned char>(r[end]);
  return r.substr(0, std::min(r.size(), end + 5));
}

// One exchange with the upstream server; "" when it did not answer.
std::string askUpstream(int port, const std::string& query, bool overTcp) {
  int fd = socket(AF_INET, overTcp ? SOCK_STREAM : SOCK_DGRAM, 0);
  if (fd < 0) return "";
  setTimeout(fd, 2000);
  sockaddr_in sa = loopback(port);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0) {
    if (overTcp) {
      std::string framed = {char(query.size() >> 8), char(query.size() & 0xFF)};
      char len[2];
      if (writeAll(fd, framed + query) && readAll(fd, len, 2)) {
        reply.resize(
            size_t(static_cast<unsigned char>(len[0]) << 8 | static_cast<unsigned char>(len[1])));
        if (!readAll(fd, reply.data(), reply.size())) reply.clear();
      }
    } else if (send(fd, query.data(), query.size(), 0) == ssize_t(query.size())) {
      char buf[65536];
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n > 0) reply.assign(buf, size_t(n));
    }
  }
  close(fd);
  return reply;
}

}  // namespace

DnsFaultProxy::DnsFaultProxy(int upstreamPort) : upstreamPort_(upstreamPort) {
  // Bind UDP on port 0, then TCP on the same number; retry if TCP's is taken.
  for (int attempt = 0; attempt < 20 && port_ == 0; ++attempt) {
    udpFd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in sa = loopback(0);
    socklen_t len = sizeof(sa);
    if (udpFd_ < 0 || bind(udpFd_, reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
        getsockname(udpFd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
      throw std::runtime_error("DnsFaultProxy: UDP bind failed");
    tcpFd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(tcpFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(tcpFd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0 &&
        listen(tcpFd_, 64) == 0) {
      port_ = ntohs(sa.sin_port);
    } else {
      close(udpFd_), close(tcpFd_);
    }
  }
  if (port_ == 0 || pipe(wakeFd_) != 0)
    throw std::runtime_error("DnsFaultProxy: no port for UDP and TCP");
  thread_ = std::thread([this] { serve(); });
}

DnsFaultProxy::~DnsFaultProxy() {
  (void)!write(wakeFd_[1], "x", 1);
  thread_.join();
  {
    std::lock_guard lock(connMu_);
    for (int fd : openConns_) shutdown(fd, SHUT_RDWR);  // wakes their blocked reads
  }
  for (auto& t : connThreads_) t.join();
  close(udpFd_), close(tcpFd_), close(wakeFd_[0]), close(wakeFd_[1]);
}

void DnsFaultProxy::set(Mode mode, std::string suffix) {
  std::lock_guard lock(mu_);
  mode_ = mode;
  suffix_ = std::move(suffix);
}

// One thread, one query at a time: the tests send tens of queries, and a
// serial forwarder keeps the fault decisions simple to reason about.
void DnsFaultProxy::serve() {
  for (;;) {
    pollfd fds[3] = {{udpFd_, POLLIN, 0}, {tcpFd_, POLLIN, 0}, {wakeFd_[0], POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) continue;
    if (fds[2].revents) return;
    if (fds[0].revents & POLLIN) onUdp();
    if (fds[1].revents & POLLIN) onTcp();
  }
}

void DnsFaultProxy::onUdp() {
  char buf[65536];
  sockaddr_in from{};
  socklen_t len = sizeof(from);
  ssize_t n = recvfrom(udpFd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
  if (n < 12) return;
  ++udp_;
  std::string reply = answer(std::string(buf, size_t(n)), false);
  if (!reply.empty())
    sendto(udpFd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
}

void DnsFaultProxy::onTcp() {
  int fd = accept(tcpFd_, nullptr, nullptr);
  if (fd < 0) return;
  std::lock_guard lock(connMu_);
  openConns_.insert(fd);
  connThreads_.emplace_back([this, fd] { serveConnection(fd); });
}

void DnsFaultProxy::serveConnection(int fd) {
  setTimeout(fd, 5000);
  // A client may send several queries on one connection; serve until it closes.
  char len[2];
  while (readAll(fd, len, 2)) {
    std::string q(
        size_t(static_cast<unsigned char>(len[0]) << 8 | static_cast<unsigned char>(len[1])), '\0');
    if (q.size() < 12 || !readAll(fd, q.data(), q.size())) break;
    ++tcp_;
    std::string reply = answer(q, true);
    if (reply.empty()) break;
    std::string framed = {char(reply.size() >> 8), char(reply.size() & 0xFF)};
    if (!writeAll(fd, framed + reply)) break;
  }
  std::lock_guard lock(connMu_);
  openConns_.erase(fd);
  close(fd);
}

std::string DnsFaultProxy::answer(const std::string& query, bool overTcp) {
  Mode mode;
  std::string suffix;
  {
    std::lock_guard lock(mu_);
    mode = mode_;
    suffix = suffix_;
  }
  switch (mode) {
    case Mode::kDrop:
      return "";
    case Mode::kTruncate:
      if (!overTcp) return emptyReply(query, 0, true);
      break;
    case Mode::kServfail: {
      std::string name = questionName(query);
      if (suffix.empty() || name == suffix || name.ends_with("." + suffix))
        return emptyReply(query, 2, false);
      break;
    }
    case Mode::kPass:
      break;
  }
  return askUpstream(upstreamPort_, query, overTcp);
}

}  // namespace ptrd::reliability
