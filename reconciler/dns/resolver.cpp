#include "reconciler/dns/resolver.h"

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

}  // namespace ptrd
