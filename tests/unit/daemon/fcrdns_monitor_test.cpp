// The FCrDNS monitor at fleet scale under a fake clock: it spends the whole
// query budget however long passes take, never more than 1.1 x of it between two
// refreshes, asks in bounded chunks, and keeps a small fixed state per address.
#include <gmock/gmock.h>

#include <algorithm>
#include <functional>
#include <map>

#include "reconciler/daemon/fcrdns_monitor.h"

namespace ptrd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Every IP's PTR names resolve back to it; `namesPerIp(ip)` names each, with `ttl`.
// Counts every question asked.
class CountingResolver final : public Resolver {
 public:
  size_t queries = 0, largestBatch = 0;
  uint32_t ttl = 0;
  size_t manyNamesEvery = 0;  // every n-th IP has three PTR names (0: none)

  std::vector<PtrLookup> lookupPtr(const std::vector<IpAddress>& ips) override {
    count(ips.size());
    std::vector<PtrLookup> out;
    for (const auto& ip : ips) {
      PtrLookup l{ip, LookupOutcome::kAnswer, {name(ip, 0)}, ttl, ""};
      if (manyNamesEvery != 0 && ip.v4HostOrder() % manyNamesEvery == 0)
        l.names = {name(ip, 0), name(ip, 1), name(ip, 2)};
      std::sort(l.names.begin(), l.names.end());
      for (const auto& n : l.names) owner_[n] = ip;
      out.push_back(std::move(l));
    }
    return out;
  }
  std::vector<ForwardLookup> lookupForward(const std::vector<ForwardQuestion>& qs) override {
    count(qs.size());
    std::vector<ForwardLookup> out;
    for (const auto& q : qs)
      out.push_back({q, LookupOutcome::kAnswer, {owner_.at(q.name)}, {}, ttl, ""});
    return out;
  }

 private:
  void count(size_t n) {
    queries += n;
    largestBatch = std::max(largestBatch, n);
  }
  static std::string name(const IpAddress& ip, int k) {
    return "h" + std::to_string(k) + "-" + std::to_string(ip.v4HostOrder()) + ".example.com.";
  }
  std::map<std::string, IpAddress> owner_;
};

std::vector<IpAddress> fleet(uint32_t n) {
  std::vector<IpAddress> out;
  for (uint32_t i = 0; i < n; ++i) out.push_back(IpAddress::v4((10u << 24) + i));
  return out;
}

// Refreshes at the given gaps; checks the bound at each; returns the queries sent after the first.
size_t drive(FcrdnsMonitor& m, CountingResolver& dns, const std::vector<IpAddress>& ips, double qps,
             milliseconds interval, const std::vector<milliseconds>& gaps) {
  Clock::TimePoint t{};
  m.refresh(ips, dns, t, interval);
  size_t total = 0;
  for (milliseconds gap : gaps) {
    t += gap;
    const size_t before = dns.queries;
    const size_t sent = m.refresh(ips, dns, t, interval);
    EXPECT_EQ(sent, dns.queries - before);  // what it reports is what was asked
    EXPECT_LE(double(sent), 1.1 * qps * std::chrono::duration<double>(gap).count())
        << "gap " << gap.count() << " ms";
    total += sent;
  }
  return total;
}

TEST(FcrdnsMonitorBudget, SpendsTheWholeBudgetWhenPassesTakeLongerThanTheInterval) {
  // 20,000 IPs, 100 queries/s, a 10 s interval but a pass every 30 s (a big
  // fleet's pass outlasts the interval): each refresh may spend 30 s worth.
  CountingResolver dns;
  const auto ips = fleet(20'000);
  FcrdnsMonitor m(MonitorOptions{100, seconds(1), seconds(3600)});
  const std::vector<milliseconds> gaps(20, milliseconds(30'000));
  const size_t total = drive(m, dns, ips, 100, milliseconds(10'000), gaps);
  EXPECT_GE(double(total), 0.95 * 100 * 20 * 30);  // the budget, not a third of it
  EXPECT_EQ(m.observed(), 20'000u);
}

TEST(FcrdnsMonitorBudget, NeverMoreThanATenthOverWithJitterAndSeveralPtrNames) {
  CountingResolver dns;
  dns.manyNamesEvery = 3;  // a third of the IPs raise three forward questions
  const auto ips = fleet(50'000);
  FcrdnsMonitor m(MonitorOptions{1000, seconds(1), seconds(3600)});
  std::vector<milliseconds> gaps;
  for (int i = 0; i < 30; ++i) gaps.push_back(milliseconds(9'000 + (i * 733) % 2'000));
  size_t total = drive(m, dns, ips, 1000, milliseconds(10'000), gaps);
  double time = 0;
  for (auto g : gaps) time += std::chrono::duration<double>(g).count();
  EXPECT_GE(double(total), 0.9 * 1000 * time);
  EXPECT_LE(double(total), 1.1 * 1000 * time);
}

TEST(FcrdnsMonitorBudget, UnspentBudgetIsNotBankedIntoABurst) {
  CountingResolver dns;
  dns.ttl = 600;  // once seen, nothing is due for ten minutes
  const auto ips = fleet(1'000);
  FcrdnsMonitor m(MonitorOptions{10, seconds(1), seconds(3600)});
  Clock::TimePoint t{};
  m.refresh(ips, dns, t, seconds(600));  // 6,000 tokens: everyone seen
  ASSERT_EQ(m.observed(), 1000u);
  for (int i = 1; i <= 5; ++i)
    EXPECT_EQ(m.refresh(ips, dns, t + seconds(100 * i), seconds(10)), 0u);
  // Due again at 600 s; the quiet 500 s before earned nothing that can be spent now.
  const size_t sent = m.refresh(ips, dns, t + seconds(610), seconds(10));
  EXPECT_GT(sent, 0u);
  EXPECT_LE(double(sent), 1.1 * 10 * 110);
}

TEST(FcrdnsMonitorBudget, AsksInBoundedChunksAndKeepsSmallStatePerAddress) {
  CountingResolver dns;
  const auto ips = fleet(40'000);
  FcrdnsMonitor m(MonitorOptions{1e6, seconds(60), seconds(3600)});
  m.refresh(ips, dns, Clock::TimePoint{}, seconds(10));
  EXPECT_EQ(m.observed(), 40'000u);
  EXPECT_LE(dns.largestBatch, FcrdnsMonitor::kChunk);
  EXPECT_TRUE(m.mismatches().empty());
  EXPECT_LE(FcrdnsMonitor::bytesPerAddress(), 24u);
  // A smaller fleet forgets the rest; the same one again costs no query.
  const std::vector<IpAddress> half(ips.begin(), ips.begin() + 20'000);
  EXPECT_EQ(m.refresh(half, dns, Clock::TimePoint{} + seconds(1), seconds(10)), 0u);
  EXPECT_EQ(m.observed(), 20'000u);
}

}  // namespace
}  // namespace ptrd::testing

namespace ptrd::testing {
namespace {

// The daemon hands its declared records over one by one (refreshEach); unsorted
// or repeated addresses are tracked once each, and a fleet that shrinks is
// forgotten, as with a vector.
TEST(FcrdnsMonitorTracking, AWalkedFleetIsSortedDeduplicatedAndFollowed) {
  CountingResolver dns;
  FcrdnsMonitor m(MonitorOptions{1000, seconds(1), seconds(3600)});
  std::vector<IpAddress> ips = fleet(50);
  std::reverse(ips.begin(), ips.end());
  ips.push_back(ips.front());  // a repeat
  auto walk = [&ips](const std::function<void(const IpAddress&)>& f) {
    for (const auto& ip : ips) f(ip);
  };
  Clock::TimePoint t{};
  EXPECT_EQ(m.refreshEach(walk, dns, t, seconds(10)), 100u);  // 50 PTR + 50 A, once each
  EXPECT_EQ(m.observed(), 50u);
  ips.resize(10);  // the fleet shrinks: 10 addresses left, still unsorted
  m.refreshEach(walk, dns, t + seconds(1), seconds(10));
  EXPECT_EQ(m.observed(), 10u);
}

}  // namespace
}  // namespace ptrd::testing
