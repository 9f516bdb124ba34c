// CaresResolver against a real NSD on loopback: every lookup outcome, whole
// RRsets, CNAME chains, TCP fallback, timeouts, the in-flight bound and counters.
#include "reconciler/dns/cares_resolver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "tests/integration/dns_lab_fixture.h"
#include "tests/lab/free_port.h"
#include "tests/lab/silent_server.h"

namespace ptrd {
namespace {

using testing::DnsLab;
using namespace std::chrono_literals;

IpAddress ip(const char* text) {
  return *IpAddress::parse(text);
}

std::unique_ptr<CaresResolver> makeResolver(std::vector<std::string> servers, CaresOptions o = {}) {
  o.servers = std::move(servers);
  auto r = CaresResolver::create(std::move(o));
  if (!r) throw std::runtime_error(r.error().message);
  return std::move(*r);
}

class CaresResolverTest : public DnsLab {
 protected:
  std::unique_ptr<CaresResolver> resolver() { return makeResolver({nsd().address()}); }
  PtrLookup ptr(const char* text) { return resolver()->lookupPtr({ip(text)}).at(0); }
  ForwardLookup forward(const char* name, IpAddress::Family f = IpAddress::Family::kV4) {
    return resolver()->lookupForward({ForwardQuestion{name, f}}).at(0);
  }
};

TEST_F(CaresResolverTest, PtrAnswerIsCanonical) {
  auto r = ptr("192.0.2.10");
  EXPECT_EQ(r.outcome, LookupOutcome::kAnswer) << r.detail;
  EXPECT_EQ(r.names, std::vector<std::string>{"mail.example.com."});
  EXPECT_EQ(r.ttl, 60u);
  EXPECT_EQ(r.ip, ip("192.0.2.10"));
}

TEST_F(CaresResolverTest, PtrRrsetIsKeptWhole) {
  auto r = ptr("192.0.2.14");
  EXPECT_EQ(r.outcome, LookupOutcome::kAnswer);
  EXPECT_EQ(r.names, (std::vector<std::string>{"a.example.com.", "b.example.com."}));
}

TEST_F(CaresResolverTest, LargePtrRrsetComesWholeOverTcp) {
  // 30 names do not fit in 512 bytes: without EDNS the UDP reply is truncated and
  // only the TCP retry can carry all of them.
  auto r = ptr("192.0.2.23");
  ASSERT_EQ(r.outcome, LookupOutcome::kAnswer) << r.detail;
  EXPECT_EQ(r.names.size(), 30u);
}

TEST_F(CaresResolverTest, LargeARrsetComesWholeOverTcp) {
  auto r = forward("big.example.com.");
  ASSERT_EQ(r.outcome, LookupOutcome::kAnswer) << r.detail;
  EXPECT_EQ(r.addresses.size(), 40u);
}

TEST_F(CaresResolverTest, NegativeAnswersAreDistinguished) {
  auto nx = ptr("192.0.2.15");
  EXPECT_EQ(nx.outcome, LookupOutcome::kNxdomain) << nx.detail;
  EXPECT_EQ(nx.ttl, 30u);  // the SOA's negative TTL
  EXPECT_EQ(ptr("192.0.2.16").outcome, LookupOutcome::kNodata);
  EXPECT_EQ(forward("missing.example.com.").outcome, LookupOutcome::kNxdomain);
  EXPECT_EQ(forward("txtonly.example.com.").outcome, LookupOutcome::kNodata);
}

TEST_F(CaresResolverTest, ServfailAndRefusedAreFailuresNotAbsence) {
  EXPECT_EQ(ptr("192.0.3.1").outcome, LookupOutcome::kServfail);
  EXPECT_EQ(ptr("198.51.100.1").outcome, LookupOutcome::kRefused);
  EXPECT_EQ(forward("www.servfail.test.").outcome, LookupOutcome::kServfail);
  EXPECT_EQ(forward("host.unserved.test.").outcome, LookupOutcome::kRefused);
}

TEST_F(CaresResolverTest, CnameChainInOneResponse) {
  auto r = forward("Alias.Example.com");  // canonicalised before asking
  ASSERT_EQ(r.outcome, LookupOutcome::kAnswer) << r.detail;
  EXPECT_EQ(r.addresses, std::vector<IpAddress>{ip("192.0.2.17")});
  EXPECT_EQ(r.cnames, (std::vector<std::string>{"c2.example.com.", "real.example.com."}));
}

TEST_F(CaresResolverTest, CnameChainContinuesInANewQuery) {
  // NSD returns only the CNAME into a zone it does not serve; the resolver asks
  // the target itself, which NSD refuses: a failure, not "no address".
  std::vector<std::pair<std::string, LookupOutcome>> seen;
  CaresOptions o;
  o.on_query = [&](std::string_view type, LookupOutcome out) {
    seen.emplace_back(std::string(type), out);
  };
  auto r = makeResolver({nsd().address()}, o)
               ->lookupForward({{"out.example.com.", IpAddress::Family::kV4}})
               .at(0);
  EXPECT_EQ(r.outcome, LookupOutcome::kRefused);
  EXPECT_EQ(r.cnames, std::vector<std::string>{"x.unserved.test."});
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].second, LookupOutcome::kAnswer);
  EXPECT_EQ(seen[1].second, LookupOutcome::kRefused);
}

TEST_F(CaresResolverTest, CnameLoopIsAnErrorNotAnAnswer) {
  auto r = forward("loop1.example.com.");
  EXPECT_EQ(r.outcome, LookupOutcome::kOther);
  EXPECT_NE(r.detail.find("CNAME chain"), std::string::npos) << r.detail;
}

TEST_F(CaresResolverTest, ClasslessDelegationCnameForPtr) {
  auto r = ptr("192.0.2.30");
  ASSERT_EQ(r.outcome, LookupOutcome::kAnswer) << r.detail;
  EXPECT_EQ(r.names, std::vector<std::string>{"classless.example.com."});
}

TEST_F(CaresResolverTest, Ipv6ServerPtrAndAaaa) {
  auto r = makeResolver({nsd().address6()});
  auto p = r->lookupPtr({ip("2001:db8::25")}).at(0);
  ASSERT_EQ(p.outcome, LookupOutcome::kAnswer) << p.detail;
  EXPECT_EQ(p.names, std::vector<std::string>{"mail6.example.com."});
  auto f = r->lookupForward({{"mail6.example.com.", IpAddress::Family::kV6},
                             {"mail.example.com.", IpAddress::Family::kV6}});
  EXPECT_EQ(f.at(0).addresses, std::vector<IpAddress>{ip("2001:db8::25")});
  EXPECT_EQ(f.at(1).outcome, LookupOutcome::kNodata);
}

TEST_F(CaresResolverTest, SilentServerTimesOutWithinTheBudget) {
  lab::SilentServer silent;
  CaresOptions o;
  o.timeout = 200ms;
  o.attempts = 1;
  auto start = std::chrono::steady_clock::now();
  auto r = makeResolver({silent.address()}, o)->lookupPtr({ip("192.0.2.10"), ip("192.0.2.11")});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.at(0).outcome, LookupOutcome::kTimeout);
  EXPECT_EQ(r.at(1).outcome, LookupOutcome::kTimeout);
  EXPECT_LT(took, 3s);
}

TEST_F(CaresResolverTest, ClosedPortIsAFailure) {
  CaresOptions o;
  o.timeout = 200ms;
  o.attempts = 1;
  auto r = makeResolver({"127.0.0.1:" + std::to_string(lab::freePort())}, o)
               ->lookupPtr({ip("192.0.2.10")})
               .at(0);
  EXPECT_FALSE(isDefinitive(r.outcome)) << outcomeName(r.outcome);
}

TEST_F(CaresResolverTest, FallsBackToTheNextServer) {
  lab::SilentServer silent;
  CaresOptions o;
  o.timeout = 100ms;
  o.attempts = 2;
  auto r =
      makeResolver({silent.address(), nsd().address()}, o)->lookupPtr({ip("192.0.2.10")}).at(0);
  EXPECT_EQ(r.outcome, LookupOutcome::kAnswer) << r.detail;
}

TEST_F(CaresResolverTest, ManyQueriesThroughASmallWindowKeepOrderAndCount) {
  std::map<std::pair<std::string, std::string>, int> counts;
  CaresOptions o;
  o.max_in_flight = 3;
  o.on_query = [&](std::string_view type, LookupOutcome out) {
    ++counts[{std::string(type), outcomeName(out)}];
  };
  auto r = makeResolver({nsd().address()}, o);
  std::vector<IpAddress> ips;
  for (int i = 0; i < 256; ++i)
    ips.push_back(IpAddress::v4((192u << 24) | (2u << 8) | uint32_t(i)));
  auto out = r->lookupPtr(ips);
  ASSERT_EQ(out.size(), ips.size());
  for (size_t i = 0; i < ips.size(); ++i) EXPECT_EQ(out[i].ip, ips[i]);
  EXPECT_EQ(out[10].names, std::vector<std::string>{"mail.example.com."});
  EXPECT_EQ(out[200].outcome, LookupOutcome::kNxdomain);
  int total = 0;
  for (const auto& [k, v] : counts) total += v;
  EXPECT_EQ(total, 256);
  EXPECT_EQ((counts[{"PTR", "nodata"}]), 1);  // .16
  EXPECT_GT((counts[{"PTR", "nxdomain"}]), 200);
}

}  // namespace
}  // namespace ptrd
