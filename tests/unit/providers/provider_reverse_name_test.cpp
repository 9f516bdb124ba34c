// Providers list PTR records by owner name and must report them as canonical IP
// text; they read those names with core's IpAddress, so a reverse name must come
// back as exactly what IpAddress prints, or inventories would not match
// declarations.
#include <gtest/gtest.h>

#include <random>

#include "core/hostname.h"
#include "core/ip_address.h"
#include "core/range_template.h"

namespace ptrd::providers::powerdns {
namespace {

std::string viaProvider(const IpAddress& ip) {
  auto a = IpAddress::fromReverseName(ip.reverseName());
  EXPECT_TRUE(a.ok()) << ip.reverseName();
  return a ? a->str() : "";
}

TEST(ProviderReverseNameTest, MatchesReconcilerOnFixedAddresses) {
  for (const char* text :
       {"203.0.113.10", "0.0.0.0", "255.255.255.255", "2001:db8::25", "::", "::1",
        "1::", "2001:db8:0:1:0:0:0:1", "2001:0:0:1:0:0:0:1", "2001:db8:0:0:1:0:0:1",
        "1:0:1:0:1:0:1:0", "::ffff:192.0.2.1", "::ffff:0:0", "::102:304", "fe80::1:0:0:0",
        "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "0:0:0:0:0:1:0:0"}) {
    auto ip = IpAddress::parse(text);
    ASSERT_TRUE(ip.ok()) << text;
    EXPECT_EQ(viaProvider(*ip), ip->str()) << text;
  }
}

TEST(ProviderReverseNameTest, MatchesReconcilerOnRandomAddresses) {
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::array<uint8_t, 16> b{};
    // Mostly-zero groups exercise the compression rules; random ones the rest.
    for (int g = 0; g < 8; ++g) {
      int kind = int(rng() % 4);
      uint16_t v = kind == 0 ? 0 : kind == 1 ? uint16_t(rng() % 16) : uint16_t(rng());
      if (i % 7 == 0 && g == 5) v = 0xffff;
      b[size_t(2 * g)] = uint8_t(v >> 8), b[size_t(2 * g + 1)] = uint8_t(v);
    }
    IpAddress ip = IpAddress::v6(b);
    ASSERT_EQ(viaProvider(ip), ip.str()) << ip.reverseName();
    IpAddress v4 = IpAddress::v4(uint32_t(rng()));
    ASSERT_EQ(viaProvider(v4), v4.str());
  }
}

TEST(ProviderReverseNameTest, RejectsPartialAndMalformedNames) {
  for (const char* name :
       {"113.0.203.in-addr.arpa.", "0/25.113.0.203.in-addr.arpa.", "010.113.0.203.in-addr.arpa.",
        "256.113.0.203.in-addr.arpa.", "1.2.3.4.5.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.",
        "mail.example.com.", ""}) {
    EXPECT_FALSE(IpAddress::fromReverseName(name).ok()) << name;
  }
  EXPECT_TRUE(IpAddress::fromReverseName("10.113.0.203.IN-ADDR.ARPA").ok());
}

TEST(ProviderReverseNameTest, RendersTemplates) {
  auto v4 = IpAddress::fromReverseName("10.113.0.203.in-addr.arpa.");
  ASSERT_TRUE(v4);
  EXPECT_EQ(renderNameTemplate("{dashed}.static.Example.net", *v4).value(),
            "203-0-113-10.static.example.net.");
  EXPECT_EQ(renderNameTemplate("h{d}.{c}.{b}.{a}.pool.example.", *v4).value(),
            "h10.113.0.203.pool.example.");
  auto v6 = IpAddress::fromReverseName(IpAddress::parse("2001:db8::25")->reverseName());
  ASSERT_TRUE(v6);
  EXPECT_EQ(renderNameTemplate("{dashed}.v6.example.net.", *v6).value(),
            "2001-0db8-0000-0000-0000-0000-0000-0025.v6.example.net.");
}

TEST(ProviderReverseNameTest, ZoneContainment) {
  EXPECT_TRUE(isUnderZone("10.113.0.203.in-addr.arpa.", "113.0.203.in-addr.arpa."));
  EXPECT_TRUE(isUnderZone("113.0.203.in-addr.arpa.", "113.0.203.in-addr.arpa."));
  EXPECT_FALSE(isUnderZone("10.213.0.203.in-addr.arpa.", "13.0.203.in-addr.arpa."));
}

}  // namespace
}  // namespace ptrd::providers::powerdns
