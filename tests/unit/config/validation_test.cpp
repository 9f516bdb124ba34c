// `ptrd validate` over mapping files and ReconcilerConfig files together
// (contract §3): told apart by kind, configs checked as strictly as plan reads
// them, without reading secrets.
#include "reconciler/config/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/unit/support/temp_dir.h"

namespace ptrd::testing {
namespace {

using ::testing::HasSubstr;

const char* kMapping =
    "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: web\nspec:\n  records:\n"
    "    - ip: 203.0.113.10\n      hostname: web.example.com\n";

std::string config(const std::string& providerType = "powerdns",
                   const std::string& policyKey = "policy") {
  return "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: "
         "[\"mappings/\"]\n"
         "  provider:\n    type: " +
         providerType +
         "\n    url: http://127.0.0.1:8081\n    apiKeyFile: secrets/key\n"
         "  resolvers: [\"127.0.0.1:5300\"]\n  " +
         policyKey + ": sync\n";
}

std::string joined(const std::vector<Diagnostic>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.str() + "\n";
  return out;
}

TEST(Validation, ConfigsAndMappingFilesAreToldApartByKind) {
  TempDir dir;
  dir.write("mappings/web.yaml", kMapping);
  dir.write("secrets/key", "k\n");
  const std::string cfg = dir.write("ptrd.yaml", config());
  Validation v = validatePaths({cfg});
  ASSERT_EQ(v.configs.size(), 1u);
  EXPECT_TRUE(v.configs[0].errors.empty()) << joined(v.configs[0].errors);
  EXPECT_EQ(v.mappings.records.size(), 1u);  // the mappings the config names are validated too
  EXPECT_TRUE(v.ok());
}

TEST(Validation, AConfigWithTyposFailsAsPlanWouldRejectIt) {
  TempDir dir;
  dir.write("mappings/web.yaml", kMapping);
  const std::string cfg = dir.write("ptrd.yaml", config("powerdnz", "polcy"));
  Validation v = validatePaths({cfg});
  ASSERT_EQ(v.configs.size(), 1u);
  const std::string errors = joined(v.configs[0].errors);
  EXPECT_THAT(errors, HasSubstr(cfg + ":6:11:"));  // type: powerdnz
  EXPECT_THAT(errors, HasSubstr("powerdnz"));
  EXPECT_THAT(errors, HasSubstr(cfg + ":10:3:"));  // polcy: sync
  EXPECT_FALSE(v.ok());
}

TEST(Validation, AConfigInsideAWalkedDirectoryIsCheckedAsAConfig) {
  TempDir dir;
  dir.write("repo/mappings/web.yaml", kMapping);
  dir.write("repo/ptrd.yaml", config());
  Validation v = validatePaths({(dir.path() / "repo").string()});
  EXPECT_EQ(v.configs.size(), 1u);
  EXPECT_TRUE(v.mappings.fileErrors.empty()) << joined(v.mappings.fileErrors);
  // Reached by the walk and through the config: loaded once, not a duplicate.
  EXPECT_EQ(v.mappings.duplicates(), 0u);
  EXPECT_EQ(v.mappings.records.size(), 1u);
}

TEST(Validation, SecretsAreNotRead) {
  TempDir dir;
  dir.write("mappings/web.yaml", kMapping);
  std::filesystem::create_directories(dir.path() / "secrets");
  // Reading a FIFO would block: validate must finish without opening it.
  ASSERT_EQ(::mkfifo((dir.path() / "secrets/key").c_str(), 0600), 0);
  const std::string cfg = dir.write("ptrd.yaml", config());
  Validation v = validatePaths({cfg});
  ASSERT_EQ(v.configs.size(), 1u);
  EXPECT_EQ(v.mappings.records.size(), 1u);
}

TEST(Validation, ABrokenMappingFileNamedByAConfigFailsValidation) {
  TempDir dir;
  dir.write("mappings/web.yaml", "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nspec: [\n");
  const std::string cfg = dir.write("ptrd.yaml", config());
  EXPECT_FALSE(validatePaths({cfg}).ok());
}

TEST(Validation, OnlyATopLevelKindMakesAConfig) {
  EXPECT_TRUE(looksLikeReconcilerConfig("apiVersion: x\nkind: ReconcilerConfig\n"));
  EXPECT_TRUE(looksLikeReconcilerConfig("kind: \"ReconcilerConfig\"  # the daemon's\r\n"));
  EXPECT_TRUE(looksLikeReconcilerConfig("a: 1\n---\nkind: 'ReconcilerConfig'"));
  EXPECT_FALSE(looksLikeReconcilerConfig("kind: PTRMappings\n"));
  EXPECT_FALSE(looksLikeReconcilerConfig("spec:\n  kind: ReconcilerConfig\n"));
  EXPECT_FALSE(looksLikeReconcilerConfig("kind: ReconcilerConfigs\n"));
}

}  // namespace
}  // namespace ptrd::testing
