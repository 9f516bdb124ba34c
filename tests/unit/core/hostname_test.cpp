#include "core/hostname.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ptrd {
namespace {

using ::testing::HasSubstr;

std::string err(std::string_view s) {
  auto h = normaliseHostname(s);
  EXPECT_FALSE(h.ok()) << s << " accepted as " << (h ? *h : "");
  return h ? "" : h.error().message;
}

TEST(HostnameTest, NormalisesCaseAndTrailingDot) {
  EXPECT_EQ(*normaliseHostname("Mail.Example.COM"), "mail.example.com.");
  EXPECT_EQ(*normaliseHostname("mail.example.com."), "mail.example.com.");
  EXPECT_EQ(*normaliseHostname("a-1.b2.example"), "a-1.b2.example.");
  EXPECT_EQ(*normaliseHostname("1-2-3-4.pool.example.net"), "1-2-3-4.pool.example.net.");
}

TEST(HostnameTest, EveryRuleHasItsOwnReason) {
  EXPECT_EQ(err("mail"), "hostname \"mail\" has no domain (need an FQDN such as mail.example.com)");
  EXPECT_THAT(err(""), HasSubstr("empty"));
  EXPECT_THAT(err("."), HasSubstr("root"));
  EXPECT_THAT(err("mail..example.com"), HasSubstr("empty label"));
  EXPECT_THAT(err(".example.com"), HasSubstr("empty label"));
  EXPECT_THAT(err("mail.example.com.."), HasSubstr("empty label"));
  EXPECT_THAT(err("-mail.example.com"), HasSubstr("starts with a hyphen"));
  EXPECT_THAT(err("mail-.example.com"), HasSubstr("ends with a hyphen"));
  EXPECT_THAT(err("mail_1.example.com"), HasSubstr("contains '_'"));
  EXPECT_THAT(err("mail example.com"), HasSubstr("white space"));
  EXPECT_THAT(err("1.2.3.4"), HasSubstr("all-numeric"));
  EXPECT_THAT(err(std::string(64, 'a') + ".example.com"), HasSubstr("64 octets long (at most 63)"));
  EXPECT_THAT(err("müller.example.com"), HasSubstr("xn--mller-kva.example.com"));
}

TEST(HostnameTest, LengthLimits) {
  std::string label63(63, 'a');
  EXPECT_TRUE(normaliseHostname(label63 + ".example.com").ok());
  // 4 x 63 + 3 dots = 255 > 253
  std::string long_name = label63 + "." + label63 + "." + label63 + "." + label63;
  EXPECT_THAT(err(long_name), HasSubstr("255 octets long (at most 253"));
  // exactly 253 without the dot, accepted with or without the trailing dot
  std::string n253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(n253.size(), 253u);
  EXPECT_TRUE(normaliseHostname(n253).ok());
  EXPECT_TRUE(normaliseHostname(n253 + ".").ok());
}

TEST(HostnameTest, CanonicalNameOnlyNormalises) {
  EXPECT_EQ(canonicalName("Mail.Example.com"), "mail.example.com.");
  EXPECT_EQ(canonicalName("x."), "x.");
}

}  // namespace
}  // namespace ptrd

namespace ptrd {
namespace {

// isHostname is the resolver's fast answer to "would normaliseHostname accept
// this?": it must never differ, or a PTR name would be asked forward (or not)
// against the rules the mappings are held to.
TEST(HostnameTest, IsHostnameAgreesWithNormaliseHostname) {
  const std::string label63(63, 'a');
  const std::vector<std::string> names = {
      "Mail.Example.COM",
      "mail.example.com.",
      "a-1.b2.example",
      "1-2-3-4.pool.example.net.",
      "mail",
      "mail.",
      "",
      ".",
      "..",
      "mail..example.com",
      ".example.com",
      "mail.example.com..",
      "-mail.example.com",
      "mail-.example.com",
      "mail.example.com-",
      "mail_1.example.com",
      "mail example.com",
      "1.2.3.4",
      "1.2.3.4.",
      "host.123",
      "host.12a",
      "a.b",
      "x\\046y.example.com.",
      "m\xc3\xbcller.example.com",
      "mail.-.com",
      "a.-",
      std::string(64, 'a') + ".example.com",
      label63 + ".example.com",
      label63 + "." + label63 + "." + label63 + "." + label63,
      label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b'),
      label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b') + ".",
      label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b'),
      std::string("a\0b.example.com", 15),
      "*.example.com",
      "a.b\t",
      "A-B.C-D"};
  for (const auto& n : names)
    EXPECT_EQ(isHostname(n), normaliseHostname(n).ok()) << "\"" << n << "\"";
}

}  // namespace
}  // namespace ptrd
