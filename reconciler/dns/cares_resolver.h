// CaresResolver: the Resolver on c-ares 1.18, for many lookups in one batch.
//
// Each lookupPtr/lookupForward/lookupPtrAndForward call runs its questions to
// completion with at most `max_in_flight` queries outstanding (the rest wait in a queue): more in
// flight overflows the UDP receive buffer and costs a whole retry timeout per dropped reply.
// Queries go out without EDNS, so a reply over 512 bytes comes back truncated and c-ares repeats it
// over TCP. No search domains are applied: every name is asked exactly as given.
//
// Large batches use both cores: with `threads` > 1, a batch of at least
// kParallelBatch questions is cut into that many contiguous parts, each run by
// its own c-ares channel (its own socket) on its own thread, and the answers are
// put back together in input order. `max_in_flight` bounds the whole resolver:
// each part gets its share of the window. Timeouts and tries are per query as
// with one channel. (At 1 M addresses one thread spent the DNS phase CPU-bound
// on reading replies at about half of what the server answers.)
//
// lookupPtrAndForward is one stream: a PTR answer's names go into the same
// window as their forward questions at once, ahead of the PTRs still queued
// (cares_engine.h), so the window does not drain between the two halves of
// FCrDNS. A name is asked once per part; the parts' answers are merged.
//
// Not thread-safe: one batch at a time per instance (successive batches may
// come from different threads).
//
//   CaresOptions o;
//   o.servers = {"127.0.0.1:5300"};
//   auto r = CaresResolver::create(o);
//   if (!r) die(r.error().message);
//   auto ptrs = (*r)->lookupPtr(ips);
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "reconciler/dns/resolver.h"

namespace ptrd {

namespace dns {
class CaresEngine;
}

struct CaresOptions {
  // "127.0.0.1:5300", "[::1]:5300", or an address alone for port 53. IP literals
  // only. Empty: the system's resolv.conf -- tests must never rely on that.
  std::vector<std::string> servers;
  size_t max_in_flight = 100;  // queries outstanding, over all channels
  size_t threads = 2;          // channels/threads for large batches (1: one, as small batches)
  std::chrono::milliseconds timeout{2000};  // first try; c-ares doubles it per round
  int attempts = 2;                         // tries per server
  int receive_buffer_bytes = 4 << 20;       // capped by net.core.rmem_max
  // Called once per DNS query sent (CNAME follow-ups count), with its type
  // ("PTR", "A", "AAAA") and outcome: feeds ptrd_dns_queries_total{type,result}.
  // Called on the thread that called lookupPtr/lookupForward, once the batch is
  // done (counted inside the event loop, reported after it).
  std::function<void(std::string_view type, LookupOutcome outcome)> on_query;
};

// Parses one server spec ("127.0.0.1:5300", "[::1]:53", "::1"); exposed for the
// command line's error messages.
struct ServerAddress {
  IpAddress ip;
  int port = 53;
};
Result<ServerAddress> parseServerAddress(std::string_view spec);

class CaresResolver final : public Resolver {
 public:
  // Smaller batches run on the calling thread: a thread start costs more than it saves.
  static constexpr size_t kParallelBatch = 2048;

  static Result<std::unique_ptr<CaresResolver>> create(CaresOptions options);
  ~CaresResolver() override;
  CaresResolver(const CaresResolver&) = delete;
  CaresResolver& operator=(const CaresResolver&) = delete;

  std::vector<PtrLookup> lookupPtr(const std::vector<IpAddress>& ips) override;
  std::vector<ForwardLookup> lookupForward(const std::vector<ForwardQuestion>& questions) override;
  // Pipelined: each PTR answer's names are asked forward at once, ahead of the
  // PTRs still queued, in the same window (see cares_engine.h).
  PtrAndForward lookupPtrAndForward(const std::vector<IpAddress>& ips) override;
  void cancel() override { cancelled_.store(true); }

  // The sum over channels of the most queries each ever had outstanding: an
  // upper bound of what was in flight at once (tests check it against
  // max_in_flight).
  size_t peakInFlight() const;

 private:
  explicit CaresResolver(CaresOptions options);
  CaresOptions options_;
  std::atomic<bool> cancelled_{false};  // read by every engine's loop
  std::vector<std::unique_ptr<dns::CaresEngine>>
      engines_;  // one channel each; [0] runs on the caller
};

}  // namespace ptrd
