#include "providers/rfc2136/rcode.h"

#include <fmt/format.h>

namespace ptrd::providers::rfc2136 {
namespace {

enum Rcode {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5,
  kYxDomain = 6,
  kYxRrset = 7,
  kNxRrset = 8,
  kNotAuth = 9,
  kNotZone = 10,
};

// A refusal that another request with the same key would meet too.
bool refusesTheKey(int rcode, int tsigError) {
  return rcode == kNotAuth || rcode == kRefused || tsigError != 0;
}

std::string what(int rcode, int tsigError) {
  if (tsigError == 0) return rcodeName(rcode);
  return fmt::format("{}, TSIG {}", rcodeName(rcode), tsigErrorName(tsigError));
}

Error keyError(const std::string& doing, int rcode, int tsigError, const std::string& keyName) {
  std::string hint = tsigError == 18 ? " (the clocks differ by more than the TSIG fudge)"
                     : tsigError != 0
                         ? " (the key's name, algorithm or secret differs from the server's)"
                         : " (the key is not allowed to do this on the server)";
  return Error::auth(fmt::format("{}: the server refused TSIG key \"{}\": {}{}", doing, keyName,
                                 what(rcode, tsigError), hint));
}

}  // namespace

std::string rcodeName(int rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                       "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                       "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode >= 0 && rcode < int(std::size(kNames))) return kNames[rcode];
  return fmt::format("RCODE {}", rcode);
}

std::string tsigErrorName(int error) {
  switch (error) {
    case 16:
      return "BADSIG";
    case 17:
      return "BADKEY";
    case 18:
      return "BADTIME";
    case 22:
      return "BADTRUNC";
    default:
      return fmt::format("TSIG error {}", error);
  }
}

Result<UpdateVerdict> classifyUpdateReply(int rcode, int tsigError, const std::string& keyName,
                                          const std::string& zone) {
  const std::string doing = fmt::format("UPDATE of zone {}", zone);
  if (rcode == kNoError && tsigError == 0) return UpdateVerdict{true, ""};
  if (rcode == kServFail)
    return Error::transient(fmt::format("{}: the server answered SERVFAIL", doing));
  if (refusesTheKey(rcode, tsigError)) return keyError(doing, rcode, tsigError, keyName);
  if (rcode == kYxDomain || rcode == kYxRrset || rcode == kNxDomain || rcode == kNxRrset) {
    return UpdateVerdict{false,
                         fmt::format("{}: a PTR changed on the server since ptrd read it "
                                     "(prerequisite failed: {}); the whole UPDATE was refused "
                                     "and is planned again next pass",
                                     doing, rcodeName(rcode))};
  }
  if (rcode == kNotZone || rcode == kFormErr || rcode == kNotImp) {
    return UpdateVerdict{false, fmt::format("{}: the server answered {}", doing, rcodeName(rcode))};
  }
  return Error::permanent(fmt::format("{}: the server answered {}", doing, rcodeName(rcode)));
}

Status classifyTransferReply(int rcode, int tsigError, const std::string& keyName,
                             const std::string& zone) {
  const std::string doing = fmt::format("AXFR of zone {}", zone);
  if (rcode == kNoError && tsigError == 0) return okStatus();
  if (rcode == kServFail)
    return Error::transient(fmt::format("{}: the server answered SERVFAIL", doing));
  if (refusesTheKey(rcode, tsigError)) return keyError(doing, rcode, tsigError, keyName);
  return Error::permanent(fmt::format("{}: the server answered {}", doing, rcodeName(rcode)));
}

}  // namespace ptrd::providers::rfc2136
