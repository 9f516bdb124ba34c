// What a DNS server's answer code means for ptrd (RFC 1035, RFC 2136 §2.2,
// RFC 8945 §5.3): the error model of core/result.h for the whole request, or a
// failed batch when only this UPDATE's prerequisites did not hold.
//
//   SERVFAIL                             transient: the next pass retries
//   NOTAUTH, REFUSED, BADSIG/BADKEY/BADTIME  auth: the key is wrong or not allowed;
//                                        the pass stops, the message names the key
//   YXDOMAIN, YXRRSET, NXDOMAIN, NXRRSET a prerequisite failed: someone else changed
//                                        the name; the batch is failed, re-planned
//   anything else                        permanent
#pragma once

#include <string>

#include "core/result.h"

namespace ptrd::providers::rfc2136 {

// "NOERROR", "SERVFAIL", ..., "RCODE 12" for unnamed ones.
std::string rcodeName(int rcode);
// "BADSIG", "BADKEY", "BADTIME", "BADTRUNC", ... ("TSIG error N" for others).
std::string tsigErrorName(int error);

struct UpdateVerdict {
  bool applied = false;
  std::string reason;  // why the batch failed (when !applied)
};

// The reply to an UPDATE of `zone` signed with `keyName` (never the secret):
// applied, a failed batch (prerequisites, NOTZONE, FORMERR), or an Error for the pass.
Result<UpdateVerdict> classifyUpdateReply(int rcode, int tsigError, const std::string& keyName,
                                          const std::string& zone);

// The reply to an AXFR of `zone`: ok, or why the zone cannot be read (an Error
// either way: a zone that cannot be transferred is never "no PTR").
Status classifyTransferReply(int rcode, int tsigError, const std::string& keyName,
                             const std::string& zone);

}  // namespace ptrd::providers::rfc2136
