// The aws-ec2-emulator is as strict as EC2: requests signed with SigV4 (a
// changed body, a wrong secret or a stale date are refused with AWS's codes),
// and the Query API's envelope (unknown Action, wrong Version, missing or
// unknown parameters) refused with AWS's XML errors.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <random>

#include "providers/aws_ec2/ec2_xml.h"
#include "providers/aws_ec2/sigv4.h"
#include "tests/lab/emulator_process.h"

namespace ptrd {
namespace {

namespace aws = providers::aws_ec2;

class AwsEc2EmulatorTest : public ::testing::Test {
 protected:
  struct Answer {
    int status = 0;
    std::string code;  // the error document's Code; "" for a success
    std::string body;
  };

  // POSTs `body` signed with `secret` at `when`; `sent` replaces the body after signing.
  Answer post(const std::string& body, const std::string& secret, std::chrono::seconds offset = {},
              const std::string& sent = {}) {
    const std::string host = aws_->url().substr(std::string("http://").size());
    aws::SignInput in{"POST",
                      "/",
                      "",
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                       {"Host", host},
                       {"X-Amz-Date", aws::amzDate(std::chrono::system_clock::now() + offset)}},
                      body,
                      "eu-central-1",
                      "ec2"};
    httplib::Headers headers = {{"X-Amz-Date", in.headers[2].second},
                                {"Authorization", aws::authorization(in, {keyId_, secret})}};
    httplib::Client c(aws_->url());
    auto r = c.Post("/", headers, sent.empty() ? body : sent,
                    "application/x-www-form-urlencoded; charset=utf-8");
    if (!r) return {};
    auto e = aws::parseError(r->body);
    return {r->status, e ? e->code : "", r->body};
  }

  std::string keyId_ = "AKIAEMULATORTEST0001";
  std::string secret_ = "emulator-secret-" + std::to_string(std::random_device{}());
  std::unique_ptr<lab::EmulatorProcess> aws_ = std::make_unique<lab::EmulatorProcess>(
      PTRD_AWS_EC2_EMULATOR_PATH,
      std::vector<std::pair<std::string, std::string>>{{"access-key-id", keyId_},
                                                       {"secret-access-key", secret_}},
      "203.0.113.1 eipalloc-1\n", std::vector<std::string>{"--region", "eu-central-1"});
};

TEST_F(AwsEc2EmulatorTest, VerifiesTheSignature) {
  const std::string list = "Action=DescribeAddresses&Version=2016-11-15";
  Answer ok = post(list, secret_);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("<publicIp>203.0.113.1</publicIp>"), std::string::npos) << ok.body;
  EXPECT_EQ(post(list, "another-secret").code, "SignatureDoesNotMatch");
  EXPECT_EQ(post(list, secret_, {}, list + "&DryRun=false").code, "SignatureDoesNotMatch");
  EXPECT_EQ(post(list, secret_, std::chrono::seconds(-360)).code, "RequestExpired");
  EXPECT_EQ(post(list, secret_, std::chrono::seconds(240)).status, 200);
}

TEST_F(AwsEc2EmulatorTest, RefusesWhatEc2Refuses) {
  EXPECT_EQ(post("Action=DescribeInstances&Version=2016-11-15", secret_).code, "InvalidAction");
  EXPECT_EQ(post("Action=DescribeAddresses&Version=2014-01-01", secret_).code, "NoSuchVersion");
  EXPECT_EQ(
      post("Action=ModifyAddressAttribute&Version=2016-11-15&AllocationId=eipalloc-1", secret_)
          .code,
      "MissingParameter");
  EXPECT_EQ(post("Action=DescribeAddresses&Version=2016-11-15&Bogus=1", secret_).code,
            "UnknownParameter");
  EXPECT_EQ(post("Action=ModifyAddressAttribute&Version=2016-11-15&AllocationId=eipalloc-9&"
                 "DomainName=a.example.com",
                 secret_)
                .code,
            "InvalidAllocationID.NotFound");
  EXPECT_EQ(post("Action=ModifyAddressAttribute&Version=2016-11-15&AllocationId=eipalloc-1&"
                 "DomainName=not_a_name",
                 secret_)
                .code,
            "InvalidParameterValue");
  Answer pending = post(
      "Action=ModifyAddressAttribute&Version=2016-11-15&AllocationId=eipalloc-1&"
      "DomainName=a.example.com",
      secret_);
  ASSERT_EQ(pending.status, 200) << pending.body;
  auto a = aws::parseAddressAnswer(pending.body);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->updateStatus, "PENDING");
  EXPECT_EQ(a->updateValue, "a.example.com.");
}

}  // namespace
}  // namespace ptrd
