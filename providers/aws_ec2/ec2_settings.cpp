// The awsEc2 settings block (contract §6) and what the EC2 API can do: the
// registry's entry for `type: aws-ec2`.
#include <fmt/format.h>

#include <cctype>

#include "providers/aws_ec2/ec2_provider.h"
#include "providers/registry.h"

namespace ptrd::providers::aws_ec2 {
namespace {

// "eu-central-1", "us-gov-west-1": lower-case letters, digits and hyphens.
bool isRegionName(const std::string& r) {
  if (r.empty() || r.size() > 32 || r.front() == '-' || r.back() == '-') return false;
  for (char c : r)
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-')
      return false;
  return r.find('-') != std::string::npos;
}

void readSettings(SettingsReader& in, ProviderConfig& out) {
  // Other providers' names for the same things are listed so that they get a
  // message saying what to use instead of "unknown field".
  in.allowOnly({"url", "region", "accessKeyIdFile", "secretAccessKeyFile", "caFile",
                "requestTimeout", "jobTimeout", "requestsPerSecond", "tokenFile", "apiKeyFile",
                "batchSize", "defaultTemplate", "ttl", "stateFile"});
  auto own = std::make_shared<AwsEc2Settings>();
  if (!in.has("region")) {
    in.fail("region", "region is required (e.g. eu-central-1)");
  } else if (auto r = in.string("region")) {
    if (isRegionName(*r))
      own->region = *r;
    else
      in.fail("region", fmt::format("\"{}\" is not an AWS region name (e.g. eu-central-1)", *r));
  }
  readUrl(in, out, own->region.empty() ? "https://ec2.amazonaws.com" : defaultUrlFor(own->region));
  const char* keys = " (AWS takes an access key: accessKeyIdFile and secretAccessKeyFile)";
  rejectForeignKey(in, "tokenFile", out.type, keys);
  rejectForeignKey(in, "apiKeyFile", out.type, keys);
  if (auto p = readSecretPath(in, "accessKeyIdFile", out.type)) own->accessKeyIdFile = *p;
  if (auto p = readSecretPath(in, "secretAccessKeyFile", out.type)) own->secretAccessKeyFile = *p;
  readHttpSettings(in, out);
  if (in.has("jobTimeout")) {
    if (auto d = in.duration("jobTimeout")) out.jobTimeout = *d;
  }
  if (in.has("requestsPerSecond")) {
    if (auto v = in.integer("requestsPerSecond", 1, kMaxRequestsPerSecond))
      own->requestsPerSecond = *v;
  }
  out.settings = own;
  out.batchSize = kBatchSize;
  rejectForeignKey(in, "batchSize", out.type, " (EC2 takes one address per request)");
  rejectForeignKey(in, "defaultTemplate", out.type, " (a reset restores AWS's own default)");
  rejectForeignKey(in, "ttl", out.type);
  rejectForeignKey(in, "stateFile", out.type, " (each pass waits for its PTR updates)");
}

}  // namespace

ProviderType providerType() {
  ProviderType t;
  t.type = "aws-ec2";
  t.block = "awsEc2";
  t.capabilities.maxBatchSize = kBatchSize;
  t.capabilities.serverForwardCheck = true;
  t.capabilities.reset = Capabilities::Reset::kPlatformDefault;
  t.capabilities.rateLimitHeaders = {};  // none: RequestLimitExceeded backs off
  t.readSettings = readSettings;
  t.make = makeAwsEc2Provider;
  return t;
}

}  // namespace ptrd::providers::aws_ec2
