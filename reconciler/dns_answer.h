// Reading one DNS response for a question (name, type): follows the CNAME chain
// the response carries and classifies it (answer, NXDOMAIN, NODATA, other).
//
// A chain may continue beyond the response (an authoritative server only follows
// CNAMEs into zones it serves); then the step says which name to ask next. Both
// forward lookups and PTR lookups use this: RFC 2317 classless reverse delegation
// publishes PTRs behind CNAMEs.
//
// Pure: no I/O, so the edge cases are unit-tested with crafted messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reconciler/dns_message.h"
#include "reconciler/resolver.h"

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

// `chain_so_far` is the number of CNAME links already followed in earlier responses.
AnswerStep interpretResponse(const Message& msg, std::string_view qname, uint16_t qtype,
                             size_t chain_so_far);

}  // namespace ptrd::dns
