// Hostname validation and normalisation (contract §1).
//
// A PTR target must be a real FQDN: LDH labels of 1..63 octets, no leading or
// trailing hyphen, at least two labels, at most 253 octets without the trailing
// dot, and a top-level label that is not all digits (so an IP is never mistaken
// for a name). The normal form is lower case with exactly one trailing dot; ptrd
// compares only normal forms.
//
// Non-ASCII names are refused, not converted: the error shows the punycode form
// (via libidn2) so the user can declare exactly what will be published.
//
//   normaliseHostname("Mail.Example.COM")  -> "mail.example.com."
//   normaliseHostname("mail")  -> Error: hostname "mail" has no domain (...)
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace ptrd {

Result<std::string> normaliseHostname(std::string_view text);

// True exactly when normaliseHostname(text) succeeds, without building the name
// or the error: for names read from DNS, judged a hundred thousand times a second.
bool isHostname(std::string_view text);

// Lower case with one trailing dot, without validation: for names that come from
// DNS or a provider and only need to be compared.
std::string canonicalName(std::string_view name);

// canonicalName for a PTR target an API reports, where "no name" must stay
// empty: trailing dots collapse into one, and "" or "." canonicalise to "".
std::string canonicalDnsName(std::string_view name);

// True when `name` equals `zone` or lies below it, by whole labels (zone
// "3.2.1.in-addr.arpa." does not contain "1.2.13.in-addr.arpa."); both canonical.
bool isUnderZone(std::string_view name, std::string_view zone);

}  // namespace ptrd
