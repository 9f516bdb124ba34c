#include "tests/aws_ec2_emulator/signature_check.h"

#include <fmt/format.h>

#include "providers/aws_ec2/sigv4.h"

namespace ptrd::aws_ec2_emulator {
namespace {

namespace sig = providers::aws_ec2;

AwsRefusal authFailure(std::string message) {
  return {401, "AuthFailure", std::move(message)};
}

// The value after "key=" in "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
std::string field(const std::string& header, const std::string& key) {
  size_t at = header.find(key + "=");
  if (at == std::string::npos) return "";
  at += key.size() + 1;
  size_t end = header.find_first_of(", ", at);
  return header.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t at = 0;
  for (;;) {
    size_t next = s.find(sep, at);
    out.push_back(s.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) return out;
    at = next + 1;
  }
}

}  // namespace

std::optional<AwsRefusal> checkSignature(const httplib::Request& req, const SigningKey& key,
                                         std::chrono::system_clock::time_point now) {
  const std::string authz = req.get_header_value("Authorization");
  if (!authz.starts_with("AWS4-HMAC-SHA256 "))
    return authFailure("AWS was not able to validate the provided access credentials");
  // Credential=AKID/20150830/region/service/aws4_request
  auto scope = split(field(authz, "Credential"), '/');
  if (scope.size() != 5 || scope[4] != "aws4_request")
    return authFailure("The Credential in the Authorization header is malformed");
  if (scope[0] != key.accessKeyId)
    return authFailure("AWS was not able to validate the provided access credentials");
  if (scope[2] != key.region || scope[3] != "ec2")
    return authFailure(
        fmt::format("Credential should be scoped to a valid region and to service ec2, not '{}/{}'",
                    scope[2], scope[3]));
  const std::string date = req.get_header_value("X-Amz-Date");
  std::chrono::system_clock::time_point at;
  if (!sig::parseAmzDate(date, at) || date.substr(0, 8) != scope[1])
    return authFailure("The X-Amz-Date header is missing, malformed or not the scope's day");
  if (at < now - kMaxSkew || at > now + kMaxSkew)
    return AwsRefusal{400, "RequestExpired",
                      fmt::format("Request has expired. Timestamp date is {}", date)};
  sig::SignInput in;
  in.method = req.method;
  in.path = req.path;
  if (size_t q = req.target.find('?'); q != std::string::npos) in.query = req.target.substr(q + 1);
  in.body = req.body;
  in.region = key.region;
  in.service = "ec2";
  bool host = false, amzDate = false;
  for (const auto& name : split(field(authz, "SignedHeaders"), ';')) {
    if (!req.has_header(name))
      return AwsRefusal{403, "SignatureDoesNotMatch",
                        fmt::format("The signed header {} is not in the request", name)};
    host |= name == "host";
    amzDate |= name == "x-amz-date";
    in.headers.emplace_back(name, req.get_header_value(name));
  }
  if (!host || !amzDate)
    return AwsRefusal{403, "SignatureDoesNotMatch", "host and x-amz-date must be signed"};
  if (sig::signature(in, key.secretAccessKey) != field(authz, "Signature"))
    return AwsRefusal{403, "SignatureDoesNotMatch",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method. Consult "
                      "the service documentation for details."};
  return std::nullopt;
}

}  // namespace ptrd::aws_ec2_emulator
