// AwsEc2Provider: reverse DNS of Elastic IPs through the EC2 Query API
// (Version 2016-11-15, POST form bodies, SigV4, XML answers).
//
// inventory() lists the account's Elastic IPv4 addresses (DescribeAddresses) and
// their PTRs (DescribeAddressesAttribute Attribute=domain-name, AllocationId.N,
// NextToken pages): AWS lists only addresses with a name of their own, every
// other one holds AWS's default (ec2-a-b-c-d.<region>.compute.amazonaws.com).
// IPv6 and addresses that are not Elastic IPs are not listed, so not owned.
//
// apply() sends ModifyAddressAttribute (AllocationId, DomainName) to set and
// ResetAddressAttribute (Attribute=domain-name) to reset. AWS answers with a
// PtrRecordUpdate in status PENDING; the batch then polls
// DescribeAddressesAttribute until every update has landed or failed, within
// jobTimeout and the pass's deadline, through the cancellable wait. AWS checks
// forward DNS itself: an update it refuses for that is kRefusedForward with its
// words. AuthFailure / SignatureDoesNotMatch / UnauthorizedOperation stop the
// pass (auth); RequestLimitExceeded and 5xx back off and retry.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "providers/aws_ec2/ec2_xml.h"
#include "providers/aws_ec2/sigv4.h"
#include "providers/http/http_client.h"
#include "providers/http/paced_calls.h"
#include "providers/http/retry.h"
#include "providers/provider.h"
#include "providers/registry.h"

namespace ptrd::providers::aws_ec2 {

inline constexpr const char* kApiVersion = "2016-11-15";
// Changes per apply(): each is one request, then one poll covers them all.
inline constexpr size_t kBatchSize = 20;
// AllocationId.N per DescribeAddressesAttribute, and its MaxResults (1..1000).
inline constexpr size_t kAttributeChunk = 100;
inline constexpr size_t kMaxResults = 1000;
// EC2 throttles per action with token buckets whose mutating refill is a few
// per second; staying under it avoids RequestLimitExceeded altogether.
inline constexpr size_t kDefaultRequestsPerSecond = 5;
inline constexpr size_t kMaxRequestsPerSecond = 50;

std::string defaultUrlFor(const std::string& region);

// The awsEc2 block's own settings (ProviderConfig::own<AwsEc2Settings>()).
struct AwsEc2Settings : ProviderSettings {
  std::string region;
  std::string accessKeyIdFile;
  std::string secretAccessKeyFile;
  size_t requestsPerSecond = kDefaultRequestsPerSecond;
};

struct AwsEc2Options {
  std::string url;  // endpoint, e.g. https://ec2.eu-central-1.amazonaws.com
  std::string region;
  Credentials credentials;  // never logged
  size_t requestsPerSecond = kDefaultRequestsPerSecond;
  size_t maxPages = kMaxInventoryPages;
  size_t maxItems = kMaxInventoryItems;
  std::chrono::milliseconds jobTimeout{300000};
  std::chrono::milliseconds pollFirst{1000};
  std::chrono::milliseconds pollCap{10000};
  http::RetryPolicy retry;
  // The signing time (tests pin it; AWS refuses a request more than 5 minutes off).
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

// Signs every attempt as it is sent (so a retry after a wait carries a fresh
// X-Amz-Date): Host, X-Amz-Date and Authorization are added to the request.
class SigningClient final : public http::Client {
 public:
  SigningClient(std::unique_ptr<http::Client> inner, const AwsEc2Options& options)
      : inner_(std::move(inner)), options_(options) {}
  Result<http::Response> send(const http::Request& request) override;

 private:
  std::unique_ptr<http::Client> inner_;
  const AwsEc2Options& options_;  // the provider's, which outlives this client
};

class AwsEc2Provider : public Provider {
 public:
  AwsEc2Provider(AwsEc2Options options, std::unique_ptr<http::Client> client, http::RetryEnv env);

  std::string type() const override { return "aws-ec2"; }
  size_t maxBatchSize() const override { return kBatchSize; }
  Result<Inventory> inventory() override;
  Result<std::vector<ChangeResult>> apply(const std::vector<Change>& batch) override;

 private:
  struct Pending;
  // One action with its parameters (already encoded pairs): the 200 answer, or
  // the AWS error answer for the caller to classify; an Error for auth, throttling
  // past the retries, 5xx and transport failures.
  Result<http::Response> call(const std::string& action,
                              const std::vector<std::pair<std::string, std::string>>& params);
  Result<std::vector<PtrAttribute>> attributes(const std::vector<std::string>& allocationIds);
  Result<ChangeResult> start(const Change& change, Pending& pending);
  // Settles `p` from what AWS shows now; false while its update is still pending.
  bool settle(Pending& p, const PtrAttribute* shown);
  Status await(std::vector<Pending*>& pending);

  AwsEc2Options options_;
  http::RetryEnv env_;
  std::unique_ptr<http::Client> client_;             // signs, then paced
  std::map<std::string, std::string> allocationOf_;  // ip -> allocation id, from inventory()
};

Result<std::unique_ptr<Provider>> makeAwsEc2Provider(const ProviderConfig& config,
                                                     RequestObserver observer);

// The registry's entry for this folder (settings block, capabilities, factory).
ProviderType providerType();

}  // namespace ptrd::providers::aws_ec2
