// Reading one DNS response for a question (name, type): follows the CNAME chain
// the response carries and classifies it (answer, NXDOMAIN, NODATA, other).
//
// A chain may continue beyond the response (an authoritative server only follows
// CNAMEs into zones it serves); then the step says which name to ask next. Both
// forward lookups and PTR lookups use this: RFC 2317 classless reverse delegation
// publishes PTRs behind CNAMEs.
//
// A reply is only believed when it answers exactly the question asked: QR set,
// opcode QUERY, one question equal to (name, type, IN), and every answer record
// of class IN owned by the question name or a name on its CNAME chain (or a DNAME
// above one). Anything else is a lookup failure -- never "no record", which would
// read as "absent" and could make ptrd change a PTR. The query ID is matched by
// c-ares before a reply reaches ptrd (it drops replies whose ID or question
// differ from an outstanding query); checkReply repeats the question check so the
// rule holds whatever transport delivers the message.
//
// Pure: no I/O, so the edge cases are unit-tested with crafted messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/dns/dns_message.h"
#include "reconciler/dns/resolver.h"

namespace ptrd::dns {

// The longest CNAME chain ptrd follows (across responses too) before calling the
// lookup failed; real chains have 1-3 links, loops have infinitely many.
inline constexpr size_t kMaxCnameChain = 8;

struct AnswerStep {
  bool follow = false;  // true: ask `next` (same type) and continue the chain
  std::string next;
  LookupOutcome outcome = LookupOutcome::kOther;  // when !follow
  std::vector<std::string> cnames;                // chain links found in this response, in order
  std::vector<std::string> names;                 // PTR targets, for type PTR
  std::vector<IpAddress> addresses;               // for A / AAAA
  uint32_t ttl = 0;  // min TTL of what was used; negative TTL for NX/NODATA
  std::string detail;
};

// Ok when `msg` is a reply to the question (qname, qtype, IN); else the reason.
Status checkReply(const Message& msg, std::string_view qname, uint16_t qtype);

// `chain_so_far` is the number of CNAME links already followed in earlier responses.
AnswerStep interpretResponse(const Message& msg, std::string_view qname, uint16_t qtype,
                             size_t chain_so_far);

}  // namespace ptrd::dns
