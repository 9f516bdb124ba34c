#include "cmd/check_prefetch.h"

#include <utility>

namespace ptrd::cmd {

CheckPrefetch::CheckPrefetch(Resolver& resolver, size_t chunk, size_t max_chunks)
    : resolver_(resolver), chunk_(chunk), max_chunks_(max_chunks) {
  if (chunk_ > 0 && max_chunks_ > 0) {
    filling_.reserve(chunk_);
    worker_ = std::thread([this] { work(); });
  }
}

CheckPrefetch::~CheckPrefetch() {
  stop();
}

void CheckPrefetch::add(const IpAddress& ip) {
  if (handed_ >= max_chunks_) return;
  filling_.push_back(ip);
  if (filling_.size() < chunk_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(filling_));
  }
  ready_.notify_one();
  ++handed_;
  filling_ = {};
  if (handed_ < max_chunks_) filling_.reserve(chunk_);
}

void CheckPrefetch::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    queue_.clear();  // not started: the main loop asks them in its own order
  }
  ready_.notify_one();
  if (worker_.joinable()) worker_.join();
  filling_ = {};
}

void CheckPrefetch::abandon() {
  resolver_.cancel();
  stop();
}

void CheckPrefetch::work() {
  while (true) {
    std::vector<IpAddress> ips;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      ips = std::move(queue_.front());
      queue_.pop_front();
    }
    // Unlocked: the loader keeps handing over chunks meanwhile.
    PtrAndForward answers = resolver_.lookupPtrAndForward(ips);
    asked_.push_back(std::move(ips));
    done_.push_back(std::move(answers));
  }
}

bool CheckPrefetch::holds(size_t k, const std::vector<IpAddress>& ips) {
  if (mismatch_ || k >= done_.size()) return false;
  if (asked_[k] != ips) mismatch_ = true;  // the chunks shifted: none after this lines up either
  return !mismatch_;
}

std::optional<PtrAndForward> CheckPrefetch::take(size_t k, const std::vector<IpAddress>& ips) {
  if (!holds(k, ips)) return std::nullopt;
  asked_[k] = {};
  return std::move(done_[k]);
}

}  // namespace ptrd::cmd
