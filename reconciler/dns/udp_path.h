// UdpPath: CaresEngine's fast path for plain UDP questions. c-ares 1.18 costs
// more user time per query than the whole rest of a lookup (a query allocated,
// copied and hashed per send, both question names of every reply expanded, one
// syscall per datagram), so the engine builds the queries itself, sends them in
// batches with sendmmsg and reads the replies in batches with recvmmsg. c-ares
// stays for what UDP cannot do: a truncated (TC) reply is asked again through
// it, over TCP.
//
// What a reply must be to be believed, as c-ares demands: it arrives on one of
// our connected sockets (so from a configured server and port), carries the ID
// of a query still outstanding (IDs are random: the kernel's getrandom), has QR set and one
// question equal (ASCII case aside) to the one asked. Anything else is dropped
// and the query keeps waiting, so a forged or stray datagram can delay an answer
// but never become one. What the answer says is read by the engine
// (dns_answer.h), which checks the question again.
//
// Timeouts and tries as c-ares 1.18 does them: try t goes to server t % n with a
// timeout of `timeout` << (t / n), `attempts` rounds over the n servers; the same
// ID across tries, so a late answer to an earlier try still counts. A server
// that refuses (ICMP port unreachable) moves its outstanding queries to their
// next try at once.
//
// Not thread-safe: one per engine, used by its thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"
#include "reconciler/dns/engine_request.h"

namespace ptrd::dns {

struct UdpServer {
  IpAddress ip;
  int port = 53;
};

// Where UdpPath hands back what became of a question. `status` is a c-ares code
// (ARES_SUCCESS with the reply; ARES_ETIMEOUT, ARES_ECONNREFUSED without), so
// the engine treats both paths alike.
class UdpReplies {
 public:
  virtual void onUdpDone(EngineRequest request, int status, const unsigned char* reply,
                         size_t len) = 0;
  // The reply was truncated (TC, or larger than a UDP read): ask it another way.
  virtual void onUdpTruncated(EngineRequest request) = 0;

 protected:
  ~UdpReplies() = default;
};

class UdpPath {
 public:
  using Clock = std::chrono::steady_clock;

  static Result<std::unique_ptr<UdpPath>> open(const std::vector<UdpServer>& servers,
                                               std::chrono::milliseconds timeout, int attempts,
                                               int receive_buffer_bytes);
  ~UdpPath();
  UdpPath(const UdpPath&) = delete;
  UdpPath& operator=(const UdpPath&) = delete;

  // Queues the question for the next flush(). False (and `request` untouched)
  // when the name cannot be sent as built here (escapes, bad lengths) or every
  // ID is taken: the caller asks it another way.
  bool ask(EngineRequest& request);
  // Sends everything queued (sendmmsg per server).
  void flush(UdpReplies& sink);
  // Reads every datagram waiting on `fd` (recvmmsg batches), hands back each
  // believed reply, and flushes what those hand-backs queued after each batch so
  // the server never waits for the whole read.
  void receive(int fd, UdpReplies& sink);
  // Retries or fails every query whose deadline has passed.
  void expire(UdpReplies& sink);
  // Fails every outstanding query with `status` at once (a cancelled batch).
  void abandon(int status, UdpReplies& sink);

  size_t outstanding() const { return busy_; }
  // Milliseconds until the earliest deadline (0 if one has passed); -1: none.
  int msUntilDeadline();
  const std::vector<int>& sockets() const { return fds_; }

 private:
  struct Slot {
    EngineRequest request;
    Clock::time_point deadline;
    uint32_t generation = 0;  // bumped on every (re)send; stale timer entries differ
    uint16_t id = 0;
    uint16_t length = 0;  // of the query in `query`
    uint32_t tries = 0;   // sends so far
    uint32_t server = 0;  // where the last try went
    bool busy = false;
    bool queued = false;                // waiting in pending_ for flush()
    int error = 0;                      // the c-ares status to report if every try fails
    unsigned char query[12 + 256 + 4];  // header, name (<= 255 octets + root), type, class
  };
  struct Timer {
    Clock::time_point deadline;
    uint32_t slot;
    uint32_t generation;
  };

  UdpPath(std::chrono::milliseconds timeout, int attempts);
  uint16_t randomId();
  uint32_t takeSlot();
  void send(uint32_t slot, Clock::time_point now);
  void settle(uint32_t slot);
  void retryOrFail(uint32_t slot, int status, Clock::time_point now, UdpReplies& sink);
  void serverRefused(size_t server, UdpReplies& sink);
  bool believe(const Slot& slot, const unsigned char* reply, size_t len) const;

  std::chrono::milliseconds timeout_;
  int attempts_;
  std::vector<int> fds_;  // one connected socket per server, in the servers' order
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::vector<uint16_t> by_id_;  // query ID -> slot + 1; 0: free
  size_t busy_ = 0;
  std::vector<std::vector<uint32_t>> pending_;  // per server: slots to send at flush()
  std::vector<std::deque<Timer>> timers_;       // per timeout length: deadlines in order
  std::vector<unsigned char> inbox_;            // recvmmsg buffers
  std::array<uint16_t, 2048> random_ids_{};     // query IDs to come
  size_t random_next_ = random_ids_.size();
};

}  // namespace ptrd::dns
