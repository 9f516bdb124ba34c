#include "reconciler/dns/resolver.h"

#include <algorithm>

#include "core/hostname.h"

namespace ptrd {

const char* outcomeName(LookupOutcome o) {
  switch (o) {
    case LookupOutcome::kAnswer:
      return "answer";
    case LookupOutcome::kNxdomain:
      return "nxdomain";
    case LookupOutcome::kNodata:
      return "nodata";
    case LookupOutcome::kServfail:
      return "servfail";
    case LookupOutcome::kRefused:
      return "refused";
    case LookupOutcome::kTimeout:
      return "timeout";
    case LookupOutcome::kOther:
      return "other";
  }
  return "other";
}

bool isDefinitive(LookupOutcome o) {
  return o == LookupOutcome::kAnswer || o == LookupOutcome::kNxdomain ||
         o == LookupOutcome::kNodata;
}

bool isForwardable(std::string_view ptr_name) {
  return isHostname(ptr_name);
}

std::vector<ForwardQuestion> forwardQuestionsFor(const std::vector<PtrLookup>& ptrs) {
  std::vector<ForwardQuestion> out;
  for (const auto& p : ptrs) {
    if (p.outcome != LookupOutcome::kAnswer) continue;
    for (const auto& name : p.names)
      if (isForwardable(name)) out.push_back(ForwardQuestion{name, p.ip.family()});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

PtrAndForward Resolver::lookupPtrAndForward(const std::vector<IpAddress>& ips) {
  PtrAndForward out;
  out.ptrs = lookupPtr(ips);
  out.forwards = lookupForward(forwardQuestionsFor(out.ptrs));
  return out;
}

}  // namespace ptrd
