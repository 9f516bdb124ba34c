// libFuzzer target: IP, CIDR and hostname parsing. Invariants: canonical text
// parses back to the same address, reverse names round-trip, and normalising a
// hostname twice changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/hostname.h"
#include "core/ip_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto ip = ptrd::IpAddress::parse(text)) {
    auto again = ptrd::IpAddress::parse(ip->str());
    if (!again || *again != *ip || again->str() != ip->str()) std::abort();
    auto back = ptrd::IpAddress::fromReverseName(ip->reverseName());
    if (!back || *back != *ip) std::abort();
  }
  if (auto rev = ptrd::IpAddress::fromReverseName(text)) {
    auto again = ptrd::IpAddress::fromReverseName(rev->reverseName());
    if (!again || *again != *rev) std::abort();
  }
  if (auto cidr = ptrd::Cidr::parse(text)) {
    if (cidr->size() == 0) std::abort();
    (void)cidr->at(cidr->size() - 1);
  }
  if (auto name = ptrd::normaliseHostname(text)) {
    auto again = ptrd::normaliseHostname(*name);
    if (!again || *again != *name) std::abort();
    if (name->size() > 254 || name->back() != '.') std::abort();
  }
  return 0;
}
