// The hetznerCloud settings block: defaults, its own stateFile, its mistakes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "providers/hetzner_cloud/hcloud_provider.h"
#include "providers/registry.h"
#include "reconciler/config/config.h"

namespace ptrd::providers::hetzner_cloud {
namespace {

using ::testing::HasSubstr;

constexpr const char* kFile = "/etc/ptrd/ptrd.yaml";

ReconcilerConfig parse(const std::string& provider, std::vector<std::string>* errors) {
  std::vector<Diagnostic> found;
  auto c = parseConfig(
      "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [m]\n"
      "  provider: " +
          provider + "\n",
      kFile, found);
  for (const auto& e : found) errors->push_back(e.str());
  return c;
}

TEST(HcloudSettings, DefaultsToTheRealApiAndKeepsTheBudgetFileApartFromTheJobJournal) {
  std::vector<std::string> errors;
  auto c =
      parse("{type: hetzner-cloud, hetznerCloud: {tokenFile: secrets/hcloud, stateFile: hc.json}}",
            &errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  EXPECT_EQ(c.provider.url, "https://api.hetzner.cloud/v1");
  EXPECT_EQ(c.provider.apiKeyFile, "/etc/ptrd/secrets/hcloud");
  EXPECT_EQ(c.provider.batchSize, kDefaultBatch);
  EXPECT_EQ(c.provider.stateFile, "");  // the daemon's journal is another format
  ASSERT_NE(c.provider.own<HcloudSettings>(), nullptr);
  EXPECT_EQ(c.provider.own<HcloudSettings>()->budgetFile, "/etc/ptrd/hc.json");
  const ProviderType* t = findProviderType("hetzner-cloud");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->block, "hetznerCloud");
  EXPECT_FALSE(t->capabilities.serverForwardCheck);
  EXPECT_THAT(t->capabilities.rateLimitHeaders, ::testing::Contains("RateLimit-Remaining"));
}

TEST(HcloudSettings, MistakesAreErrorsAtTheValue) {
  std::vector<std::string> errors;
  parse(
      "{type: hetzner-cloud, hetznerCloud: {tokenFile: t, batchSize: 51, ttl: 60, apiKeyFile: k, "
      "defaultTemplate: x, url: \"ftp://x\"}}",
      &errors);
  ASSERT_EQ(errors.size(), 5u);
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  EXPECT_THAT(all, HasSubstr("batchSize is 51, must be between 1 and 50"));
  EXPECT_THAT(all, HasSubstr("ttl is not a hetzner-cloud setting"));
  EXPECT_THAT(all, HasSubstr("apiKeyFile is not a hetzner-cloud setting (use tokenFile)"));
  EXPECT_THAT(all, HasSubstr("defaultTemplate is not a hetzner-cloud setting"));
  EXPECT_THAT(all, HasSubstr("must start with http:// or https://"));
  for (const auto& e : errors) EXPECT_THAT(e, HasSubstr("/etc/ptrd/ptrd.yaml:5:"));

  errors.clear();
  parse("{type: hetzner-cloud}", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("needs tokenFile"));
}

}  // namespace
}  // namespace ptrd::providers::hetzner_cloud
