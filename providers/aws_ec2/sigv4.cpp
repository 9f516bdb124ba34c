#include "providers/aws_ec2/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include <fmt/format.h>

namespace ptrd::providers::aws_ec2 {
namespace {

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are signed trimmed, with inner runs of spaces collapsed to one.
std::string trimAll(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Lower-cased names with their values, sorted by name; repeated names joined with ','.
std::vector<std::pair<std::string, std::string>> canonicalHeaders(const SignInput& in) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& [n, v] : in.headers) h.emplace_back(lower(n), trimAll(v));
  std::stable_sort(h.begin(), h.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [n, v] : h) {
    if (!out.empty() && out.back().first == n)
      out.back().second += "," + v;
    else
      out.emplace_back(std::move(n), std::move(v));
  }
  return out;
}

std::string scopeDate(const std::string& date) {
  return date.substr(0, 8);
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return hex(md, sizeof md);
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string amzDate(std::chrono::system_clock::time_point t) {
  std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

bool parseAmzDate(std::string_view text, std::chrono::system_clock::time_point& out) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return false;
  for (size_t i = 0; i < 15; ++i)
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  auto num = [&](size_t at, size_t n) { return std::stoi(std::string(text.substr(at, n))); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return false;
  out = std::chrono::system_clock::from_time_t(timegm(&tm));
  return true;
}

std::string canonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    pairs.emplace_back(std::string(item.substr(0, eq)),
                       eq == std::string_view::npos ? "" : std::string(item.substr(eq + 1)));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) out += fmt::format("{}{}={}", out.empty() ? "" : "&", k, v);
  return out;
}

std::string signedHeaders(const SignInput& in) {
  std::string out;
  for (const auto& [n, v] : canonicalHeaders(in)) out += (out.empty() ? "" : ";") + n;
  return out;
}

std::string canonicalRequest(const SignInput& in) {
  std::string headers;
  for (const auto& [n, v] : canonicalHeaders(in)) headers += n + ":" + v + "\n";
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", in.method, in.path.empty() ? "/" : in.path,
                     canonicalQuery(in.query), headers, signedHeaders(in), sha256Hex(in.body));
}

std::string requestDate(const SignInput& in) {
  for (const auto& [n, v] : in.headers)
    if (lower(n) == "x-amz-date") return trimAll(v);
  return "";
}

std::string stringToSign(const SignInput& in) {
  const std::string date = requestDate(in);
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}/{}/{}/aws4_request\n{}", date, scopeDate(date),
                     in.region, in.service, sha256Hex(canonicalRequest(in)));
}

std::string signature(const SignInput& in, const std::string& secretAccessKey) {
  std::string key = hmacSha256("AWS4" + secretAccessKey, scopeDate(requestDate(in)));
  key = hmacSha256(key, in.region);
  key = hmacSha256(key, in.service);
  key = hmacSha256(key, "aws4_request");
  const std::string sig = hmacSha256(key, stringToSign(in));
  return hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

std::string authorization(const SignInput& in, const Credentials& credentials) {
  return fmt::format(
      "AWS4-HMAC-SHA256 Credential={}/{}/{}/{}/aws4_request, SignedHeaders={}, Signature={}",
      credentials.accessKeyId, scopeDate(requestDate(in)), in.region, in.service, signedHeaders(in),
      signature(in, credentials.secretAccessKey));
}

}  // namespace ptrd::providers::aws_ec2
