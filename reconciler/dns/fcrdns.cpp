#include "reconciler/dns/fcrdns.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/hostname.h"

namespace ptrd::fcrdns {
namespace {

const char* forwardTypeName(IpAddress::Family f) {
  return f == IpAddress::Family::kV4 ? "A" : "AAAA";
}

std::string joinAddresses(const std::vector<IpAddress>& addresses) {
  std::string out;
  for (const auto& a : addresses) {
    if (!out.empty()) out += ", ";
    out += a.str();
  }
  return out;
}

const ForwardLookup* find(const std::vector<const ForwardLookup*>& forwards,
                          const std::string& name) {
  for (const auto* f : forwards)
    if (f != nullptr && f->question.name == name) return f;
  return nullptr;
}

// What one PTR name says about the IP, as a verdict of its own.
struct NameResult {
  Verdict verdict;
  std::string detail;
};

NameResult judgeName(const IpAddress& ip, const std::string& name, const ForwardLookup* f) {
  const char* type = forwardTypeName(ip.family());
  // Checked first: an odd name must not be confirmed by whatever a lookup of it
  // (c-ares reads \DDD escapes back into bytes) might return.
  if (auto valid = normaliseHostname(name); !valid)
    return {Verdict::kForwardMismatch,
            fmt::format("PTR name {} is not a valid hostname ({}); not looked up", name,
                        valid.error().message)};
  if (f == nullptr)
    return {Verdict::kLookupError, fmt::format("{} {} was not looked up", type, name)};
  std::string via =
      f->cnames.empty() ? "" : fmt::format(" (via CNAME {})", fmt::join(f->cnames, " -> "));
  switch (f->outcome) {
    case LookupOutcome::kAnswer:
      if (std::binary_search(f->addresses.begin(), f->addresses.end(), ip))  // the usual row
        return {Verdict::kConfirmed, name + " resolves back to " + ip.str() + via};
      return {Verdict::kForwardMismatch, fmt::format("{} resolves to {}{}, not {}", name,
                                                     joinAddresses(f->addresses), via, ip.str())};
    case LookupOutcome::kNxdomain:
    case LookupOutcome::kNodata:
      return {Verdict::kForwardMissing,
              fmt::format("{} has no {} record{} ({})", name, type, via, outcomeName(f->outcome))};
    default:
      return {Verdict::kLookupError,
              fmt::format("{} lookup of {} failed ({}){}{}", type, name, outcomeName(f->outcome),
                          f->detail.empty() ? "" : ": ", f->detail)};
  }
}

}  // namespace

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::kConfirmed:
      return "confirmed";
    case Verdict::kNoPtr:
      return "no_ptr";
    case Verdict::kForwardMismatch:
      return "forward_mismatch";
    case Verdict::kForwardMissing:
      return "forward_missing";
    case Verdict::kMultiplePtr:
      return "multiple_ptr";
    case Verdict::kLookupError:
      return "lookup_error";
  }
  return "lookup_error";
}

Observation judge(const PtrLookup& ptr, const std::vector<const ForwardLookup*>& forwards) {
  Observation obs;
  obs.ip = ptr.ip;
  if (!isDefinitive(ptr.outcome)) {
    obs.verdict = Verdict::kLookupError;
    obs.detail = fmt::format("PTR lookup failed ({}){}{}", outcomeName(ptr.outcome),
                             ptr.detail.empty() ? "" : ": ", ptr.detail);
    return obs;
  }
  obs.ptr = ptr.names;
  if (ptr.outcome != LookupOutcome::kAnswer || ptr.names.empty()) {
    obs.verdict = Verdict::kNoPtr;
    obs.detail = fmt::format(
        "no PTR record for {} ({})", ptr.ip.reverseName(),
        ptr.outcome == LookupOutcome::kAnswer ? "empty answer" : outcomeName(ptr.outcome));
    return obs;
  }

  std::vector<NameResult> results;
  for (const auto& name : ptr.names) {
    const ForwardLookup* f = find(forwards, name);
    if (f != nullptr && f->outcome == LookupOutcome::kAnswer)
      obs.forward.insert(obs.forward.end(), f->addresses.begin(), f->addresses.end());
    results.push_back(judgeName(ptr.ip, name, f));
  }
  std::sort(obs.forward.begin(), obs.forward.end());
  obs.forward.erase(std::unique(obs.forward.begin(), obs.forward.end()), obs.forward.end());

  if (ptr.names.size() == 1) {
    obs.verdict = results.front().verdict;
    obs.detail = std::move(results.front().detail);
    return obs;
  }
  // Several PTRs: a fact about the reverse zone whatever the forward lookups say;
  // the detail keeps each name's own finding so the operator knows which to keep.
  obs.verdict = Verdict::kMultiplePtr;
  std::vector<std::string> parts;
  for (const auto& r : results)
    parts.push_back(fmt::format("{}: {}", verdictName(r.verdict), r.detail));
  obs.detail = fmt::format("{} PTR names (FCrDNS needs exactly one); {}", ptr.names.size(),
                           fmt::join(parts, "; "));
  return obs;
}

std::vector<ForwardQuestion> forwardQuestions(const std::vector<PtrLookup>& ptrs) {
  return forwardQuestionsFor(ptrs);
}

std::vector<Observation> observe(Resolver& resolver, const std::vector<IpAddress>& ips) {
  return judgeAll(resolver.lookupPtrAndForward(ips));
}

std::vector<Observation> judgeAll(const PtrAndForward& got) {
  // Forward answers come sorted by question: binary search.
  auto answerFor = [&](const std::string& name, IpAddress::Family family) -> const ForwardLookup* {
    auto it = std::lower_bound(got.forwards.begin(), got.forwards.end(), family,
                               [&](const ForwardLookup& f, IpAddress::Family fam) {
                                 if (int c = f.question.name.compare(name); c != 0) return c < 0;
                                 return f.question.family < fam;
                               });
    if (it == got.forwards.end() || it->question.name != name || it->question.family != family)
      return nullptr;
    return &*it;
  };
  std::vector<Observation> out;
  out.reserve(got.ptrs.size());
  std::vector<const ForwardLookup*> mine;
  for (const auto& p : got.ptrs) {
    mine.clear();
    if (p.outcome == LookupOutcome::kAnswer)
      for (const auto& name : p.names) mine.push_back(answerFor(name, p.ip.family()));
    out.push_back(judge(p, mine));
  }
  return out;
}

}  // namespace ptrd::fcrdns
