// Hostname templates (contract §1): the one engine for `ranges:` in mapping
// files and for a provider's default PTR, so both know the same placeholders and
// an unknown one is an error everywhere, never kept as text.
//
//   IPv4  {dashed} = 198-51-100-7     {a} {b} {c} {d} = the four octets
//   IPv6  {dashed} = 2001-0db8-0000-0000-0000-0000-0000-0007 (8 groups of 4 hex
//                    digits, always a valid DNS label)
//         {hex}    = 20010db8000000000000000000000007 (32 nibbles)
//
//   "{dashed}.pool.example.net" for 198.51.100.7 -> "198-51-100-7.pool.example.net"
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/ip_address.h"

namespace ptrd {

// Checks that every placeholder is known for the family; the error names the bad one.
Status checkRangeTemplate(std::string_view tmpl, IpAddress::Family family);

// Renders tmpl for ip (the template must have passed checkRangeTemplate).
std::string renderRangeTemplate(std::string_view tmpl, const IpAddress& ip);

// For a template that serves addresses of either family (a provider's default
// PTR): every placeholder must be known for IPv4 or for IPv6 ({bogus} is an
// error; {hex} is not, since it renders for IPv6 addresses).
Status checkTemplate(std::string_view tmpl);

// Checks tmpl for ip's family, renders it and canonicalises the name (lower case,
// one trailing dot): "{dashed}.Static.example.net" for 203.0.113.10 is
// "203-0-113-10.static.example.net.". {hex} for an IPv4 address is an error.
Result<std::string> renderNameTemplate(std::string_view tmpl, const IpAddress& ip);

}  // namespace ptrd
