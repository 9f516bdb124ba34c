// CheckPrefetch: `check` asks DNS for the first chunks of addresses while the
// target file is still loading. Loading a million-line file takes a second or
// more, and nothing can be written before the whole file has parsed (a broken
// last line is exit 1 with no rows), so without this the DNS server waits idle
// for the whole load.
//
// The loader hands over each address in load order (add()); every `chunk` of
// them is asked on a worker thread, one chunk at a time (the resolver runs one
// batch at a time), at most `max_chunks` ahead. Once the load is over, stop()
// ends the worker (after the chunk it is asking) and take(k, ips) hands back
// chunk k's answers -- only if the final list's chunk k is exactly the
// addresses asked (duplicates dropped early in the file shift the chunks; then
// it and every later one are asked again). A failed load throws the answers
// away (abandon() cuts the chunk being asked short): DNS queries are all
// `check` ever sends.
//
//   CheckPrefetch prefetch(resolver, 8192, 16);
//   auto targets = load(path, [&](const IpAddress& ip) { prefetch.add(ip); });
//   prefetch.stop();
//   if (auto got = prefetch.take(0, first_chunk_ips)) ...
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/ip_address.h"
#include "reconciler/dns/resolver.h"

namespace ptrd::cmd {

class CheckPrefetch {
 public:
  CheckPrefetch(Resolver& resolver, size_t chunk, size_t max_chunks);
  ~CheckPrefetch();  // stop()s
  CheckPrefetch(const CheckPrefetch&) = delete;
  CheckPrefetch& operator=(const CheckPrefetch&) = delete;

  // The next address in load order. Cheap: a push, and a hand-over per chunk.
  void add(const IpAddress& ip);
  // No more chunks: waits for the one being asked, then the resolver is free.
  void stop();
  // The load failed: the chunk being asked is cancelled (Resolver::cancel, for
  // good: the resolver answers nothing more), so the error is not held up by a
  // slow or silent DNS server.
  void abandon();
  // Chunk k's answers if it was asked for exactly `ips`; nullopt otherwise (and
  // for every later k once one did not match). Call after stop().
  std::optional<PtrAndForward> take(size_t k, const std::vector<IpAddress>& ips);
  // Whether take(k, ips) would hand answers back.
  bool holds(size_t k, const std::vector<IpAddress>& ips);
  // Chunks answered (for tests and the log).
  size_t answered() const { return done_.size(); }

 private:
  void work();

  Resolver& resolver_;
  const size_t chunk_;
  const size_t max_chunks_;
  std::vector<IpAddress> filling_;  // the loader's current chunk
  size_t handed_ = 0;               // chunks handed to the worker
  bool mismatch_ = false;           // take() found a chunk that differs

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::vector<IpAddress>> queue_;  // handed over, not yet asked
  bool stopping_ = false;
  // Written by the worker until stop() joins it; read after.
  std::vector<std::vector<IpAddress>> asked_;
  std::vector<PtrAndForward> done_;
  std::thread worker_;
};

}  // namespace ptrd::cmd
