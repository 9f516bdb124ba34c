#include "providers/ovh/ovh_signature.h"

#include <openssl/sha.h>

#include <array>

namespace ptrd::providers::ovh {

std::string sha1Hex(std::string_view data) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::string signature(const SigningInput& in) {
  std::string text;
  text.reserve(in.applicationSecret.size() + in.consumerKey.size() + in.method.size() +
               in.url.size() + in.body.size() + 32);
  text.append(in.applicationSecret).append("+");
  text.append(in.consumerKey).append("+");
  text.append(in.method).append("+");
  text.append(in.url).append("+");
  text.append(in.body).append("+");
  text.append(std::to_string(in.timestamp));
  return "$1$" + sha1Hex(text);
}

}  // namespace ptrd::providers::ovh
