#include "core/ip_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace ptrd {
namespace {

using ::testing::HasSubstr;

std::string canon(std::string_view s) {
  auto ip = IpAddress::parse(s);
  EXPECT_TRUE(ip.ok()) << s << ": " << (ip ? "" : ip.error().message);
  return ip ? ip->str() : "";
}

std::string err(std::string_view s) {
  auto ip = IpAddress::parse(s);
  EXPECT_FALSE(ip.ok()) << s << " parsed as " << (ip ? ip->str() : "");
  return ip ? "" : ip.error().message;
}

TEST(IpAddressTest, AcceptsCanonicalIpv4) {
  EXPECT_EQ(canon("203.0.113.10"), "203.0.113.10");
  EXPECT_EQ(canon("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(canon("255.255.255.255"), "255.255.255.255");
}

TEST(IpAddressTest, RejectsNonCanonicalIpv4) {
  EXPECT_THAT(err("203.0.113.010"), HasSubstr("leading zero"));
  EXPECT_THAT(err("10.1"), HasSubstr("four dotted octets"));
  EXPECT_THAT(err("10.0.0.256"), HasSubstr("out of range"));
  EXPECT_THAT(err("10.0.0.1/24"), HasSubstr("CIDR"));
  EXPECT_THAT(err("1.2.3.4.5"), HasSubstr("more than four"));
  EXPECT_THAT(err("1.2.3.x"), HasSubstr("unexpected character"));
  EXPECT_THAT(err(""), HasSubstr("empty"));
  EXPECT_THAT(err("1.2.3.4 "), HasSubstr("unexpected character"));
  EXPECT_THAT(err("1..2.3"), HasSubstr("four dotted octets"));
}

TEST(IpAddressTest, ExpandedIpv6HasEveryGroupInFourDigits) {
  EXPECT_EQ(IpAddress::parse("2001:DB8::25")->expandedStr(),
            "2001:0db8:0000:0000:0000:0000:0000:0025");
  EXPECT_EQ(IpAddress::parse("::")->expandedStr(), "0000:0000:0000:0000:0000:0000:0000:0000");
  EXPECT_EQ(IpAddress::parse("203.0.113.10")->expandedStr(), "203.0.113.10");
}

TEST(IpAddressTest, CanonicalisesIpv6PerRfc5952) {
  EXPECT_EQ(canon("2001:DB8:0:0:0:0:0:25"), "2001:db8::25");
  EXPECT_EQ(canon("2001:0db8::0025"), "2001:db8::25");
  EXPECT_EQ(canon("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");       // longest run
  EXPECT_EQ(canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");     // first of equal runs
  EXPECT_EQ(canon("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // no :: for one group
  EXPECT_EQ(canon("::"), "::");
  EXPECT_EQ(canon("::1"), "::1");
  EXPECT_EQ(canon("::ffff:192.0.2.1"), "::ffff:192.0.2.1");
  EXPECT_EQ(canon("::FFFF:c000:0201"), "::ffff:192.0.2.1");
  EXPECT_EQ(canon("64:ff9b::192.0.2.33"), "64:ff9b::c000:221");
}

TEST(IpAddressTest, RejectsBadIpv6) {
  EXPECT_THAT(err("fe80::1%eth0"), HasSubstr("zone"));
  EXPECT_THAT(err("2001:db8::/64"), HasSubstr("CIDR"));
  EXPECT_THAT(err("2001:db8:::1"), HasSubstr("not a valid IPv6"));
  EXPECT_THAT(err("1:2:3:4:5:6:7:8:9"), HasSubstr("not a valid IPv6"));
  EXPECT_THAT(err("2001:db8::g"), HasSubstr("not a valid IPv6"));
}

TEST(IpAddressTest, SpellingsCompareEqual) {
  EXPECT_EQ(*IpAddress::parse("2001:db8::25"), *IpAddress::parse("2001:0DB8:0000::25"));
  EXPECT_NE(*IpAddress::parse("::ffff:1.2.3.4"), *IpAddress::parse("1.2.3.4"));
  EXPECT_LT(*IpAddress::parse("1.2.3.4"), *IpAddress::parse("1.2.3.5"));
}

TEST(IpAddressTest, ReverseNamesBothWays) {
  auto v4 = *IpAddress::parse("203.0.113.10");
  EXPECT_EQ(v4.reverseName(), "10.113.0.203.in-addr.arpa.");
  auto v6 = *IpAddress::parse("2001:db8::25");
  EXPECT_EQ(v6.reverseName(),
            "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
  EXPECT_EQ(*IpAddress::fromReverseName("10.113.0.203.in-addr.arpa."), v4);
  EXPECT_EQ(*IpAddress::fromReverseName("10.113.0.203.IN-ADDR.ARPA"), v4);
  EXPECT_EQ(*IpAddress::fromReverseName(v6.reverseName()), v6);
  EXPECT_FALSE(IpAddress::fromReverseName("113.0.203.in-addr.arpa.").ok());
  EXPECT_FALSE(IpAddress::fromReverseName("010.113.0.203.in-addr.arpa.").ok());
  EXPECT_FALSE(IpAddress::fromReverseName("example.com.").ok());
  EXPECT_FALSE(IpAddress::fromReverseName("5.2.ip6.arpa.").ok());
}

TEST(CidrTest, ParsesAndEnumerates) {
  auto c = Cidr::parse("198.51.100.0/24");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 256u);
  EXPECT_EQ(c->at(7).str(), "198.51.100.7");
  auto v6 = Cidr::parse("2001:db8::/120");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->size(), 256u);
  EXPECT_EQ(v6->at(255).str(), "2001:db8::ff");
  EXPECT_EQ(Cidr::parse("2001:db8::/32")->size(), uint64_t(1) << 63);  // saturated
}

TEST(CidrTest, RejectsBadPrefixes) {
  EXPECT_THAT(Cidr::parse("198.51.100.1/24").error().message, HasSubstr("host bits"));
  EXPECT_THAT(Cidr::parse("198.51.100.0/33").error().message, HasSubstr("out of range"));
  EXPECT_THAT(Cidr::parse("198.51.100.0").error().message, HasSubstr("prefix length"));
  EXPECT_THAT(Cidr::parse("198.51.100.0/2x").error().message, HasSubstr("not a number"));
  EXPECT_THAT(Cidr::parse("198.51.100.0/024").error().message, HasSubstr("not a number"));
}

// str() and reverseName() of IPv4 print octets by hand: every octet value, in
// every position, as the decimal text.
TEST(IpAddressText, EveryOctetValueInEveryPosition) {
  for (uint32_t v = 0; v < 256; ++v) {
    const std::string d = std::to_string(v);
    const uint32_t other = (v * 37 + 11) % 256;
    const std::string o = std::to_string(other);
    EXPECT_EQ(IpAddress::v4((v << 24) | (other << 16) | (v << 8) | other).str(),
              d + "." + o + "." + d + "." + o);
    EXPECT_EQ(IpAddress::v4((other << 24) | (v << 16) | (other << 8) | v).reverseName(),
              d + "." + o + "." + d + "." + o + ".in-addr.arpa.");
  }
}

}  // namespace
}  // namespace ptrd
