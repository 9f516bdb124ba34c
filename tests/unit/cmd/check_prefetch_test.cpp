// CheckPrefetch: chunks asked in load order on a worker, handed back only when
// the final list's chunk is exactly what was asked.
#include "cmd/check_prefetch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace ptrd::cmd {
namespace {

// Answers each PTR with the address as its name, and records the batches.
class RecordingResolver : public Resolver {
 public:
  std::vector<PtrLookup> lookupPtr(const std::vector<IpAddress>& ips) override {
    std::lock_guard<std::mutex> lock(mu);
    batches.push_back(ips);
    std::vector<PtrLookup> out;
    for (const auto& ip : ips)
      out.push_back(PtrLookup{ip, LookupOutcome::kAnswer, {ip.str()}, 300, ""});
    return out;
  }
  std::vector<ForwardLookup> lookupForward(const std::vector<ForwardQuestion>&) override {
    return {};
  }
  void cancel() override { cancelled = true; }
  std::mutex mu;
  std::vector<std::vector<IpAddress>> batches;
  std::atomic<bool> cancelled{false};
};

std::vector<IpAddress> addresses(uint32_t from, uint32_t n) {
  std::vector<IpAddress> out;
  for (uint32_t i = 0; i < n; ++i) out.push_back(IpAddress::v4(0x0a000000u + from + i));
  return out;
}

TEST(CheckPrefetch, HandsBackChunksThatMatchAndNothingAfterOneThatDoesNot) {
  RecordingResolver resolver;
  CheckPrefetch prefetch(resolver, 4, 8);
  for (const auto& ip : addresses(0, 10)) prefetch.add(ip);  // two whole chunks and a part
  // The worker asks asynchronously: wait (with a deadline) until both are asked.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(resolver.mu);
      if (resolver.batches.size() == 2) break;
    }
    std::this_thread::yield();
  }
  prefetch.stop();
  ASSERT_EQ(prefetch.answered(), 2u);
  EXPECT_EQ(resolver.batches[0], addresses(0, 4));
  EXPECT_EQ(resolver.batches[1], addresses(4, 4));

  EXPECT_FALSE(prefetch.holds(2, addresses(8, 2))) << "the part chunk was never asked";
  auto first = prefetch.take(0, addresses(0, 4));
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->ptrs.size(), 4u);
  EXPECT_EQ(first->ptrs[3].names, std::vector<std::string>{"10.0.0.3"});
  // A repeat dropped from the list shifts chunk 1: it and all later ones are asked again.
  EXPECT_FALSE(prefetch.take(1, addresses(5, 4)).has_value());
  EXPECT_FALSE(prefetch.take(1, addresses(4, 4)).has_value()) << "no chunk after a mismatch";
  EXPECT_FALSE(resolver.cancelled);
}

TEST(CheckPrefetch, StopsAtTheBoundAndAbandonCancelsTheResolver) {
  RecordingResolver resolver;
  CheckPrefetch prefetch(resolver, 2, 1);
  for (const auto& ip : addresses(0, 7)) prefetch.add(ip);
  prefetch.abandon();
  EXPECT_TRUE(resolver.cancelled);
  EXPECT_LE(resolver.batches.size(), 1u) << "one chunk at most, the bound";
  EXPECT_FALSE(prefetch.take(1, addresses(2, 2)).has_value());
}

}  // namespace
}  // namespace ptrd::cmd
