#include "reconciler/dns/dns_message.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace ptrd::dns {
namespace {

constexpr size_t kHeaderSize = 12;
constexpr int kMaxPointerHops = 64;  // more than any valid name needs; stops loops

uint16_t get16(const unsigned char* p) {
  return uint16_t((p[0] << 8) | p[1]);
}
uint32_t get32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// Lower case for letters; a table keeps this off the profile (every reply
// carries several names).
struct LabelTable {
  char plain[256] = {};  // 0: needs \DDD escaping
  constexpr LabelTable() {
    for (int c = 'a'; c <= 'z'; ++c) plain[c] = char(c);
    for (int c = 'A'; c <= 'Z'; ++c) plain[c] = char(c - 'A' + 'a');
    for (int c = '0'; c <= '9'; ++c) plain[c] = char(c);
    plain[int('-')] = '-';
    plain[int('_')] = '_';
    plain[int('*')] = '*';
  }
};
constexpr LabelTable kLabel;

// Appends one label at `dst` in canonical text form (lower case; an octet
// outside LDH as \DDD); returns the new end. `dst` has room for 4 chars per octet.
char* appendLabel(char* dst, const unsigned char* label, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    const char c = kLabel.plain[label[i]];
    if (c != 0) {
      *dst++ = c;
      continue;
    }
    const unsigned v = label[i];
    *dst++ = '\\';
    *dst++ = char('0' + v / 100);
    *dst++ = char('0' + v / 10 % 10);
    *dst++ = char('0' + v % 10);
  }
  return dst;
}

// Walks the (possibly compressed) name at `pos`, checking it, and advances `pos`
// past it as it appears there. Writes its canonical text at `text` unless null
// (then only checks: a name ptrd never reads costs no text); `*end` is where the
// text ends.
Status walkName(const unsigned char* buf, size_t len, size_t& pos, char* text, char** end) {
  char* out = text;
  size_t p = pos;
  bool jumped = false;
  int hops = 0;
  size_t wire = 1;  // the root label
  while (true) {
    if (p >= len) return Error::permanent("name runs past the end of the message");
    unsigned char l = buf[p];
    if ((l & 0xC0) == 0xC0) {
      if (p + 1 >= len) return Error::permanent("name pointer cut short");
      if (++hops > kMaxPointerHops) return Error::permanent("name pointer loop");
      size_t target = ((l & 0x3F) << 8) | buf[p + 1];
      if (!jumped) pos = p + 2;
      jumped = true;
      p = target;
      continue;
    }
    if ((l & 0xC0) != 0) return Error::permanent("unsupported label type");
    if (l == 0) {
      if (!jumped) pos = p + 1;
      break;
    }
    if (p + 1 + l > len) return Error::permanent("label runs past the end of the message");
    wire += 1 + l;
    if (wire > kMaxWireName)
      return Error::permanent(fmt::format("name longer than {} octets", kMaxWireName));
    if (out != nullptr) {
      out = appendLabel(out, buf + p + 1, l);
      *out++ = '.';
    }
    p += 1 + l;
  }
  if (out != nullptr && out == text) *out++ = '.';
  if (end != nullptr) *end = out;
  return okStatus();
}

// The fewest octets a question (root name + type + class) and a record (root
// name + type, class, TTL, RDLENGTH) take: section counts beyond what the rest of
// the message can hold are refused before any storage is sized by them.
constexpr size_t kMinQuestion = 5;
constexpr size_t kMinRecord = 11;

Status checkCount(size_t count, size_t min_size, size_t pos, size_t len, const char* section) {
  if (count > (len - std::min(pos, len)) / min_size)
    return Error::permanent(
        fmt::format("{} count {} does not fit in the {} octets left", section, count, len - pos));
  return okStatus();
}

// `keep_owner` false: the owner is checked but not kept (authority records: ptrd
// reads only their type, the SOA's negative TTL and an NS target).
Status readRecordInto(const unsigned char* buf, size_t len, size_t& pos, Record& rr,
                      bool keep_owner) {
  if (keep_owner) {
    if (auto owner = readNameInto(buf, len, pos, rr.owner); !owner) return owner;
  } else {
    rr.owner.clear();
    if (auto owner = walkName(buf, len, pos, nullptr, nullptr); !owner) return owner;
  }
  if (pos + 10 > len) return Error::permanent("record header cut short");
  rr.type = get16(buf + pos);
  rr.klass = get16(buf + pos + 2);
  rr.ttl = get32(buf + pos + 4);
  rr.target.clear();
  rr.address = IpAddress();
  rr.negative_ttl = 0;
  size_t rdlen = get16(buf + pos + 8);
  pos += 10;
  if (pos + rdlen > len) return Error::permanent("record data cut short");
  size_t rdata = pos;
  pos += rdlen;
  switch (rr.type) {
    case kTypeA:
      if (rdlen != 4) return Error::permanent("A record with length " + std::to_string(rdlen));
      rr.address = IpAddress::v4(get32(buf + rdata));
      break;
    case kTypeAaaa: {
      if (rdlen != 16) return Error::permanent("AAAA record with length " + std::to_string(rdlen));
      std::array<uint8_t, 16> b{};
      std::copy(buf + rdata, buf + rdata + 16, b.begin());
      rr.address = IpAddress::v6(b);
      break;
    }
    case kTypePtr:
    case kTypeCname:
    case kTypeNs: {
      size_t p = rdata;
      if (auto target = readNameInto(buf, rdata + rdlen, p, rr.target); !target) return target;
      break;
    }
    case kTypeSoa: {
      size_t p = rdata;
      size_t end = rdata + rdlen;
      if (auto m = walkName(buf, end, p, nullptr, nullptr); !m) return m;
      if (auto r = walkName(buf, end, p, nullptr, nullptr); !r) return r;
      if (p + 20 > end) return Error::permanent("SOA record cut short");
      rr.negative_ttl = std::min(rr.ttl, get32(buf + p + 16));
      break;
    }
    default:
      break;
  }
  return okStatus();
}

}  // namespace

Status readNameInto(const unsigned char* buf, size_t len, size_t& pos, std::string& out) {
  // Built on the stack and assigned once: every reply carries several names, and
  // growing the string label by label was a tenth of a lookup's instructions.
  // Worst case: 254 octets of labels, each written as \DDD, plus the dots.
  char text[kMaxWireName * 4 + 1];
  char* end = text;
  if (auto walked = walkName(buf, len, pos, text, &end); !walked) return walked;
  out.assign(text, size_t(end - text));
  return okStatus();
}

Result<std::string> readName(const unsigned char* buf, size_t len, size_t& pos) {
  std::string out;
  if (auto s = readNameInto(buf, len, pos, out); !s) return s.error();
  return out;
}

Status parseMessageInto(const unsigned char* buf, size_t len, Message& msg) {
  if (buf == nullptr || len < kHeaderSize)
    return Error::permanent("message shorter than a DNS header");
  msg.id = get16(buf);
  msg.qr = (buf[2] & 0x80) != 0;
  msg.opcode = (buf[2] >> 3) & 0x0F;
  msg.truncated = (buf[2] & 0x02) != 0;
  msg.rcode = buf[3] & 0x0F;
  size_t qd = get16(buf + 4);
  size_t an = get16(buf + 6);
  size_t ns = get16(buf + 8);
  size_t pos = kHeaderSize;
  if (auto c = checkCount(qd, kMinQuestion, pos, len, "question"); !c) return c;
  msg.questions.resize(qd);
  for (size_t i = 0; i < qd; ++i) {
    Question& q = msg.questions[i];
    if (auto n = readNameInto(buf, len, pos, q.name); !n)
      return Error::permanent(fmt::format("question {}: {}", i + 1, n.error().message));
    if (pos + 4 > len) return Error::permanent("question cut short");
    q.type = get16(buf + pos);
    q.klass = get16(buf + pos + 2);
    pos += 4;
  }
  // resize() keeps the strings of records already there, and their capacity.
  if (auto c = checkCount(an, kMinRecord, pos, len, "answer"); !c) return c;
  msg.answers.resize(an);
  for (size_t i = 0; i < an; ++i) {
    if (auto s = readRecordInto(buf, len, pos, msg.answers[i], true); !s)
      return Error::permanent(fmt::format("answer {}: {}", i + 1, s.error().message));
  }
  if (auto c = checkCount(ns, kMinRecord, pos, len, "authority"); !c) return c;
  msg.authority.resize(ns);
  for (size_t i = 0; i < ns; ++i) {
    if (auto s = readRecordInto(buf, len, pos, msg.authority[i], false); !s)
      return Error::permanent(fmt::format("authority {}: {}", i + 1, s.error().message));
  }
  return okStatus();
}

Result<Message> parseMessage(const unsigned char* buf, size_t len) {
  Message msg;
  if (auto s = parseMessageInto(buf, len, msg); !s) return s.error();
  return msg;
}

}  // namespace ptrd::dns
