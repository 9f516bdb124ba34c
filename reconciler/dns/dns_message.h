// DnsMessage: the parts of a DNS response that ptrd reads, parsed from wire format.
//
// c-ares 1.18 has no generic record parser (ares_dns_record_* came in 1.22), and
// its ares_parse_ptr_reply folds a PTR RRset into "aliases" in ways that are easy
// to misread, so ptrd parses the answer and authority sections itself. Only the
// types the FCrDNS check needs are decoded (PTR, CNAME, A, AAAA, SOA, NS); other
// records keep their owner, type and TTL so they still count as "data exists".
// The header and the question are kept too: a reply is only believed when it
// answers exactly what was asked (checkReply in dns_answer.h).
//
//   auto msg = parseDnsMessage(buf, len);
//   if (msg && msg->rcode == kRcodeNxdomain) ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/ip_address.h"

namespace ptrd::dns {

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypeNs = 2;
inline constexpr uint16_t kTypeCname = 5;
inline constexpr uint16_t kTypeSoa = 6;
inline constexpr uint16_t kTypePtr = 12;
inline constexpr uint16_t kTypeAaaa = 28;
inline constexpr uint16_t kTypeDname = 39;
inline constexpr uint16_t kClassIn = 1;

inline constexpr int kRcodeNoError = 0;
inline constexpr int kRcodeServfail = 2;
inline constexpr int kRcodeNxdomain = 3;
inline constexpr int kRcodeRefused = 5;
inline constexpr int kOpcodeQuery = 0;
// RFC 1035 2.3.4: a name is at most 255 octets in wire form. A longer one is a
// malformed message, not a name to look up.
inline constexpr size_t kMaxWireName = 255;

struct Record {
  std::string owner;  // canonical: lower case, trailing dot
  uint16_t type = 0;
  uint16_t klass = 0;
  uint32_t ttl = 0;
  std::string target;         // PTR, CNAME, NS: the name in RDATA, canonical
  IpAddress address;          // A, AAAA
  uint32_t negative_ttl = 0;  // SOA: min(TTL, MINIMUM), the RFC 2308 negative TTL
};

struct Question {
  std::string name;  // canonical, as Record::owner
  uint16_t type = 0;
  uint16_t klass = 0;
};

struct Message {
  uint16_t id = 0;
  bool qr = false;  // set in a reply; a message with QR clear is a query
  int opcode = 0;
  int rcode = 0;
  bool truncated = false;
  std::vector<Question> questions;
  std::vector<Record> answers;
  std::vector<Record> authority;  // owners checked but not kept (empty): nothing reads them
};

// Fails (with a reason) on a message that is cut short, has a bad name pointer,
// a name over 255 octets, or section counts its length cannot hold (so a 12-byte
// packet claiming 65535 answers costs nothing).
Result<Message> parseMessage(const unsigned char* buf, size_t len);
// The same into `out`, reusing its records' storage: a resolver parsing a
// hundred thousand replies a second would otherwise spend its time in malloc.
Status parseMessageInto(const unsigned char* buf, size_t len, Message& out);

// Decodes a possibly compressed name at `pos`, canonical form; advances `pos`
// past the name as it appears at that position. Bytes outside LDH are written as
// \DDD so an odd name can never be confused with a normal one.
Result<std::string> readName(const unsigned char* buf, size_t len, size_t& pos);
// The same, appending to `out` (cleared first).
Status readNameInto(const unsigned char* buf, size_t len, size_t& pos, std::string& out);

}  // namespace ptrd::dns
