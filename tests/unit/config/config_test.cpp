// The reconciler config: defaults, relative paths, and errors with file:line:col.
#include "reconciler/config/config.h"

#include <gtest/gtest.h>

#include "providers/registry.h"
#include "reconciler/config/duration.h"

namespace ptrd {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFile = "/etc/ptrd/ptrd.yaml";

std::vector<std::string> errorsOf(const std::string& text) {
  std::vector<Diagnostic> errors;
  parseConfig(text, kFile, errors);
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.str());
  return out;
}

TEST(Config, FullExampleAndRelativePaths) {
  std::vector<Diagnostic> errors;
  auto c = parseConfig(R"(apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
metadata:
  name: prod
spec:
  mappings: ["mappings/", "/srv/extra.yaml"]
  provider:
    type: powerdns
    url: http://127.0.0.1:8081
    apiKeyFile: secrets/pdns-api-key
    defaultTemplate: "{dashed}.static.example.net."
    ttl: 600
  resolvers: ["127.0.0.1:5300", "[::1]:53"]
  policy: sync
  requireForwardMatch: false
  maxChangePercent: 12.5
  maxChanges: 50
  interval: 1h30m
  listen: "127.0.0.1:9153"
)",
                       kFile, errors);
  ASSERT_TRUE(errors.empty()) << errors[0].str();
  EXPECT_EQ(c.mappings, (std::vector<std::string>{"/etc/ptrd/mappings/", "/srv/extra.yaml"}));
  EXPECT_EQ(c.provider.type, "powerdns");
  EXPECT_EQ(c.provider.apiKeyFile, "/etc/ptrd/secrets/pdns-api-key");
  EXPECT_EQ(c.provider.defaultTemplate, "{dashed}.static.example.net.");
  EXPECT_EQ(c.provider.ttl, 600u);
  EXPECT_EQ(c.resolvers.size(), 2u);
  EXPECT_EQ(c.policy, Policy::kSync);
  EXPECT_FALSE(c.requireForwardMatch);
  EXPECT_DOUBLE_EQ(c.limits.maxChangePercent, 12.5);
  EXPECT_EQ(c.limits.maxChanges, 50u);
  EXPECT_EQ(c.interval, 90min);
  auto o = c.planOptions(true);
  EXPECT_TRUE(o.allowLargeChange);
  EXPECT_EQ(o.policy, Policy::kSync);
}

TEST(Config, DefaultsFollowTheContract) {
  std::vector<Diagnostic> errors;
  auto c = parseConfig(R"(apiVersion: ptrd.io/v1alpha1
kind: ReconcilerConfig
spec:
  mappings: [m]
  provider: {type: noc, url: "https://noc.example.net/api", tokenFile: token}
)",
                       kFile, errors);
  ASSERT_TRUE(errors.empty()) << errors[0].str();
  EXPECT_EQ(c.policy, Policy::kUpsertOnly);
  EXPECT_TRUE(c.requireForwardMatch);
  EXPECT_DOUBLE_EQ(c.limits.maxChangePercent, 20);
  EXPECT_EQ(c.limits.maxChanges, 1000u);
  EXPECT_EQ(c.interval, 5min);
  EXPECT_EQ(c.listen, "127.0.0.1:9153");
  EXPECT_TRUE(c.resolvers.empty());
  EXPECT_EQ(c.provider.apiKeyFile, "/etc/ptrd/token")
      << "noc's tokenFile is the provider's secret file";
  EXPECT_EQ(c.provider.batchSize, 500u);
}

constexpr const char* kHead = "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n";
constexpr const char* kProvider =
    "  provider: {type: powerdns, url: \"http://127.0.0.1:8081\", apiKeyFile: k}\n";

TEST(Config, UnknownFieldNamesLineAndColumn) {
  auto e = errorsOf(std::string(kHead) + "  mappings: [m]\n" + kProvider + "  polcy: sync\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].substr(0, e[0].find(": ")), "/etc/ptrd/ptrd.yaml:6:3");
  EXPECT_NE(e[0].find("unknown field \"polcy\" in spec"), std::string::npos) << e[0];
}

TEST(Config, UnknownApiVersionAndKind) {
  auto e = errorsOf("apiVersion: ptrd.io/v2\nkind: ReconcilerConfig\nspec: {}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(
      e[0],
      "/etc/ptrd/ptrd.yaml:1:13: unknown apiVersion \"ptrd.io/v2\" (ptrd reads ptrd.io/v1alpha1)");
  e = errorsOf("apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nspec: {}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0],
            "/etc/ptrd/ptrd.yaml:2:7: unknown kind \"PTRMappings\" (expected ReconcilerConfig)");
}

TEST(Config, WrongTypesAreErrorsAtTheValue) {
  auto e = errorsOf(std::string(kHead) + "  mappings: mappings/\n" + kProvider +
                    "  maxChangePercent: \"20\"\n"
                    "  maxChanges: lots\n"
                    "  requireForwardMatch: yes\n"
                    "  policy: [sync]\n");
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:4:13: mappings must be a list of strings, not a scalar");
  EXPECT_EQ(e[1],
            "/etc/ptrd/ptrd.yaml:6:21: maxChangePercent must be a number, not a quoted string");
  EXPECT_EQ(e[2], "/etc/ptrd/ptrd.yaml:7:15: maxChanges must be a whole number, not \"lots\"");
  EXPECT_EQ(e[3], "/etc/ptrd/ptrd.yaml:8:24: requireForwardMatch must be true or false");
  EXPECT_EQ(e[4], "/etc/ptrd/ptrd.yaml:9:11: policy must be a string, not a list");
}

TEST(Config, ValuesOutOfRange) {
  auto e = errorsOf(std::string(kHead) + "  mappings: [m]\n" + kProvider +
                    "  maxChangePercent: 150\n"
                    "  interval: 5\n"
                    "  policy: mirror\n"
                    "  resolvers: [\"127.0.0.1:99999\"]\n"
                    "  listen: localhost\n");
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:6:21: maxChangePercent is 150, must be between 0 and 100");
  EXPECT_EQ(
      e[1],
      "/etc/ptrd/ptrd.yaml:7:13: interval: duration \"5\" needs a unit (ms, s, m or h), e.g. 5m");
  EXPECT_EQ(e[2], "/etc/ptrd/ptrd.yaml:8:11: unknown policy \"mirror\" (use upsert-only or sync)");
  EXPECT_NE(e[3].find(":9:15: resolver \"127.0.0.1:99999\""), std::string::npos) << e[3];
  EXPECT_NE(e[4].find(":10:11: listen \"localhost\" must be ADDRESS:PORT"), std::string::npos)
      << e[4];
}

TEST(Config, ProviderErrors) {
  auto e = errorsOf(std::string(kHead) +
                    "  mappings: [m]\n"
                    "  provider:\n"
                    "    type: noc\n"
                    "    url: ftp://noc\n"
                    "    apiKeyFile: k\n"
                    "    batchSize: 1000\n");
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0],
            "/etc/ptrd/ptrd.yaml:6:5: provider noc needs tokenFile (secrets are read from files)");
  EXPECT_EQ(
      e[1],
      "/etc/ptrd/ptrd.yaml:7:10: provider url \"ftp://noc\" must start with http:// or https://");
  EXPECT_EQ(e[2], "/etc/ptrd/ptrd.yaml:8:17: apiKeyFile is not a noc setting (use tokenFile)");
  EXPECT_EQ(e[3], "/etc/ptrd/ptrd.yaml:9:16: batchSize is 1000, must be between 1 and 500");

  e = errorsOf(std::string(kHead) + "  mappings: [m]\n  provider: {type: route53}\n");
  ASSERT_EQ(e.size(), 1u);
  // Every registered type is listed (more are added provider by provider).
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:5:20: unknown provider 'route53' (" +
                      providers::knownProviderTypes() + ")");
  EXPECT_TRUE(providers::knownProviderTypes().starts_with("powerdns, noc"));
}

// The contract's comment `# noc: url, tokenFile, batchSize` read as a nested block.
TEST(Config, NocSettingsMayBeNestedUnderProvider) {
  std::vector<Diagnostic> errors;
  auto c = parseConfig(
      std::string(kHead) +
          "  mappings: [m]\n"
          "  provider:\n"
          "    type: noc\n"
          "    noc: {url: \"https://noc.example.net/api\", tokenFile: t, batchSize: 200}\n",
      kFile, errors);
  ASSERT_TRUE(errors.empty()) << errors.front().str();
  EXPECT_EQ(c.provider.url, "https://noc.example.net/api");
  EXPECT_EQ(c.provider.apiKeyFile, "/etc/ptrd/t");
  EXPECT_EQ(c.provider.batchSize, 200u);

  auto e = errorsOf(std::string(kHead) +
                    "  mappings: [m]\n"
                    "  provider:\n"
                    "    type: noc\n"
                    "    url: https://a\n"
                    "    noc: {url: https://b, tokenFile: t, batchSize: 501}\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:8:11: url is given both in provider and in provider.noc");
  EXPECT_EQ(e[1], "/etc/ptrd/ptrd.yaml:8:52: batchSize is 501, must be between 1 and 500");
}

TEST(Config, MissingSectionsAndSyntaxErrors) {
  auto e = errorsOf(std::string(kHead) + "  policy: sync\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_NE(e[0].find("spec has no mappings"), std::string::npos);
  EXPECT_NE(e[1].find("spec has no provider"), std::string::npos);
  e = errorsOf("apiVersion: ptrd.io/v1alpha1\nkind: [unclosed\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("YAML syntax error"), std::string::npos);
  EXPECT_NE(e[0].find("/etc/ptrd/ptrd.yaml:3:"), std::string::npos) << e[0];
  e = errorsOf("");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("empty"), std::string::npos);
}

// yaml-cpp 0.7's LoadAll yields empty documents forever on a line holding a stray
// ',' (alone, or after ---): memory grows until the process aborts, and a daemon
// reloading such a config dies. It must be a syntax error at its line instead.
TEST(Config, StrayCommaLineInConfigIsAnErrorNotAHang) {
  for (const std::string& text : {std::string(",\n"), std::string("---\n,\n"),
                                  std::string(kHead) + "  policy: sync\n---\n,\n"}) {
    auto e = errorsOf(text);
    ASSERT_EQ(e.size(), 1u) << text;
    EXPECT_NE(e[0].find("YAML syntax error"), std::string::npos) << e[0];
    EXPECT_EQ(e[0].rfind("/etc/ptrd/ptrd.yaml:", 0), 0u) << e[0];
  }
}

TEST(Config, LoadConfigReportsAnUnreadableFile) {
  auto r = loadConfig("/nonexistent/ptrd.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/nonexistent/ptrd.yaml: cannot read the config file");
}

TEST(Duration, ParsesAndFormats) {
  EXPECT_EQ(*parseDuration("30s"), 30s);
  EXPECT_EQ(*parseDuration("250ms"), 250ms);
  EXPECT_EQ(*parseDuration("1h30m"), 90min);
  EXPECT_FALSE(parseDuration("5").ok());
  EXPECT_FALSE(parseDuration("5d").ok());
  EXPECT_FALSE(parseDuration("m5").ok());
  EXPECT_FALSE(parseDuration("").ok());
  EXPECT_FALSE(parseDuration("99999999999999999999h").ok());
  EXPECT_EQ(formatDuration(90s), "1m30s");
  EXPECT_EQ(formatDuration(3600250ms), "1h250ms");
}

}  // namespace
}  // namespace ptrd
