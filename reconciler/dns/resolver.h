// Resolver: the DNS observation seam. The c-ares implementation lives in
// cares_resolver.h; unit tests use a fake.
//
// Lookups are batched: callers hand over every question of a pass at once and the
// implementation keeps many in flight. Every answer is classified; a timeout or
// SERVFAIL is never reported as "no record".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace ptrd {

enum class LookupOutcome {
  kAnswer,    // records of the asked type (after CNAMEs for forward lookups)
  kNxdomain,  // the name does not exist
  kNodata,    // the name exists, no record of that type
  kServfail,
  kRefused,
  kTimeout,
  kOther,  // FORMERR, NOTIMP, malformed answer, connection refused, ...
};

const char* outcomeName(LookupOutcome o);  // "answer", "nxdomain", "nodata", ...
// True when the outcome is a reliable statement about the data (answer, NXDOMAIN,
// NODATA); false for failures that must never be taken as "absent".
bool isDefinitive(LookupOutcome o);

struct PtrLookup {
  IpAddress ip;
  LookupOutcome outcome = LookupOutcome::kOther;
  std::vector<std::string>
      names;           // the whole PTR RRset, canonical (lower case, trailing dot), sorted
  uint32_t ttl = 0;    // min TTL of the answer (or negative TTL), for re-check scheduling
  std::string detail;  // human text for failures
};

struct ForwardQuestion {
  std::string name;                                   // canonical hostname
  IpAddress::Family family = IpAddress::Family::kV4;  // A for kV4, AAAA for kV6
  bool operator==(const ForwardQuestion&) const = default;
  auto operator<=>(const ForwardQuestion&) const = default;
};

struct ForwardLookup {
  ForwardQuestion question;
  LookupOutcome outcome = LookupOutcome::kOther;
  std::vector<IpAddress> addresses;  // after following CNAMEs, sorted
  std::vector<std::string> cnames;   // the CNAME chain followed, in order
  uint32_t ttl = 0;
  std::string detail;
};

// True when a PTR name is worth asking forward: a valid hostname. Anything else
// (escaped bytes, spaces, over-long labels) cannot confirm an address.
bool isForwardable(std::string_view ptr_name);

// The distinct forward questions the PTR answers raise (each forwardable name,
// A for an IPv4 address, AAAA for IPv6), sorted.
std::vector<ForwardQuestion> forwardQuestionsFor(const std::vector<PtrLookup>& ptrs);

// What FCrDNS needs to know about some addresses.
struct PtrAndForward {
  std::vector<PtrLookup> ptrs;          // one per IP, in input order
  std::vector<ForwardLookup> forwards;  // forwardQuestionsFor(ptrs), one each, in its order
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // One result per input, in input order.
  virtual std::vector<PtrLookup> lookupPtr(const std::vector<IpAddress>& ips) = 0;
  virtual std::vector<ForwardLookup> lookupForward(
      const std::vector<ForwardQuestion>& questions) = 0;
  // The PTRs of `ips` and the forward lookups of their names. The default asks in
  // two batches (every PTR, then every forward question); an implementation may
  // pipeline them (ask a name forward as soon as its PTR answer arrives).
  virtual PtrAndForward lookupPtrAndForward(const std::vector<IpAddress>& ips);
  // From any thread: the batch under way, and every later one, ends early; what
  // is not answered yet fails (kOther, "cancelled"), never reads as absent. For
  // a caller that no longer needs the answers (`check` after a broken file).
  // The default does nothing: the batch runs to its end.
  virtual void cancel() {}
};

}  // namespace ptrd
