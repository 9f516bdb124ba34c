// verifyInDns: after the provider applied changes, watch DNS until each IP's PTR
// shows the new value or the deadline passes.
//
// Polls only the IPs still pending, with exponential backoff on the injected
// Clock. A PTR RRset counts as shown only when it is exactly the expected name
// (or, for an expected "no PTR", a definitive NXDOMAIN/NODATA); a failed lookup
// never counts as shown.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/ip_address.h"
#include "reconciler/apply/reconcile.h"
#include "reconciler/dns/resolver.h"

namespace ptrd {

struct VerifyTarget {
  IpAddress ip;
  std::string expected;  // canonical PTR target; empty = the PTR should be gone
};

struct VerifyResult {
  bool shown = false;
  std::string lastSeen;  // what DNS showed last, for the report when not shown
};

// One result per target, in order.
std::vector<VerifyResult> verifyInDns(const std::vector<VerifyTarget>& targets, Resolver& resolver,
                                      Clock& clock, const VerifyOptions& options);

}  // namespace ptrd
