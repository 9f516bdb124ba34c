#include "reconciler/dns/udp_path.h"

#include <ares.h>
#include <fmt/format.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ptrd::dns {
namespace {

constexpr size_t kHeader = 12;
// Datagrams per sendmmsg/recvmmsg call. Small enough that the server gets new
// questions while we are still reading its answers (a full window read at once
// turns the stream into lock-step bursts), large enough to save most syscalls.
constexpr size_t kBatch = 16;
// Replies come without EDNS, so 512 octets; a datagram larger than this is
// treated as truncated (asked again over TCP), never read in part.
constexpr size_t kDatagram = 4096;
// recvmmsg rounds per receive(): a server flooding us cannot keep the loop from
// expiring timeouts.
constexpr int kMaxReadRounds = 64;

bool equalIgnoringAsciiCase(const unsigned char* a, const unsigned char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// Writes `name` ("a.b.c.", canonical) in wire form at `out`; the length written,
// or 0 when it is not a plain name this path sends (escapes, empty or long
// labels, over 255 octets).
size_t encodeName(std::string_view name, unsigned char* out) {
  if (name.empty() || name.back() != '.') return 0;
  size_t pos = 0;
  size_t start = 0;
  while (start < name.size()) {
    const size_t dot = name.find('.', start);
    const size_t label = dot - start;
    if (label == 0 || label > 63) return 0;
    if (pos + 1 + label + 1 > 255) return 0;
    out[pos++] = static_cast<unsigned char>(label);
    for (size_t i = start; i < dot; ++i) {
      if (name[i] == '\\') return 0;
      out[pos++] = static_cast<unsigned char>(name[i]);
    }
    start = dot + 1;
  }
  out[pos++] = 0;
  return pos;
}

}  // namespace

Result<std::unique_ptr<UdpPath>> UdpPath::open(const std::vector<UdpServer>& servers,
                                               std::chrono::milliseconds timeout, int attempts,
                                               int receive_buffer_bytes) {
  if (servers.empty()) return Error::permanent("UDP path: no server");
  std::unique_ptr<UdpPath> path(new UdpPath(timeout, std::max(attempts, 1)));
  for (const auto& server : servers) {
    sockaddr_storage sa{};
    socklen_t len = 0;
    const auto& b = server.ip.bytes();
    if (server.ip.isV4()) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&sa);
      v4->sin_family = AF_INET;
      v4->sin_port = htons(uint16_t(server.port));
      std::memcpy(&v4->sin_addr, b.data(), 4);
      len = sizeof(sockaddr_in);
    } else {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&sa);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(uint16_t(server.port));
      std::memcpy(&v6->sin6_addr, b.data(), 16);
      len = sizeof(sockaddr_in6);
    }
    const int fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error::permanent(fmt::format("UDP socket: {}", std::strerror(errno)));
    path->fds_.push_back(fd);  // closed by the destructor from here on
    // Best effort: the kernel caps it at net.core.rmem_max.
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof(receive_buffer_bytes));
    // Connected: the kernel drops datagrams from any other address or port, and
    // reports the server's ICMP "port unreachable" to us as ECONNREFUSED.
    if (connect(fd, reinterpret_cast<const sockaddr*>(&sa), len) != 0)
      return Error::permanent(
          fmt::format("UDP connect to {}: {}", server.ip.str(), std::strerror(errno)));
  }
  path->pending_.resize(servers.size());
  path->timers_.resize(size_t(path->attempts_));
  return path;
}

UdpPath::UdpPath(std::chrono::milliseconds timeout, int attempts)
    : timeout_(timeout), attempts_(attempts), by_id_(65536, 0), inbox_(kBatch * kDatagram) {}

UdpPath::~UdpPath() {
  for (int fd : fds_) close(fd);
}

// From the kernel's CSPRNG, a few thousand at a time: glibc 2.36's arc4random
// makes one getrandom() call per number, a syscall per query.
uint16_t UdpPath::randomId() {
  if (random_next_ == random_ids_.size()) {
    size_t got = 0;
    auto* bytes = reinterpret_cast<unsigned char*>(random_ids_.data());
    const size_t want = random_ids_.size() * sizeof(uint16_t);
    while (got < want) {
      const ssize_t r = getrandom(bytes + got, want - got, 0);
      if (r > 0)
        got += size_t(r);
      else if (errno != EINTR)
        break;
    }
    // getrandom() only fails without a kernel CSPRNG (pre-3.17); arc4random
    // then is as good as anything.
    for (size_t i = got / sizeof(uint16_t); i < random_ids_.size(); ++i)
      random_ids_[i] = static_cast<uint16_t>(arc4random());
    random_next_ = 0;
  }
  return random_ids_[random_next_++];
}

uint32_t UdpPath::takeSlot() {
  if (!free_.empty()) {
    const uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  slots_.emplace_back();
  return uint32_t(slots_.size() - 1);
}

bool UdpPath::ask(EngineRequest& request) {
  // IDs must stay unguessable and unique among outstanding queries; a quarter
  // of the ID space outstanding is far beyond any window, and keeps the search
  // for a free ID short.
  if (busy_ >= 16384) return false;
  unsigned char name[256];
  const size_t name_len = encodeName(request.name, name);
  if (name_len == 0) return false;
  uint16_t id = 0;
  do {
    id = randomId();
  } while (by_id_[id] != 0);
  const uint32_t index = takeSlot();
  Slot& s = slots_[index];
  unsigned char* q = s.query;
  q[0] = static_cast<unsigned char>(id >> 8);
  q[1] = static_cast<unsigned char>(id & 0xff);
  q[2] = 0x01;  // RD: a recursive resolver works too
  q[3] = 0x00;
  q[4] = 0x00;
  q[5] = 0x01;  // one question
  std::memset(q + 6, 0, 6);
  std::memcpy(q + kHeader, name, name_len);
  unsigned char* tail = q + kHeader + name_len;
  tail[0] = static_cast<unsigned char>(request.qtype >> 8);
  tail[1] = static_cast<unsigned char>(request.qtype & 0xff);
  tail[2] = 0x00;
  tail[3] = 0x01;  // IN
  s.length = static_cast<uint16_t>(kHeader + name_len + 4);
  s.id = id;
  s.tries = 0;
  s.error = ARES_ECONNREFUSED;  // what c-ares reports when no try timed out
  s.busy = true;
  s.request = std::move(request);
  by_id_[id] = static_cast<uint16_t>(index + 1);
  ++busy_;
  send(index, Clock::now());
  return true;
}

// Queues try number s.tries for the next flush, and arms its timer.
void UdpPath::send(uint32_t index, Clock::time_point now) {
  Slot& s = slots_[index];
  const size_t servers = fds_.size();
  const size_t round = s.tries / servers;
  s.server = static_cast<uint32_t>(s.tries % servers);
  ++s.tries;
  ++s.generation;
  // Doubling per round as c-ares does; capped so a large --attempts cannot
  // overflow the shift (2^16 rounds of timeout is beyond any wait anyway).
  s.deadline = now + timeout_ * (int64_t(1) << std::min<size_t>(round, 16));
  timers_[round].push_back(Timer{s.deadline, index, s.generation});
  s.queued = true;
  pending_[s.server].push_back(index);
}

void UdpPath::settle(uint32_t index) {
  Slot& s = slots_[index];
  by_id_[s.id] = 0;
  s.busy = false;
  ++s.generation;
  free_.push_back(index);
  --busy_;
}

void UdpPath::retryOrFail(uint32_t index, int status, Clock::time_point now, UdpReplies& sink) {
  Slot& s = slots_[index];
  if (status == ARES_ETIMEOUT) s.error = ARES_ETIMEOUT;
  if (s.tries < size_t(attempts_) * fds_.size()) {
    send(index, now);
    return;
  }
  EngineRequest request = std::move(s.request);
  const int error = s.error;
  settle(index);
  sink.onUdpDone(std::move(request), error, nullptr, 0);
}

void UdpPath::flush(UdpReplies& sink) {
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  // A refusal moves queries to their next try, which queues them again: repeat
  // until nothing is queued (each round spends a try, so this ends).
  bool queued = true;
  while (queued) {
    queued = false;
    for (size_t server = 0; server < fds_.size(); ++server) {
      auto& batch = pending_[server];
      bool refused = false;
      for (size_t from = 0; from < batch.size() && !refused; from += kBatch) {
        const size_t n = std::min(kBatch, batch.size() - from);
        for (size_t i = 0; i < n; ++i) {
          Slot& s = slots_[batch[from + i]];
          iov[i] = iovec{s.query, s.length};
          msgs[i] = mmsghdr{};
          msgs[i].msg_hdr.msg_iov = &iov[i];
          msgs[i].msg_hdr.msg_iovlen = 1;
        }
        size_t sent = 0;
        while (sent < n) {
          const int r = sendmmsg(fds_[server], msgs + sent, unsigned(n - sent), 0);
          if (r > 0) {
            sent += size_t(r);
          } else if (r < 0 && errno == EINTR) {
            continue;
          } else {
            // ECONNREFUSED: the server's port is closed. Anything else (a full
            // buffer): as if lost on the way; the query's timer retries it.
            refused = r < 0 && errno == ECONNREFUSED;
            break;
          }
        }
      }
      for (uint32_t index : batch) slots_[index].queued = false;
      batch.clear();  // keeps its storage for the next queue
      if (refused) serverRefused(server, sink);
    }
    for (const auto& p : pending_) queued = queued || !p.empty();
  }
}

void UdpPath::serverRefused(size_t server, UdpReplies& sink) {
  const auto now = Clock::now();
  for (uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].busy && !slots_[i].queued && slots_[i].server == server)
      retryOrFail(i, ARES_ECONNREFUSED, now, sink);
}

bool UdpPath::believe(const Slot& s, const unsigned char* reply, size_t len) const {
  const size_t question = s.length - kHeader;
  if (len < kHeader + question) return false;
  if ((reply[2] & 0x80) == 0) return false;          // QR: a reply
  if (reply[4] != 0 || reply[5] != 1) return false;  // one question
  // Servers echo the question as sent; some randomise its case (0x20).
  return std::memcmp(reply + kHeader, s.query + kHeader, question) == 0 ||
         equalIgnoringAsciiCase(reply + kHeader, s.query + kHeader, question);
}

void UdpPath::receive(int fd, UdpReplies& sink) {
  const auto server = size_t(std::find(fds_.begin(), fds_.end(), fd) - fds_.begin());
  if (server >= fds_.size()) return;
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  for (int round = 0; round < kMaxReadRounds; ++round) {
    for (size_t i = 0; i < kBatch; ++i) {
      iov[i] = iovec{inbox_.data() + i * kDatagram, kDatagram};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = recvmmsg(fd, msgs, unsigned(kBatch), MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ECONNREFUSED) {
        serverRefused(server, sink);
        flush(sink);
        continue;
      }
      return;  // EAGAIN: drained
    }
    for (int i = 0; i < n; ++i) {
      const unsigned char* reply = inbox_.data() + size_t(i) * kDatagram;
      const size_t len = msgs[i].msg_len;
      if (len < kHeader) continue;
      const uint16_t id = static_cast<uint16_t>((reply[0] << 8) | reply[1]);
      if (by_id_[id] == 0) continue;  // late, forged or stray
      const uint32_t index = by_id_[id] - 1u;
      if (!believe(slots_[index], reply, len)) continue;
      EngineRequest request = std::move(slots_[index].request);
      settle(index);
      const bool truncated = (reply[2] & 0x02) != 0 || (msgs[i].msg_hdr.msg_flags & MSG_TRUNC);
      if (truncated)
        sink.onUdpTruncated(std::move(request));
      else
        sink.onUdpDone(std::move(request), ARES_SUCCESS, reply, len);
    }
    flush(sink);
    if (size_t(n) < kBatch) return;
  }
}

void UdpPath::expire(UdpReplies& sink) {
  const auto now = Clock::now();
  for (auto& timers : timers_) {
    while (!timers.empty()) {
      const Timer t = timers.front();
      const Slot& s = slots_[t.slot];
      if (s.busy && s.generation == t.generation) {
        if (t.deadline > now) break;
        timers.pop_front();
        retryOrFail(t.slot, ARES_ETIMEOUT, now, sink);
      } else {
        timers.pop_front();  // answered or re-sent since
      }
    }
  }
}

void UdpPath::abandon(int status, UdpReplies& sink) {
  for (auto& p : pending_) p.clear();
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].busy) continue;
    EngineRequest request = std::move(slots_[i].request);
    slots_[i].queued = false;
    settle(i);
    sink.onUdpDone(std::move(request), status, nullptr, 0);
  }
}

int UdpPath::msUntilDeadline() {
  const auto now = Clock::now();
  bool any = false;
  Clock::time_point earliest{};
  for (auto& timers : timers_) {
    while (!timers.empty()) {
      const Timer& t = timers.front();
      const Slot& s = slots_[t.slot];
      if (s.busy && s.generation == t.generation) break;
      timers.pop_front();
    }
    if (timers.empty()) continue;
    if (!any || timers.front().deadline < earliest) earliest = timers.front().deadline;
    any = true;
  }
  if (!any) return -1;
  if (earliest <= now) return 0;
  return int(std::chrono::ceil<std::chrono::milliseconds>(earliest - now).count());
}

}  // namespace ptrd::dns
