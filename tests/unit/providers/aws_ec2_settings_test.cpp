// The awsEc2 settings block: the URL derived from the region, two key files,
// and its mistakes at file:line:col.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "providers/aws_ec2/ec2_provider.h"
#include "providers/registry.h"
#include "reconciler/config/config.h"

namespace ptrd::providers::aws_ec2 {
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

TEST(AwsEc2Settings, TheUrlComesFromTheRegionAndBothKeysFromFiles) {
  std::vector<std::string> errors;
  auto c = parse(
      "{type: aws-ec2, awsEc2: {region: eu-central-1, accessKeyIdFile: k/id, "
      "secretAccessKeyFile: k/secret, jobTimeout: 90s}}",
      &errors);
  ASSERT_TRUE(errors.empty()) << errors[0];
  EXPECT_EQ(c.provider.url, "https://ec2.eu-central-1.amazonaws.com");
  EXPECT_EQ(c.provider.batchSize, kBatchSize);
  EXPECT_EQ(c.provider.jobTimeout, std::chrono::seconds(90));
  const auto* own = c.provider.own<AwsEc2Settings>();
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->region, "eu-central-1");
  EXPECT_EQ(own->accessKeyIdFile, "/etc/ptrd/k/id");
  EXPECT_EQ(own->secretAccessKeyFile, "/etc/ptrd/k/secret");
  EXPECT_EQ(own->requestsPerSecond, kDefaultRequestsPerSecond);
  const ProviderType* t = findProviderType("aws-ec2");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->block, "awsEc2");
  EXPECT_TRUE(t->capabilities.serverForwardCheck);
  EXPECT_EQ(t->capabilities.reset, Capabilities::Reset::kPlatformDefault);
}

TEST(AwsEc2Settings, NamesItsMistakes) {
  std::vector<std::string> errors;
  parse(
      "{type: aws-ec2, awsEc2: {region: Frankfurt, tokenFile: t, secretAccessKeyFile: s, "
      "requestsPerSecond: 500}}",
      &errors);
  ASSERT_EQ(errors.size(), 4u) << ::testing::PrintToString(errors);
  using ::testing::Contains;
  EXPECT_THAT(errors, Contains(HasSubstr("\"Frankfurt\" is not an AWS region name")));
  EXPECT_THAT(errors,
              Contains(HasSubstr("tokenFile is not a aws-ec2 setting (AWS takes an access key")));
  EXPECT_THAT(errors, Contains(HasSubstr("needs accessKeyIdFile")));
  EXPECT_THAT(errors, Contains(HasSubstr("requestsPerSecond")));
  for (const auto& e : errors) EXPECT_THAT(e, HasSubstr("/etc/ptrd/ptrd.yaml:5:"));
  errors.clear();
  parse("{type: aws-ec2, awsEc2: {accessKeyIdFile: i, secretAccessKeyFile: s}}", &errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("region is required"));
}

}  // namespace
}  // namespace ptrd::providers::aws_ec2
