// fcrdns::observe end to end: CaresResolver against NSD, one IP per verdict.
#include <gtest/gtest.h>

#include "reconciler/dns/cares_resolver.h"
#include "reconciler/dns/fcrdns.h"
#include "tests/integration/dns_lab_fixture.h"

namespace ptrd::fcrdns {
namespace {

using testing::DnsLab;

class ObserveTest : public DnsLab {};

TEST_F(ObserveTest, EveryVerdictFromRealDns) {
  CaresOptions o;
  o.servers = {nsd().address()};
  auto resolver = CaresResolver::create(o);
  ASSERT_TRUE(resolver.ok()) << resolver.error().message;
  const std::vector<std::pair<const char*, Verdict>> cases = {
      {"192.0.2.10", Verdict::kConfirmed},
      {"192.0.2.11", Verdict::kForwardMismatch},
      {"192.0.2.12", Verdict::kForwardMissing},
      {"192.0.2.13", Verdict::kForwardMissing},
      {"192.0.2.14", Verdict::kMultiplePtr},
      {"192.0.2.15", Verdict::kNoPtr},
      {"192.0.2.16", Verdict::kNoPtr},
      {"192.0.2.17", Verdict::kConfirmed},
      {"192.0.2.18", Verdict::kLookupError},
      {"192.0.2.19", Verdict::kLookupError},
      {"192.0.2.20", Verdict::kConfirmed},
      {"192.0.2.21", Verdict::kLookupError},
      {"192.0.2.22", Verdict::kLookupError},
      {"192.0.2.23", Verdict::kMultiplePtr},
      {"192.0.2.30", Verdict::kConfirmed},
      {"192.0.3.1", Verdict::kLookupError},
      {"198.51.100.1", Verdict::kLookupError},
      {"2001:db8::25", Verdict::kConfirmed},
      {"2001:db8::26", Verdict::kForwardMissing},
  };
  std::vector<IpAddress> ips;
  for (const auto& [text, v] : cases) ips.push_back(*IpAddress::parse(text));
  auto obs = observe(**resolver, ips);
  ASSERT_EQ(obs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(obs[i].ip, ips[i]);
    EXPECT_EQ(verdictName(obs[i].verdict), std::string(verdictName(cases[i].second)))
        << cases[i].first << ": " << obs[i].detail;
  }
  EXPECT_EQ(obs[1].forward, std::vector<IpAddress>{*IpAddress::parse("192.0.2.99")});
  EXPECT_NE(obs[16].detail.find("refused"), std::string::npos) << obs[16].detail;
  EXPECT_NE(obs[7].detail.find("real.example.com."), std::string::npos) << obs[7].detail;
}

}  // namespace
}  // namespace ptrd::fcrdns
