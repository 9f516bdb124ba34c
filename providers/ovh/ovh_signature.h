// How OVHcloud's API v1 signs a request (application key/secret + consumer key).
//
//   X-Ovh-Signature = "$1$" + hex(SHA-1(AS + "+" + CK + "+" + METHOD + "+" + URL + "+"
//                                       + BODY + "+" + TIMESTAMP))
//
// URL is the full URL exactly as sent (scheme, host, /1.0 prefix, escaped path,
// query), BODY the exact bytes sent ("" without one), TIMESTAMP the decimal Unix
// time of the API's clock (the local clock corrected by GET /auth/time). This is
// the algorithm of OVH's own clients (python-ovh ovh/client.py, go-ovh ovh/ovh.go).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ptrd::providers::ovh {

// Lower-case hex SHA-1 of `data` (OpenSSL libcrypto).
std::string sha1Hex(std::string_view data);

struct SigningInput {
  std::string_view applicationSecret;
  std::string_view consumerKey;
  std::string_view method;  // upper case, as sent
  std::string_view url;
  std::string_view body;
  int64_t timestamp = 0;
};

// "$1$" + 40 hex digits.
std::string signature(const SigningInput& in);

}  // namespace ptrd::providers::ovh
