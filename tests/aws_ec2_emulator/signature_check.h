// How EC2 checks a request's SigV4 signature, with AWS's own error codes: the
// access key must be the account's, the scope this region and "ec2", the
// X-Amz-Date within 5 minutes of now, and the signature over the method, path,
// query, the signed headers and the body must match.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <httplib.h>

namespace ptrd::aws_ec2_emulator {

struct AwsRefusal {
  int status = 400;
  std::string code;
  std::string message;
};

struct SigningKey {
  std::string accessKeyId;
  std::string secretAccessKey;
  std::string region;
};

inline constexpr std::chrono::minutes kMaxSkew{5};

std::optional<AwsRefusal> checkSignature(const httplib::Request& req, const SigningKey& key,
                                         std::chrono::system_clock::time_point now);

}  // namespace ptrd::aws_ec2_emulator
