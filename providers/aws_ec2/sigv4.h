// AWS Signature Version 4 for the EC2 Query API: canonical request, string to
// sign, derived key and the Authorization header, over OpenSSL's libcrypto.
//
// The signer and the emulator's verifier share these functions; the published
// AWS test vectors (tests/unit/providers/aws_sigv4_test.cpp) pin them to what
// AWS computes, so a shared mistake cannot hide.
//
//   SignInput in{"POST", "/", "", {{"Content-Type", "..."}, {"Host", h}, {"X-Amz-Date", d}},
//                body, "eu-central-1", "ec2"};
//   std::string authz = authorization(in, credentials);
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ptrd::providers::aws_ec2 {

struct Credentials {
  std::string accessKeyId;
  std::string secretAccessKey;  // never logged
};

struct SignInput {
  std::string method;  // "GET", "POST"
  std::string path;    // the URI path as sent, e.g. "/"
  std::string query;   // the raw query string without '?', already percent-encoded
  // Every header to sign, names in any case; Host and X-Amz-Date among them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string region;
  std::string service;
};

std::string sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256 of data under key.
std::string hmacSha256(std::string_view key, std::string_view data);

// "20150830T123600Z" for a UTC time.
std::string amzDate(std::chrono::system_clock::time_point t);
// The inverse, for the verifier; false for anything but that exact form.
bool parseAmzDate(std::string_view text, std::chrono::system_clock::time_point& out);

// The query's pairs sorted by name then value, each kept as encoded.
std::string canonicalQuery(std::string_view query);
// "content-type;host;x-amz-date": lower-cased names, sorted, joined with ';'.
std::string signedHeaders(const SignInput& in);
std::string canonicalRequest(const SignInput& in);
// The X-Amz-Date header's value, found case-insensitively ("" when absent).
std::string requestDate(const SignInput& in);
std::string stringToSign(const SignInput& in);
// Hex signature under the secret (date, region and service from `in`).
std::string signature(const SignInput& in, const std::string& secretAccessKey);
// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=..."
std::string authorization(const SignInput& in, const Credentials& credentials);

}  // namespace ptrd::providers::aws_ec2
