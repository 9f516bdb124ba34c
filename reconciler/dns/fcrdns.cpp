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

// `confirmedDetail` false: a confirmed name gets no detail (a caller that shows
// details only for problems saves building the usual row's string).
NameResult judgeName(const IpAddress& ip, const std::string& name, const ForwardLookup* f,
                     bool confirmedDetail) {
  const char* type = forwardTypeName(ip.family());
  // Checked first: an odd name must not be confirmed by whatever a lookup of it
  // (c-ares reads \DDD escapes back into bytes) might return.
  if (!isHostname(name)) {
    auto why = normaliseHostname(name);  // the reason, only for a name that has one
    return {Verdict::kForwardMismatch,
            fmt::format("PTR name {} is not a valid hostname ({}); not looked up", name,
                        why ? "invalid" : why.error().message)};
  }
  if (f == nullptr)
    return {Verdict::kLookupError, fmt::format("{} {} was not looked up", type, name)};
  std::string via =
      f->cnames.empty() ? "" : fmt::format(" (via CNAME {})", fmt::join(f->cnames, " -> "));
  switch (f->outcome) {
    case LookupOutcome::kAnswer:
      if (std::binary_search(f->addresses.begin(), f->addresses.end(), ip)) {  // the usual row
        NameResult r{Verdict::kConfirmed, {}};
        if (!confirmedDetail) return r;
        constexpr std::string_view kBack = " resolves back to ";
        const std::string text = ip.str();
        r.detail.reserve(name.size() + kBack.size() + text.size() + via.size());
        r.detail.append(name).append(kBack).append(text).append(via);
        return r;
      }
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

// judge() with the PTR names handed over (copied by judge(), moved by a
// judgeAll() that owns its lookups) and the choice of confirmed details.
Observation judgeNames(const PtrLookup& ptr, std::vector<std::string> names,
                       const std::vector<const ForwardLookup*>& forwards, Details details) {
  Observation obs;
  obs.ip = ptr.ip;
  if (!isDefinitive(ptr.outcome)) {
    obs.verdict = Verdict::kLookupError;
    obs.detail = fmt::format("PTR lookup failed ({}){}{}", outcomeName(ptr.outcome),
                             ptr.detail.empty() ? "" : ": ", ptr.detail);
    return obs;
  }
  obs.ptr = std::move(names);
  if (ptr.outcome != LookupOutcome::kAnswer || obs.ptr.empty()) {
    obs.verdict = Verdict::kNoPtr;
    obs.detail = fmt::format(
        "no PTR record for {} ({})", ptr.ip.reverseName(),
        ptr.outcome == LookupOutcome::kAnswer ? "empty answer" : outcomeName(ptr.outcome));
    return obs;
  }

  if (obs.ptr.size() == 1) {  // the usual row: no list of findings, one forward set
    const ForwardLookup* f = find(forwards, obs.ptr.front());
    if (f != nullptr && f->outcome == LookupOutcome::kAnswer) {
      obs.forward = f->addresses;
      if (!std::is_sorted(obs.forward.begin(), obs.forward.end()))
        std::sort(obs.forward.begin(), obs.forward.end());
      obs.forward.erase(std::unique(obs.forward.begin(), obs.forward.end()), obs.forward.end());
    }
    NameResult r = judgeName(ptr.ip, obs.ptr.front(), f, details == Details::kAll);
    obs.verdict = r.verdict;
    obs.detail = std::move(r.detail);
    return obs;
  }
  std::vector<NameResult> results;
  results.reserve(obs.ptr.size());
  for (const auto& name : obs.ptr) {
    const ForwardLookup* f = find(forwards, name);
    if (f != nullptr && f->outcome == LookupOutcome::kAnswer)
      obs.forward.insert(obs.forward.end(), f->addresses.begin(), f->addresses.end());
    results.push_back(judgeName(ptr.ip, name, f, /*confirmedDetail=*/true));
  }
  std::sort(obs.forward.begin(), obs.forward.end());
  obs.forward.erase(std::unique(obs.forward.begin(), obs.forward.end()), obs.forward.end());
  // Several PTRs: a fact about the reverse zone whatever the forward lookups say;
  // the detail keeps each name's own finding so the operator knows which to keep.
  obs.verdict = Verdict::kMultiplePtr;
  std::vector<std::string> parts;
  for (const auto& r : results)
    parts.push_back(fmt::format("{}: {}", verdictName(r.verdict), r.detail));
  obs.detail = fmt::format("{} PTR names (FCrDNS needs exactly one); {}", obs.ptr.size(),
                           fmt::join(parts, "; "));
  return obs;
}

// Forward answers come sorted by question: binary search.
const ForwardLookup* answerFor(const PtrAndForward& got, const std::string& name,
                               IpAddress::Family family) {
  auto it = std::lower_bound(got.forwards.begin(), got.forwards.end(), family,
                             [&](const ForwardLookup& f, IpAddress::Family fam) {
                               if (int c = f.question.name.compare(name); c != 0) return c < 0;
                               return f.question.family < fam;
                             });
  if (it == got.forwards.end() || it->question.name != name || it->question.family != family)
    return nullptr;
  return &*it;
}

// The names an observation keeps: copied from lookups the caller still owns,
// moved out of lookups it hands over.
std::vector<std::string> namesOf(const PtrLookup& p) {
  return p.names;
}
std::vector<std::string> namesOf(PtrLookup& p) {
  return std::move(p.names);
}

// Got: PtrAndForward or const PtrAndForward.
template <typename Got>
std::vector<Observation> judgeEach(Got& got, Details details) {
  std::vector<Observation> out;
  out.reserve(got.ptrs.size());
  std::vector<const ForwardLookup*> mine;
  for (auto& p : got.ptrs) {
    mine.clear();
    if (p.outcome == LookupOutcome::kAnswer)
      for (const auto& name : p.names) mine.push_back(answerFor(got, name, p.ip.family()));
    out.push_back(judgeNames(p, namesOf(p), mine, details));
  }
  return out;
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
  return judgeNames(ptr, ptr.names, forwards, Details::kAll);
}

std::vector<ForwardQuestion> forwardQuestions(const std::vector<PtrLookup>& ptrs) {
  return forwardQuestionsFor(ptrs);
}

std::vector<Observation> observe(Resolver& resolver, const std::vector<IpAddress>& ips) {
  return judgeAll(resolver.lookupPtrAndForward(ips));
}

std::vector<Observation> judgeAll(const PtrAndForward& got, Details details) {
  return judgeEach(got, details);
}

std::vector<Observation> judgeAll(PtrAndForward&& got, Details details) {
  return judgeEach(got, details);
}

}  // namespace ptrd::fcrdns
