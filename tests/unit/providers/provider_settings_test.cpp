// Each provider reads its own settings block (contract §6), flat or nested, and
// `ptrd validate` checks that secret files exist without reading them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "providers/registry.h"
#include "reconciler/config/config.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kFile = "/etc/ptrd/ptrd.yaml";

std::string config(const std::string& provider) {
  return "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [m]\n"
         "  provider: " +
         provider + "\n";
}

std::vector<std::string> errorsOf(const std::string& text, ConfigChecks checks = {},
                                  const std::string& file = kFile) {
  std::vector<Diagnostic> errors;
  parseConfig(text, file, errors, checks);
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.str());
  return out;
}

TEST(ProviderSettings, PowerDnsReadsItsNestedBlockToo) {
  std::vector<Diagnostic> errors;
  auto c = parseConfig(
      config(
          "{type: powerdns, powerdns: {url: \"http://127.0.0.1:8081\", apiKeyFile: k, ttl: 60}}"),
      kFile, errors);
  ASSERT_TRUE(errors.empty()) << errors[0].str();
  EXPECT_EQ(c.provider.url, "http://127.0.0.1:8081");
  EXPECT_EQ(c.provider.apiKeyFile, "/etc/ptrd/k");
  EXPECT_EQ(c.provider.ttl, 60u);
}

TEST(ProviderSettings, EachProviderNamesItsOwnMistakes) {
  auto e = errorsOf(
      config("{type: powerdns, url: \"http://x\", apiKeyFile: k, tokenFile: t, colour: red}"));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:5:73: tokenFile is not a powerdns setting (use apiKeyFile)");
  EXPECT_THAT(e[1], HasSubstr(":5:76: unknown field \"colour\" in provider (known: type, url,"));
  e = errorsOf(config("{type: noc, url: \"http://x\", tokenFile: t, ttl: 5}"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:5:61: ttl is not a noc setting");
}

TEST(ProviderSettings, ADefaultTemplateWithAnUnknownPlaceholderIsAConfigError) {
  auto e =
      errorsOf(config("{type: powerdns, url: \"http://x\", apiKeyFile: k, defaultTemplate: "
                      "\"{bogus}.example.net.\"}"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_THAT(e[0], HasSubstr("/etc/ptrd/ptrd.yaml:5:"));
  EXPECT_THAT(e[0], HasSubstr("{bogus}"));
  EXPECT_TRUE(errorsOf(config("{type: powerdns, url: \"http://x\", apiKeyFile: k, "
                              "defaultTemplate: \"{dashed}.static.example.net.\"}"))
                  .empty());
}

TEST(ProviderSettings, UnknownTypesListTheKnownOnes) {
  auto e = errorsOf(config("{type: bind}"));
  ASSERT_EQ(e.size(), 1u);
  // Every registered type is listed (more are added provider by provider).
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:5:20: unknown provider 'bind' (" +
                      providers::knownProviderTypes() + ")");
  EXPECT_TRUE(providers::knownProviderTypes().starts_with("powerdns, noc"));
  EXPECT_NE(providers::knownProviderTypes().find("linode"), std::string::npos);
  EXPECT_NE(providers::knownProviderTypes().find("hetzner-robot"), std::string::npos);
  EXPECT_EQ(providers::findProviderType("noc")->capabilities.maxBatchSize, 500u);
  EXPECT_TRUE(providers::findProviderType("noc")->capabilities.asyncJobs);
  EXPECT_FALSE(providers::findProviderType("powerdns")->capabilities.asyncJobs);
}

TEST(ProviderSettings, SecretFilesMustExistWhenCheckedAndAreNeverOpened) {
  TempDir dir;
  const std::string file = (dir.path() / "ptrd.yaml").string();
  const std::string text = config("{type: noc, url: \"http://x\", tokenFile: token}");
  EXPECT_TRUE(errorsOf(text, {}, file).empty()) << "parsing text alone looks at no file";
  auto e = errorsOf(text, ConfigChecks{true}, file);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], file + ":5:53: tokenFile " + (dir.path() / "token").string() + " does not exist");

  // A FIFO would block a reader: only its type is looked at.
  ASSERT_EQ(::mkfifo((dir.path() / "token").c_str(), 0600), 0);
  e = errorsOf(text, ConfigChecks{true}, file);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_THAT(e[0], HasSubstr("is not a regular file"));

  std::filesystem::remove(dir.path() / "token");
  dir.write("token", "secret\n");
  EXPECT_TRUE(errorsOf(text, ConfigChecks{true}, file).empty());
}

// What the seam offers a provider with settings of its own (servers, zone lists,
// several secrets): a derived ProviderSettings, lists, a default URL.
struct ListySettings : providers::ProviderSettings {
  std::vector<std::string> zones;
  std::string userFile;
};

void registerListy() {
  providers::ProviderType t;
  t.type = "listy";
  t.block = "listy";
  t.readSettings = [](providers::SettingsReader& in, providers::ProviderConfig& out) {
    in.allowOnly({"url", "zones", "userFile"});
    providers::readUrl(in, out, "https://api.listy.test/v1");
    auto own = std::make_shared<ListySettings>();
    if (auto z = in.stringList("zones", 3)) own->zones = *z;
    if (auto u = providers::readSecretPath(in, "userFile", out.type)) own->userFile = *u;
    out.settings = own;
  };
  t.make = [](const providers::ProviderConfig&,
              providers::RequestObserver) -> Result<std::unique_ptr<providers::Provider>> {
    return Error::permanent("not needed");
  };
  providers::registerProviderType(std::move(t));
}

TEST(ProviderSettings, AProviderKeepsItsOwnSettingsListsAndDefaultUrl) {
  registerListy();
  std::vector<Diagnostic> errors;
  auto c = parseConfig(config("{type: listy, listy: {zones: [a.test, b.test], userFile: u}}"),
                       kFile, errors);
  ASSERT_TRUE(errors.empty()) << errors[0].str();
  EXPECT_EQ(c.provider.url, "https://api.listy.test/v1");
  const auto* own = c.provider.own<ListySettings>();
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->zones, (std::vector<std::string>{"a.test", "b.test"}));
  EXPECT_EQ(own->userFile, "/etc/ptrd/u");
}

TEST(ProviderSettings, AListSettingThatIsNotAShortListIsAnErrorAtIt) {
  registerListy();
  auto e = errorsOf(config("{type: listy, zones: a.test, userFile: u}"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0], "/etc/ptrd/ptrd.yaml:5:34: zones must be a list of 1 to 3 strings");
  e = errorsOf(config("{type: listy, zones: [a, b, c, d], userFile: u}"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_THAT(e[0], HasSubstr("zones must be a list of 1 to 3 strings"));
  e = errorsOf(config("{type: listy, zones: [a]}"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_THAT(e[0], HasSubstr("provider listy needs userFile"));
}

}  // namespace
}  // namespace ptrd::testing
