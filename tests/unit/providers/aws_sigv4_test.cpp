// SigV4 against AWS's published test suite ("aws-sig-v4-test-suite", the
// vectors of the AWS General Reference page "Signature Version 4 test suite",
// also shipped in aws-sdk-go-v2 and botocore's test data): credentials
// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region us-east-1,
// service "service", 2015-08-30T12:36:00Z. The expected strings below are the
// suite's .creq, .sts and .authz files.
#include "providers/aws_ec2/sigv4.h"

#include <gtest/gtest.h>

namespace ptrd::providers::aws_ec2 {
namespace {

const Credentials kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
constexpr const char* kEmptySha =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SignInput suiteRequest(std::string method, std::string query = {},
                       std::vector<std::pair<std::string, std::string>> extra = {},
                       std::string body = {}) {
  SignInput in;
  in.method = std::move(method);
  in.path = "/";
  in.query = std::move(query);
  in.headers = std::move(extra);
  in.headers.emplace_back("Host", "example.amazonaws.com");
  in.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  in.body = std::move(body);
  in.region = "us-east-1";
  in.service = "service";
  return in;
}

TEST(AwsSigV4Test, GetVanilla) {
  SignInput in = suiteRequest("GET");
  EXPECT_EQ(canonicalRequest(in),
            std::string("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                        "host;x-amz-date\n") +
                kEmptySha);
  EXPECT_EQ(stringToSign(in),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(authorization(in, kSuite),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(AwsSigV4Test, GetVanillaQueryOrderKeyCase) {
  SignInput in = suiteRequest("GET", "Param2=value2&Param1=value1");
  EXPECT_EQ(canonicalRequest(in),
            std::string("GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
                        "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n") +
                kEmptySha);
  EXPECT_EQ(stringToSign(in),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0");
  EXPECT_EQ(signature(in, kSuite.secretAccessKey),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(AwsSigV4Test, PostVanilla) {
  SignInput in = suiteRequest("POST");
  EXPECT_EQ(authorization(in, kSuite),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(AwsSigV4Test, PostXWwwFormUrlencoded) {
  SignInput in = suiteRequest("POST", "", {{"Content-Type", "application/x-www-form-urlencoded"}},
                              "Param1=value1");
  EXPECT_EQ(canonicalRequest(in),
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
            "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  EXPECT_EQ(stringToSign(in),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
  EXPECT_EQ(authorization(in, kSuite),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(AwsSigV4Test, AnyChangeChangesTheSignature) {
  SignInput in = suiteRequest("POST", "", {}, "Action=DescribeAddresses");
  const std::string base = signature(in, kSuite.secretAccessKey);
  EXPECT_NE(signature(in, "another-secret"), base);
  SignInput body = in;
  body.body += "&X=1";
  EXPECT_NE(signature(body, kSuite.secretAccessKey), base);
  SignInput region = in;
  region.region = "eu-central-1";
  EXPECT_NE(signature(region, kSuite.secretAccessKey), base);
}

TEST(AwsSigV4Test, AmzDateRoundTrips) {
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseAmzDate("20150830T123600Z", t));
  EXPECT_EQ(amzDate(t), "20150830T123600Z");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(t), 1440938160);
  EXPECT_FALSE(parseAmzDate("2015-08-30T12:36:00Z", t));
  EXPECT_FALSE(parseAmzDate("20151330T123600Z", t));
  EXPECT_FALSE(parseAmzDate("20150830T123600", t));
}

}  // namespace
}  // namespace ptrd::providers::aws_ec2
