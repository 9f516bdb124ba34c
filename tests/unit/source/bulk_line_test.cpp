#include "reconciler/source/bulk_line.h"

#include <gtest/gtest.h>

namespace ptrd {
namespace {

void expectEntry(std::string_view line, std::string_view ip, uint32_t ip_col, std::string_view host,
                 uint32_t host_col) {
  BulkLine b = parseBulkLine(line);
  ASSERT_EQ(b.kind, BulkLine::Kind::kEntry) << line << ": " << b.error;
  EXPECT_EQ(b.ip, ip);
  EXPECT_EQ(b.ipColumn, ip_col);
  EXPECT_EQ(b.hostname, host);
  EXPECT_EQ(b.hostnameColumn, host_col);
}

TEST(BulkLineTest, AcceptsEverySeparatorThePortalAccepts) {
  expectEntry("1.2.3.4 a.example.com", "1.2.3.4", 1, "a.example.com", 9);
  expectEntry("1.2.3.4,a.example.com", "1.2.3.4", 1, "a.example.com", 9);
  expectEntry("1.2.3.4, a.example.com", "1.2.3.4", 1, "a.example.com", 10);
  expectEntry("1.2.3.4 ,a.example.com", "1.2.3.4", 1, "a.example.com", 10);
  expectEntry("1.2.3.4\t\ta.example.com", "1.2.3.4", 1, "a.example.com", 10);
  expectEntry("  1.2.3.4 a.example.com  ", "1.2.3.4", 3, "a.example.com", 11);
  expectEntry("1.2.3.4 a.example.com\r", "1.2.3.4", 1, "a.example.com", 9);
  expectEntry("1.2.3.4 a.example.com # trailing comment", "1.2.3.4", 1, "a.example.com", 9);
  expectEntry("2001:db8::1 a.example.com", "2001:db8::1", 1, "a.example.com", 13);
}

TEST(BulkLineTest, BlankAndCommentLines) {
  EXPECT_EQ(parseBulkLine("").kind, BulkLine::Kind::kBlank);
  EXPECT_EQ(parseBulkLine("   \t ").kind, BulkLine::Kind::kBlank);
  EXPECT_EQ(parseBulkLine("# just a comment").kind, BulkLine::Kind::kBlank);
  EXPECT_EQ(parseBulkLine("\r").kind, BulkLine::Kind::kBlank);
}

TEST(BulkLineTest, ErrorsSayWhatAndWhere) {
  BulkLine b = parseBulkLine("1.2.3.4,,a.example.com");
  EXPECT_EQ(b.kind, BulkLine::Kind::kError);
  EXPECT_EQ(b.error, "more than one comma between IP and hostname");
  EXPECT_EQ(b.errorColumn, 9u);
  b = parseBulkLine("1.2.3.4");
  EXPECT_EQ(b.kind, BulkLine::Kind::kError);
  EXPECT_EQ(b.error, "line has an IP address but no hostname");
  b = parseBulkLine("1.2.3.4 a.example.com extra");
  EXPECT_EQ(b.kind, BulkLine::Kind::kError);
  EXPECT_EQ(b.errorColumn, 23u);
  b = parseBulkLine("1.2.3.4 a.example.com,");
  EXPECT_EQ(b.kind, BulkLine::Kind::kError);
  b = parseBulkLine(",a.example.com");
  EXPECT_EQ(b.kind, BulkLine::Kind::kError);
  EXPECT_EQ(b.errorColumn, 1u);
}

TEST(BulkLineTest, IpOnlyWhenAllowed) {
  BulkLine b = parseBulkLine("1.2.3.4  # audit this one", /*allowIpOnly=*/true);
  EXPECT_EQ(b.kind, BulkLine::Kind::kEntry);
  EXPECT_EQ(b.ip, "1.2.3.4");
  EXPECT_TRUE(b.hostname.empty());
}

}  // namespace
}  // namespace ptrd
