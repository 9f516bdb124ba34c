// CaresResolver::lookupPtrAndForward (PTR answers asked forward at once, in the
// same window) against a real NSD: the same PTRs and forward answers as the
// two-batch default, each forward question asked once, nothing asked forward for
// a failed, negative or unusable PTR, and the in-flight bound kept.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "reconciler/dns/cares_resolver.h"
#include "reconciler/dns/fcrdns.h"
#include "tests/lab/nsd_server.h"

namespace ptrd {
namespace {

constexpr uint32_t kIps = 5000;  // > 2 x kParallelBatch: both channels get work

IpAddress nth(uint32_t i) {
  return IpAddress::v4((10u << 24) + i);
}

// Most IPs: h<i> with an A back. Every 7th shares "shared." (one forward
// question for hundreds of PTRs); every 11th also has alt<i>; every 13th name is
// a CNAME; every 401st has no PTR (NXDOMAIN); every 503rd a PTR that is no
// hostname (never asked forward); every 409th name has no A.
lab::NsdOptions zones() {
  std::string reverse, forward = "shared 300 A 10.0.0.7\n";
  for (uint32_t i = 0; i < kIps; ++i) {
    const auto b = nth(i).bytes();
    const std::string owner = fmt::format("{}.{}", b[3], b[2]);
    if (i % 401 == 0) continue;
    if (i % 503 == 0) {
      reverse += fmt::format("{} 300 PTR bad\\032name{}.bench.test.\n", owner, i);
      continue;
    }
    if (i % 7 == 0) {
      reverse += fmt::format("{} 300 PTR shared.bench.test.\n", owner);
      continue;
    }
    reverse += fmt::format("{} 300 PTR h{}.bench.test.\n", owner, i);
    if (i % 11 == 0) reverse += fmt::format("{} 300 PTR alt{}.bench.test.\n", owner, i);
    if (i % 409 == 0) continue;
    if (i % 11 == 0) forward += fmt::format("alt{} 300 A {}\n", i, nth(i).str());
    if (i % 13 == 0)
      forward += fmt::format("h{} 120 CNAME t{}\nt{} 60 A {}\n", i, i, i, nth(i).str());
    else
      forward += fmt::format("h{} 300 A {}\n", i, nth(i).str());
  }
  lab::NsdOptions o;
  o.zones = {{"0.10.in-addr.arpa", reverse, false}, {"bench.test", forward, false}};
  return o;
}

using Counts = std::map<std::pair<std::string, std::string>, int>;

std::unique_ptr<CaresResolver> resolver(const lab::NsdServer& nsd, size_t threads, size_t window,
                                        Counts& counts) {
  CaresOptions o;
  o.servers = {nsd.address()};
  o.threads = threads;
  o.max_in_flight = window;
  o.on_query = [&counts](std::string_view type, LookupOutcome out) {
    ++counts[{std::string(type), outcomeName(out)}];
  };
  auto r = CaresResolver::create(std::move(o));
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

// The Resolver default: every PTR, then every forward question.
class TwoBatches final : public Resolver {
 public:
  explicit TwoBatches(Resolver& inner) : inner_(inner) {}
  std::vector<PtrLookup> lookupPtr(const std::vector<IpAddress>& ips) override {
    return inner_.lookupPtr(ips);
  }
  std::vector<ForwardLookup> lookupForward(const std::vector<ForwardQuestion>& qs) override {
    return inner_.lookupForward(qs);
  }

 private:
  Resolver& inner_;
};

int queries(const Counts& counts, const std::string& type) {
  int n = 0;
  for (const auto& [key, count] : counts)
    if (key.first == type) n += count;
  return n;
}

void expectSame(const PtrAndForward& got, const PtrAndForward& want) {
  ASSERT_EQ(got.ptrs.size(), want.ptrs.size());
  for (size_t i = 0; i < got.ptrs.size(); ++i) {
    ASSERT_EQ(got.ptrs[i].ip, want.ptrs[i].ip) << i;
    EXPECT_EQ(got.ptrs[i].outcome, want.ptrs[i].outcome) << got.ptrs[i].ip.str();
    EXPECT_EQ(got.ptrs[i].names, want.ptrs[i].names) << got.ptrs[i].ip.str();
    EXPECT_EQ(got.ptrs[i].ttl, want.ptrs[i].ttl) << got.ptrs[i].ip.str();
  }
  ASSERT_EQ(got.forwards.size(), want.forwards.size());
  for (size_t i = 0; i < got.forwards.size(); ++i) {
    const auto& g = got.forwards[i];
    const auto& w = want.forwards[i];
    ASSERT_EQ(g.question, w.question) << i;
    EXPECT_EQ(g.outcome, w.outcome) << g.question.name << ": " << g.detail;
    EXPECT_EQ(g.addresses, w.addresses) << g.question.name;
    EXPECT_EQ(g.cnames, w.cnames) << g.question.name;
    EXPECT_EQ(g.ttl, w.ttl) << g.question.name;
  }
}

class CaresPipeline : public ::testing::TestWithParam<size_t> {};  // threads

TEST_P(CaresPipeline, AnswersLikeTwoBatchesAsksEachNameOnceAndKeepsTheWindow) {
  lab::NsdServer nsd(zones());
  std::vector<IpAddress> ips;
  for (uint32_t i = 0; i < kIps; ++i) ips.push_back(nth(i));
  ips.push_back(IpAddress::v4((192u << 24) + (2u << 8) + 1));  // not served: REFUSED
  std::shuffle(ips.begin(), ips.end(), std::mt19937(11));      // the caller's order, not sorted

  Counts twoCounts, pipeCounts;
  auto plain = resolver(nsd, GetParam(), 40, twoCounts);
  auto piped = resolver(nsd, GetParam(), 40, pipeCounts);
  TwoBatches two(*plain);
  const PtrAndForward want = two.lookupPtrAndForward(ips);
  const PtrAndForward got = piped->lookupPtrAndForward(ips);
  expectSame(got, want);
  EXPECT_LE(piped->peakInFlight(), 40u);
  EXPECT_GT(piped->peakInFlight(), 1u);

  // The lab really was read, not just "equal".
  size_t refused = 0, nx = 0;
  for (const auto& p : got.ptrs) {
    refused += p.outcome == LookupOutcome::kRefused;
    nx += p.outcome == LookupOutcome::kNxdomain;
  }
  EXPECT_EQ(refused, 1u);
  EXPECT_EQ(nx, size_t((kIps + 400) / 401));
  EXPECT_TRUE(std::is_sorted(
      got.forwards.begin(), got.forwards.end(),
      [](const ForwardLookup& a, const ForwardLookup& b) { return a.question < b.question; }));
  for (const auto& f : got.forwards) EXPECT_EQ(f.question.name.find("bad"), std::string::npos);

  // One A query per distinct usable name (shared. once, per channel at most),
  // none for NXDOMAIN/REFUSED PTRs or the names that are no hostnames; NSD
  // follows the in-zone CNAMEs itself, so no follow-up queries either.
  EXPECT_EQ(queries(pipeCounts, "PTR"), queries(twoCounts, "PTR"));
  EXPECT_GE(queries(pipeCounts, "A"), int(want.forwards.size()));
  EXPECT_LE(queries(pipeCounts, "A"), int(want.forwards.size() + GetParam() - 1));
  EXPECT_EQ(queries(twoCounts, "A"), int(want.forwards.size()));

  // And the verdicts through fcrdns::observe agree.
  const auto a = fcrdns::observe(two, ips);
  const auto b = fcrdns::observe(*piped, ips);
  ASSERT_EQ(a.size(), b.size());
  size_t confirmed = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i].verdict, a[i].verdict) << ips[i].str();
    EXPECT_EQ(b[i].detail, a[i].detail) << ips[i].str();
    EXPECT_EQ(b[i].forward, a[i].forward) << ips[i].str();
    confirmed += b[i].verdict == fcrdns::Verdict::kConfirmed;
  }
  EXPECT_GT(confirmed, 3500u);
}

INSTANTIATE_TEST_SUITE_P(Threads, CaresPipeline, ::testing::Values(size_t(1), size_t(2)));

TEST(CaresPipelineSmall, WindowOfOneAndAnEmptyBatch) {
  lab::NsdServer nsd(zones());
  Counts counts;
  auto r = resolver(nsd, 2, 1, counts);
  EXPECT_TRUE(r->lookupPtrAndForward({}).ptrs.empty());
  const auto got = r->lookupPtrAndForward({nth(1), nth(7), nth(14), nth(401)});
  EXPECT_EQ(r->peakInFlight(), 1u);
  ASSERT_EQ(got.ptrs.size(), 4u);
  EXPECT_EQ(got.ptrs[3].outcome, LookupOutcome::kNxdomain);
  ASSERT_EQ(got.forwards.size(), 2u);  // h1 and shared (asked once for 7 and 14)
  EXPECT_EQ(got.forwards[0].question.name, "h1.bench.test.");
  EXPECT_EQ(got.forwards[1].question.name, "shared.bench.test.");
  EXPECT_EQ(got.forwards[1].addresses, std::vector<IpAddress>{nth(7)});
  EXPECT_EQ(queries(counts, "A"), 2);
}

}  // namespace
}  // namespace ptrd
