#include "core/range_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ptrd {
namespace {

TEST(RangeTemplateTest, RendersIpv4Placeholders) {
  auto ip = *IpAddress::parse("198.51.100.7");
  EXPECT_EQ(renderRangeTemplate("{dashed}.pool.example.net", ip), "198-51-100-7.pool.example.net");
  EXPECT_EQ(renderRangeTemplate("host-{d}.{c}.{b}.{a}.example.net", ip),
            "host-7.100.51.198.example.net");
}

TEST(RangeTemplateTest, RendersIpv6Placeholders) {
  auto ip = *IpAddress::parse("2001:db8::7");
  EXPECT_EQ(renderRangeTemplate("{dashed}.v6.example.net", ip),
            "2001-0db8-0000-0000-0000-0000-0000-0007.v6.example.net");
  EXPECT_EQ(renderRangeTemplate("h{hex}.example.net", ip),
            "h20010db8000000000000000000000007.example.net");
}

TEST(RangeTemplateTest, RejectsUnknownPlaceholders) {
  EXPECT_TRUE(checkRangeTemplate("{dashed}.x.net", IpAddress::Family::kV4).ok());
  EXPECT_TRUE(checkRangeTemplate("static.x.net", IpAddress::Family::kV4).ok());
  EXPECT_THAT(checkRangeTemplate("{e}.x.net", IpAddress::Family::kV4).error().message,
              ::testing::HasSubstr("unknown placeholder {e}"));
  EXPECT_THAT(checkRangeTemplate("{a}.x.net", IpAddress::Family::kV6).error().message,
              ::testing::HasSubstr("unknown placeholder {a}"));
  EXPECT_THAT(checkRangeTemplate("{hex}.x.net", IpAddress::Family::kV4).error().message,
              ::testing::HasSubstr("unknown placeholder"));
  EXPECT_THAT(checkRangeTemplate("{dashed.x.net", IpAddress::Family::kV4).error().message,
              ::testing::HasSubstr("unclosed"));
}

}  // namespace
}  // namespace ptrd
