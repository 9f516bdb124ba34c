#include "reconciler/dns/dns_answer.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "core/hostname.h"

namespace ptrd::dns {
namespace {

const Record* findCname(const Message& msg, std::string_view owner) {
  for (const auto& rr : msg.answers)
    if (rr.type == kTypeCname && rr.klass == kClassIn && rr.owner == owner) return &rr;
  return nullptr;
}

// True when `name` is `ancestor` or below it (label boundary).
bool isAtOrBelow(std::string_view name, std::string_view ancestor) {
  if (ancestor == ".") return true;
  if (name.size() < ancestor.size()) return false;
  if (name.substr(name.size() - ancestor.size()) != ancestor) return false;
  return name.size() == ancestor.size() || name[name.size() - ancestor.size() - 1] == '.';
}

// Every answer record must belong to the question: class IN, owned by a name on
// the chain, or a DNAME at or above one (RFC 6672: a resolver adds the DNAME and
// the CNAME it synthesised). A record about some other name means the server (or
// whoever forged the packet) is not answering this question.
// The chain is `qname` (canonical) followed by `cnames`.
Status checkOwners(const Message& msg, const std::string& qname,
                   const std::vector<std::string>& cnames) {
  for (const auto& rr : msg.answers) {
    if (rr.klass != kClassIn)
      return Error::permanent(
          fmt::format("answer record for {} has class {}, not IN", rr.owner, rr.klass));
    bool ours =
        rr.owner == qname || std::find(cnames.begin(), cnames.end(), rr.owner) != cnames.end();
    if (!ours && rr.type == kTypeDname)
      ours = isAtOrBelow(qname, rr.owner) ||
             std::any_of(cnames.begin(), cnames.end(),
                         [&](const std::string& n) { return isAtOrBelow(n, rr.owner); });
    if (!ours)
      return Error::permanent(
          fmt::format("answer record for {} (type {}) is not about {}", rr.owner, rr.type, qname));
  }
  return okStatus();
}

// True when `canonical` is canonicalName(name), without building it: this runs
// for every reply.
bool isCanonicalOf(std::string_view canonical, std::string_view name) {
  if (canonical == name) return true;  // the usual case: asked in canonical form
  if (name.empty() || name.back() != '.') {
    if (canonical.size() != name.size() + 1 || canonical.back() != '.') return false;
    canonical.remove_suffix(1);
  } else if (canonical.size() != name.size()) {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i] >= 'A' && name[i] <= 'Z' ? char(name[i] - 'A' + 'a') : name[i];
    if (canonical[i] != c) return false;
  }
  return true;
}

const Record* findAuthority(const Message& msg, uint16_t type) {
  for (const auto& rr : msg.authority)
    if (rr.type == type) return &rr;
  return nullptr;
}

}  // namespace

Status checkReply(const Message& msg, std::string_view qname, uint16_t qtype) {
  if (!msg.qr) return Error::permanent("message is a query (QR clear), not a reply");
  if (msg.opcode != kOpcodeQuery)
    return Error::permanent(fmt::format("reply has opcode {}, not QUERY", msg.opcode));
  if (msg.questions.size() != 1)
    return Error::permanent(
        fmt::format("reply carries {} questions, not the one asked", msg.questions.size()));
  const Question& q = msg.questions.front();
  // Both sides canonical (lower case, trailing dot): names compare case-insensitively.
  if (!isCanonicalOf(q.name, qname) || q.type != qtype || q.klass != kClassIn)
    return Error::permanent(fmt::format("reply is for {} type {} class {}, not the question asked",
                                        q.name, q.type, q.klass));
  return okStatus();
}

AnswerStep interpretResponse(const Message& msg, std::string_view qname, uint16_t qtype,
                             size_t chain_so_far) {
  AnswerStep step;
  if (auto ok = checkReply(msg, qname, qtype); !ok) {
    step.outcome = LookupOutcome::kOther;
    step.detail = fmt::format("reply rejected: {}", ok.error().message);
    return step;
  }
  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  // checkReply found the question to be canonicalName(qname): no copy to build.
  const std::string& asked = msg.questions.front().name;
  std::string_view current = asked;
  // Walk the chain inside this response. A loop exceeds the limit, so no extra
  // visited set is needed.
  while (const Record* cname = findCname(msg, current)) {
    if (qtype == kTypeCname) break;
    if (chain_so_far + step.cnames.size() >= kMaxCnameChain) {
      step.outcome = LookupOutcome::kOther;
      step.detail =
          fmt::format("CNAME chain from {} longer than {} links (loop?)", qname, kMaxCnameChain);
      return step;
    }
    ttl = std::min(ttl, cname->ttl);
    step.cnames.push_back(cname->target);
    current = cname->target;
  }
  if (auto owners = checkOwners(msg, asked, step.cnames); !owners) {
    step.outcome = LookupOutcome::kOther;
    step.detail = fmt::format("reply rejected: {}", owners.error().message);
    return step;
  }

  for (const auto& rr : msg.answers) {
    if (rr.type != qtype || rr.klass != kClassIn || rr.owner != current) continue;
    ttl = std::min(ttl, rr.ttl);
    if (qtype == kTypePtr) step.names.push_back(rr.target);
    if (qtype == kTypeA || qtype == kTypeAaaa) step.addresses.push_back(rr.address);
  }
  if (!step.names.empty() || !step.addresses.empty()) {
    std::sort(step.names.begin(), step.names.end());
    step.names.erase(std::unique(step.names.begin(), step.names.end()), step.names.end());
    std::sort(step.addresses.begin(), step.addresses.end());
    step.addresses.erase(std::unique(step.addresses.begin(), step.addresses.end()),
                         step.addresses.end());
    step.outcome = LookupOutcome::kAnswer;
    step.ttl = ttl;
    return step;
  }

  const Record* soa = findAuthority(msg, kTypeSoa);
  if (msg.rcode == kRcodeNxdomain) {
    step.outcome = LookupOutcome::kNxdomain;
    step.ttl = soa ? soa->negative_ttl : 0;
    step.detail = fmt::format("{} does not exist (NXDOMAIN)", current);
    return step;
  }
  if (msg.rcode != kRcodeNoError) {
    step.outcome = msg.rcode == kRcodeServfail  ? LookupOutcome::kServfail
                   : msg.rcode == kRcodeRefused ? LookupOutcome::kRefused
                                                : LookupOutcome::kOther;
    step.detail = fmt::format("server answered rcode {} for {}", msg.rcode, current);
    return step;
  }
  if (soa != nullptr) {
    step.outcome = LookupOutcome::kNodata;
    step.ttl = soa->negative_ttl;
    step.detail = fmt::format("{} has no record of that type (NODATA)", current);
    return step;
  }
  // No data and no SOA: either the chain leaves the server's zones (ask the
  // target), or the server only knows where the zone is delegated (a referral:
  // it is not authoritative, so its silence says nothing about the data).
  if (!step.cnames.empty()) {
    step.follow = true;
    step.next = current;
    step.ttl = ttl;
    return step;
  }
  if (const Record* ns = findAuthority(msg, kTypeNs)) {
    step.outcome = LookupOutcome::kOther;
    step.detail =
        fmt::format("referral for {} to {} (server is not authoritative)", current, ns->target);
    return step;
  }
  // An empty NOERROR without SOA (some recursive resolvers strip it) still says
  // the name has no such record.
  step.outcome = LookupOutcome::kNodata;
  step.detail = fmt::format("{} has no record of that type (NODATA)", current);
  return step;
}

}  // namespace ptrd::dns
