// Forward-confirmed reverse DNS, observed: for each IP its PTR RRset, where the
// PTR name points, and a verdict.
//
//   confirmed         one PTR name, and its A (IPv4) / AAAA (IPv6) contains the IP
//   no_ptr            the reverse name has no PTR (NXDOMAIN or NODATA)
//   forward_mismatch  the PTR name resolves, but not to this IP -- or the PTR name
//                     is not a valid hostname (escaped bytes, spaces, a label over
//                     63 or a name over 253 octets): the data was read reliably, it
//                     just cannot confirm anything, and is never looked up forward
//   forward_missing   the PTR name does not resolve (NXDOMAIN or NODATA)
//   multiple_ptr      more than one PTR name (FCrDNS needs exactly one)
//   lookup_error      a PTR or forward lookup failed (timeout, SERVFAIL, REFUSED,
//                     ...): nothing is known, so it is never reported as no_ptr
//
// judge() is pure; observe() asks a Resolver for the PTRs and every distinct
// forward question once (Resolver::lookupPtrAndForward) and judges each IP.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "reconciler/dns/resolver.h"

namespace ptrd::fcrdns {

enum class Verdict {
  kConfirmed,
  kNoPtr,
  kForwardMismatch,
  kForwardMissing,
  kMultiplePtr,
  kLookupError
};

inline constexpr std::array<Verdict, 6> kAllVerdicts = {
    Verdict::kConfirmed,      Verdict::kNoPtr,       Verdict::kForwardMismatch,
    Verdict::kForwardMissing, Verdict::kMultiplePtr, Verdict::kLookupError};

// "confirmed", "no_ptr", "forward_mismatch", ...
const char* verdictName(Verdict v);

struct Observation {
  IpAddress ip;
  std::vector<std::string> ptr;    // the PTR RRset, canonical, sorted
  std::vector<IpAddress> forward;  // what the PTR name(s) resolve to (same family), sorted
  Verdict verdict = Verdict::kLookupError;
  std::string detail;  // one line for a person (none for a confirmed one under kProblemsOnly)
};

// `forwards` are the lookups of ptr.names (any order, matched by name); a name
// without its lookup counts as a lookup error.
Observation judge(const PtrLookup& ptr, const std::vector<const ForwardLookup*>& forwards);

// The distinct forward questions the PTR answers raise, sorted.
std::vector<ForwardQuestion> forwardQuestions(const std::vector<PtrLookup>& ptrs);

// One Observation per IP, in input order.
std::vector<Observation> observe(Resolver& resolver, const std::vector<IpAddress>& ips);

// Which observations carry a detail: all of them, or only those not confirmed
// (for output that shows details only for problems: the confirmed detail is
// the one string built per address otherwise).
enum class Details { kAll, kProblemsOnly };

// observe()'s second half: one Observation per PTR lookup, in its order (for a
// caller that judges one batch while the resolver asks the next).
std::vector<Observation> judgeAll(const PtrAndForward& lookups, Details details = Details::kAll);
// The same, moving the PTR names out of lookups the caller no longer needs.
std::vector<Observation> judgeAll(PtrAndForward&& lookups, Details details = Details::kAll);

}  // namespace ptrd::fcrdns
