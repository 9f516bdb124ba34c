// A provider added by its registration alone: config -> registry -> provider ->
// observeAndPlan -> applyPlan, with nothing in reconciler/ or cmd/ knowing it.
#include "tests/unit/memory_provider/memory_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "providers/registry.h"
#include "reconciler/config.h"
#include "reconciler/reconcile.h"
#include "tests/unit/reconcile_fakes.h"

namespace ptrd::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kFile = "/etc/ptrd/ptrd.yaml";

std::string config(const std::string& provider) {
  return "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [m]\n"
         "  provider: " +
         provider + "\n";
}

std::vector<std::string> errorsOf(const std::string& text) {
  std::vector<Diagnostic> errors;
  parseConfig(text, kFile, errors);
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.str());
  return out;
}

class MemoryProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registerMemoryProvider(account);
    account->onChange = [this](const std::string& ip, const std::string& ptr) {
      dns.ptr[*IpAddress::parse(ip)] = ptr;
    };
    desired.sources.push_back(SourceSummary{"m.yaml", "m"});
  }

  void declare(const std::string& a, const std::string& host) {
    DesiredRecord r;
    r.ip = *IpAddress::parse(a);
    r.hostname = host;
    r.line = uint32_t(desired.records.size() + 1);
    desired.records.push_back(r);
    dns.forward[ForwardQuestion{host, r.ip.family()}].push_back(r.ip);
  }

  std::unique_ptr<providers::Provider> open(const std::string& providerYaml) {
    std::vector<Diagnostic> errors;
    cfg = parseConfig(config(providerYaml), kFile, errors);
    EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].str());
    auto p = providers::makeProvider(cfg.provider, {});
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? std::move(*p) : nullptr;
  }

  std::shared_ptr<MemoryAccount> account = std::make_shared<MemoryAccount>();
  FakeResolver dns;
  FakeClock clock;
  DesiredState desired;
  ReconcilerConfig cfg;
};

TEST_F(MemoryProviderTest, TheRegistrationAloneMakesTheTypeKnown) {
  EXPECT_NE(providers::findProviderType("memory"), nullptr);
  EXPECT_THAT(providers::knownProviderTypes(), HasSubstr("memory"));
  auto flat = open("{type: memory, batchSize: 7}");
  ASSERT_TRUE(flat);
  EXPECT_EQ(flat->type(), "memory");
  EXPECT_EQ(flat->maxBatchSize(), 7u);
  auto nested = open("{type: memory, memory: {batchSize: 3}}");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->maxBatchSize(), 3u);
}

TEST_F(MemoryProviderTest, ItsSettingsAreCheckedWithFileLineColumn) {
  auto e = errorsOf(config("{type: memory, memory: {colour: red, batchSize: 101}}"));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_THAT(e[0],
              HasSubstr("/etc/ptrd/ptrd.yaml:5:37: unknown field \"colour\" in provider.memory"));
  EXPECT_EQ(e[1], "/etc/ptrd/ptrd.yaml:5:61: batchSize is 101, must be between 1 and 100");
  e = errorsOf(config("{type: nope}"));
  ASSERT_EQ(e.size(), 1u);
  // The list grows with every provider folder: compare against the registry's.
  EXPECT_THAT(e[0], HasSubstr("unknown provider 'nope' (" + providers::knownProviderTypes() + ")"));
  EXPECT_THAT(providers::knownProviderTypes(), HasSubstr("powerdns, noc"));
  EXPECT_THAT(providers::knownProviderTypes(), ::testing::EndsWith(" or memory"));
}

TEST_F(MemoryProviderTest, PlanAndApplyRunAgainstIt) {
  account->own("203.0.113.1", "", "1.static.example.net.");
  account->own("203.0.113.2", "old.example.com.", "2.static.example.net.");
  account->own("203.0.113.3", "", "3.static.example.net.");
  declare("203.0.113.1", "a.example.com.");
  declare("203.0.113.2", "b.example.com.");
  declare("203.0.113.3", "c.example.com.");
  auto provider = open("{type: memory, memory: {batchSize: 2}}");
  ASSERT_TRUE(provider);

  PlanOptions options = cfg.planOptions(/*allowLargeChange=*/true);
  auto plan = observeAndPlan(desired, *provider, dns, options);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->changes.size(), 3u);
  ApplyReport report = applyPlan(*plan, *provider, dns, clock, VerifyOptions{10s, 500ms, 4s});
  EXPECT_EQ(report.applied, 3u);
  EXPECT_EQ(report.verified, 3u);
  EXPECT_TRUE(report.converged());
  EXPECT_EQ(account->batchSizes, (std::vector<size_t>{2, 1}));
  EXPECT_EQ(account->addresses["203.0.113.2"].ptr, "b.example.com.");

  auto again = observeAndPlan(desired, *provider, dns, options);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty());
}

}  // namespace
}  // namespace ptrd::testing
