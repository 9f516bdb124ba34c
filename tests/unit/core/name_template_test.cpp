// A provider's default-PTR template goes through the same engine as `ranges:`:
// an unknown placeholder is an error, never kept as text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/range_template.h"

namespace ptrd {
namespace {

using ::testing::HasSubstr;

TEST(NameTemplateTest, ChecksPlaceholdersKnownToEitherFamily) {
  EXPECT_TRUE(checkTemplate("{dashed}.static.example.net.").ok());
  EXPECT_TRUE(checkTemplate("h{d}.pool.example.net.").ok());
  EXPECT_TRUE(checkTemplate("{hex}.v6.example.net.").ok());
  EXPECT_THAT(checkTemplate("{bogus}.example.net.").error().message,
              HasSubstr("unknown placeholder {bogus}"));
  EXPECT_FALSE(checkTemplate("{a}.{hex}.example.net.").ok());
  EXPECT_THAT(checkTemplate("{dashed.example.net.").error().message, HasSubstr("unclosed"));
}

TEST(NameTemplateTest, RendersCanonicalNames) {
  auto v4 = *IpAddress::parse("203.0.113.10");
  EXPECT_EQ(renderNameTemplate("{dashed}.Static.example.net", v4).value(),
            "203-0-113-10.static.example.net.");
  auto v6 = *IpAddress::parse("2001:db8::7");
  EXPECT_EQ(renderNameTemplate("h{hex}.example.net..", v6).value(),
            "h20010db8000000000000000000000007.example.net.");
}

TEST(NameTemplateTest, RefusesPlaceholdersUnknownForTheAddress) {
  auto v4 = *IpAddress::parse("203.0.113.10");
  EXPECT_THAT(renderNameTemplate("{hex}.example.net.", v4).error().message,
              HasSubstr("unknown placeholder {hex}"));
  EXPECT_THAT(renderNameTemplate("{bogus}.example.net.", v4).error().message,
              HasSubstr("unknown placeholder {bogus}"));
  auto v6 = *IpAddress::parse("2001:db8::7");
  EXPECT_THAT(renderNameTemplate("{a}.example.net.", v6).error().message,
              HasSubstr("unknown placeholder {a}"));
}

}  // namespace
}  // namespace ptrd
