// CaresResolver's large batches on two channels/threads against a real NSD on
// loopback: answers in input order and equal, field by field and query count by
// query count, to what one thread gets for the same questions.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "reconciler/dns/cares_resolver.h"
#include "tests/lab/nsd_server.h"

namespace ptrd {
namespace {

constexpr uint32_t kIps = 6000;  // ~3 x kParallelBatch, so both channels get work

IpAddress nth(uint32_t i) {
  return IpAddress::v4((10u << 24) + i);
}
std::string host(uint32_t i) {
  return fmt::format("h{}.bench.test.", i);
}

// Most IPs: one PTR whose A points back. Every 401st: no PTR (NXDOMAIN); every
// 11th: two PTR names; every 13th name is a CNAME to a name with the A record;
// every 409th IP's names have no A (NXDOMAIN). Few negative answers on purpose: NSD's
// response rate limiting drops NXDOMAIN bursts from one client (200/s).
lab::NsdOptions zones() {
  std::string reverse, forward;
  for (uint32_t i = 0; i < kIps; ++i) {
    const auto b = nth(i).bytes();
    const std::string owner = fmt::format("{}.{}", b[3], b[2]);
    if (i % 401 == 0) continue;
    reverse += fmt::format("{} 300 PTR {}\n", owner, host(i));
    if (i % 11 == 0) reverse += fmt::format("{} 300 PTR alt{}.bench.test.\n", owner, i);
    if (i % 409 == 0) continue;
    if (i % 11 == 0) forward += fmt::format("alt{} 300 A {}\n", i, nth(i).str());
    if (i % 13 == 0) {
      forward += fmt::format("h{} 120 CNAME t{}\nt{} 60 A {}\n", i, i, i, nth(i).str());
    } else {
      forward += fmt::format("h{} 300 A {}\n", i, nth(i).str());
    }
  }
  lab::NsdOptions o;
  o.zones = {{"0.10.in-addr.arpa", reverse, false}, {"bench.test", forward, false}};
  return o;
}

using Counts = std::map<std::pair<std::string, std::string>, int>;

std::unique_ptr<CaresResolver> resolver(const lab::NsdServer& nsd, size_t threads, Counts& counts) {
  CaresOptions o;
  o.servers = {nsd.address()};
  o.threads = threads;
  o.on_query = [&counts](std::string_view type, LookupOutcome out) {
    ++counts[{std::string(type), outcomeName(out)}];
  };
  auto r = CaresResolver::create(std::move(o));
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

TEST(CaresResolverParallel, TwoThreadsAnswerInOrderAndExactlyLikeOne) {
  lab::NsdServer nsd(zones());
  std::vector<IpAddress> ips;
  for (uint32_t i = 0; i < kIps; ++i) ips.push_back(nth(i));
  std::shuffle(ips.begin(), ips.end(), std::mt19937(7));  // order is the caller's, not sorted

  Counts oneCounts, twoCounts;
  auto one = resolver(nsd, 1, oneCounts);
  auto two = resolver(nsd, 2, twoCounts);
  const auto ptrOne = one->lookupPtr(ips);
  const auto ptrTwo = two->lookupPtr(ips);
  ASSERT_EQ(ptrTwo.size(), ips.size());
  size_t nx = 0, pairs = 0;
  for (size_t i = 0; i < ips.size(); ++i) {
    ASSERT_EQ(ptrTwo[i].ip, ips[i]) << i;
    EXPECT_EQ(ptrTwo[i].outcome, ptrOne[i].outcome) << ips[i].str() << ": " << ptrTwo[i].detail;
    EXPECT_EQ(ptrTwo[i].names, ptrOne[i].names) << ips[i].str();
    EXPECT_EQ(ptrTwo[i].ttl, ptrOne[i].ttl) << ips[i].str();
    nx += ptrTwo[i].outcome == LookupOutcome::kNxdomain;
    pairs += ptrTwo[i].names.size() == 2;
  }
  EXPECT_EQ(nx, size_t((kIps + 400) / 401));  // the zone really was read, not just "equal"
  EXPECT_GT(pairs, 400u);

  std::vector<ForwardQuestion> questions;
  for (const auto& p : ptrOne)
    for (const auto& n : p.names) questions.push_back({n, IpAddress::Family::kV4});
  std::reverse(questions.begin(), questions.end());
  const auto fwdOne = one->lookupForward(questions);
  const auto fwdTwo = two->lookupForward(questions);
  ASSERT_EQ(fwdTwo.size(), questions.size());
  size_t viaCname = 0, confirmed = 0;
  for (size_t i = 0; i < questions.size(); ++i) {
    ASSERT_EQ(fwdTwo[i].question, questions[i]) << i;
    EXPECT_EQ(fwdTwo[i].outcome, fwdOne[i].outcome) << questions[i].name;
    EXPECT_EQ(fwdTwo[i].addresses, fwdOne[i].addresses) << questions[i].name;
    EXPECT_EQ(fwdTwo[i].cnames, fwdOne[i].cnames) << questions[i].name;
    EXPECT_EQ(fwdTwo[i].ttl, fwdOne[i].ttl) << questions[i].name;
    viaCname += !fwdTwo[i].cnames.empty();
    confirmed += fwdTwo[i].outcome == LookupOutcome::kAnswer;
  }
  EXPECT_GT(viaCname, 300u);
  EXPECT_GT(confirmed, 4000u);
  EXPECT_EQ(twoCounts, oneCounts);  // the same queries, CNAME follow-ups included
}

TEST(CaresResolverParallel, ABatchBelowTheThresholdAndAnEmptyOneStillWork) {
  lab::NsdServer nsd(zones());
  Counts counts;
  auto two = resolver(nsd, 2, counts);
  EXPECT_TRUE(two->lookupPtr({}).empty());
  const auto small = two->lookupPtr({nth(1), nth(401), nth(2)});
  ASSERT_EQ(small.size(), 3u);
  EXPECT_EQ(small[0].names, std::vector<std::string>{host(1)});
  EXPECT_EQ(small[1].outcome, LookupOutcome::kNxdomain);
  EXPECT_EQ(small[2].names, std::vector<std::string>{host(2)});
}

}  // namespace
}  // namespace ptrd
