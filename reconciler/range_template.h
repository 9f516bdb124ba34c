// Hostname templates for `ranges:` (contract §1).
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
#include "reconciler/ip_address.h"

namespace ptrd {

// Checks that every placeholder is known for the family; the error names the bad one.
Status checkRangeTemplate(std::string_view tmpl, IpAddress::Family family);

// Renders tmpl for ip (the template must have passed checkRangeTemplate).
std::string renderRangeTemplate(std::string_view tmpl, const IpAddress& ip);

}  // namespace ptrd
