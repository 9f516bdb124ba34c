// Linode's own forward check, done the way the platform does it: ask DNS for the
// name's A (IPv4) or AAAA (IPv6) records and require the address among them.
// Here DNS is the lab's PowerDNS on loopback, asked with dig.
#pragma once

#include <string>

namespace ptrd::linode_emulator {

enum class ForwardVerdict { kMatches, kNoMatch, kLookupFailed };

// name: a validated hostname (letters, digits, hyphens, dots only).
ForwardVerdict checkForward(const std::string& dnsServer, int dnsPort, const std::string& name,
                            const std::string& address, bool v6);

}  // namespace ptrd::linode_emulator
