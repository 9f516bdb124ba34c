#include "reconciler/source/mapping_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/source/mapping_test_support.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd {
namespace {

using ::testing::ElementsAre;
using testing::errorTexts;
using ::testing::HasSubstr;
using testing::kHeader;
using ::testing::SizeIs;

class MappingLoaderTest : public ::testing::Test {
 protected:
  DesiredState load(const std::string& name, const std::string& content, LoadOptions opts = {}) {
    file_ = dir_.write(name, content);
    return loadMappings({file_}, opts);
  }
  std::string at(int line, int col) const {
    return file_ + ":" + std::to_string(line) + ":" + std::to_string(col);
  }

  testing::TempDir dir_;
  std::string file_;
};

TEST_F(MappingLoaderTest, LoadsRecordsNormalised) {
  auto d = load("m.yaml", std::string(kHeader) +
                              "  records:\n"
                              "    - ip: 203.0.113.10\n"
                              "      hostname: Mail.Example.COM\n"
                              "    - ip: 2001:DB8:0::25\n"
                              "      hostname: mail.example.com.\n"
                              "    - ip: 203.0.113.11\n"
                              "      reset: true\n");
  EXPECT_THAT(errorTexts(d), SizeIs(0));
  ASSERT_THAT(d.records, SizeIs(3));
  EXPECT_EQ(d.records[0].ip.str(), "203.0.113.10");
  EXPECT_EQ(d.records[0].hostname, "mail.example.com.");
  EXPECT_EQ(d.records[0].line, 7u);
  EXPECT_TRUE(d.records[1].reset);
  EXPECT_EQ(d.records[2].ip.str(), "2001:db8::25");
  EXPECT_EQ(d.sources[0].name, "t");
  EXPECT_EQ(d.sources[0].valid, 3u);
}

TEST_F(MappingLoaderTest, BareHostnameNamesFileAndLine) {
  auto d = load("mail.yaml", std::string(kHeader) +
                                 "  records:\n"
                                 "    - ip: 203.0.113.10\n"
                                 "      hostname: mail\n");
  EXPECT_THAT(
      errorTexts(d),
      ElementsAre(at(8, 17) +
                  ": hostname \"mail\" has no domain (need an FQDN such as mail.example.com)"));
  EXPECT_THAT(d.records, SizeIs(0));
  ASSERT_THAT(d.invalid, SizeIs(1));
  EXPECT_EQ(d.invalid[0].ip->str(), "203.0.113.10");  // the plan can still say which IP is invalid
}

TEST_F(MappingLoaderTest, RecordRules) {
  auto d = load("r.yaml", std::string(kHeader) +
                              "  records:\n"
                              "    - ip: 203.0.113.010\n"  // 7
                              "      hostname: a.example.com\n"
                              "    - ip: 203.0.113.2\n"  // 9
                              "      hostname: a.example.com\n"
                              "      reset: true\n"                // 11
                              "    - ip: 203.0.113.3\n"            // 12
                              "    - ip: 203.0.113.4\n"            // 13
                              "      reset: yes\n"                 // 14
                              "    - hostname: b.example.com\n");  // 15
  EXPECT_THAT(
      errorTexts(d),
      ElementsAre(
          at(7, 11) + ": invalid IP address \"203.0.113.010\": leading zero in octet \"010\"",
          at(11, 14) + ": record for 203.0.113.2 has both hostname and reset: true; choose one",
          at(12, 7) + ": record for 203.0.113.3 has neither hostname nor reset: true",
          at(14, 14) + ": reset must be true or false", at(15, 7) + ": record has no ip"));
  EXPECT_THAT(d.records, SizeIs(0));
}

TEST_F(MappingLoaderTest, BulkBlockErrorsUseFileLines) {
  auto d = load("b.yaml", std::string(kHeader) +
                              "  bulk: |\n"                            // 6
                              "    # comment\n"                        // 7
                              "    203.0.113.20 smtp1.example.com\n"   // 8
                              "\n"                                     // 9
                              "    203.0.113.21,smtp2.example.com\n"   // 10
                              "    203.0.113.22, smtp3.example.com\n"  // 11
                              "    203.0.113.23 mail\n"                // 12
                              "    203.0.113.24,,x.example.com\n");    // 13
  EXPECT_THAT(
      errorTexts(d),
      ElementsAre(
          at(12, 18) + ": hostname \"mail\" has no domain (need an FQDN such as mail.example.com)",
          at(13, 18) + ": more than one comma between IP and hostname"));
  ASSERT_THAT(d.records, SizeIs(3));
  EXPECT_EQ(d.records[0].line, 8u);
  EXPECT_EQ(d.records[1].line, 10u);
  EXPECT_EQ(d.records[2].hostname, "smtp3.example.com.");
}

TEST_F(MappingLoaderTest, BulkFilesWithCrlfAndCsvHeader) {
  std::string txt =
      dir_.write("fleet.txt", "# fleet\r\n203.0.113.1 a.example.com\r\n\r\n203.0.113.2\tmail\r\n");
  std::string csv = dir_.write("fleet.csv", "ip,hostname\n203.0.113.3,c.example.com\n");
  auto d = loadMappings({txt, csv});
  EXPECT_THAT(errorTexts(d),
              ElementsAre(txt + ":4:13: hostname \"mail\" has no domain (need an FQDN such as "
                                "mail.example.com)"));
  ASSERT_THAT(d.records, SizeIs(2));
  EXPECT_EQ(d.records[1].ip.str(), "203.0.113.3");
}

TEST_F(MappingLoaderTest, UnsortedBulkLinesAreSortedMergedAndConflictsDropped) {
  // Records are put in address order in place (following the sort's cycles):
  // every record must land once, with its own name and line.
  std::string text;
  const int order[] = {7, 3, 9, 1, 8, 2, 6, 4, 5, 3, 0};  // .3 twice (a harmless repeat)
  for (int i : order)
    text += "203.0.113." + std::to_string(i) + " h" + std::to_string(i) + ".example.com\n";
  text += "203.0.113.8 other.example.com\n";  // .8 twice with two names: neither stands
  auto d = load("fleet.txt", text);
  ASSERT_THAT(d.records, SizeIs(9));
  for (size_t k = 0; k < d.records.size(); ++k) {
    const int i = int(k) + (k >= 8 ? 1 : 0);  // .8 is gone
    EXPECT_EQ(d.records[k].ip.str(), "203.0.113." + std::to_string(i));
    EXPECT_EQ(d.records[k].hostname, "h" + std::to_string(i) + ".example.com.");
  }
  EXPECT_EQ(d.find(*IpAddress::parse("203.0.113.0"))->line, 11u);
  EXPECT_EQ(d.find(*IpAddress::parse("203.0.113.3"))->line, 2u);
  EXPECT_EQ(d.duplicates(), 1u);
  EXPECT_THAT(errorTexts(d), SizeIs(1));
}

TEST_F(MappingLoaderTest, RangesExpandAndRecordsWin) {
  auto d = load("p.yaml", std::string(kHeader) +
                              "  records:\n"
                              "    - ip: 198.51.100.7\n"
                              "      hostname: special.example.net\n"
                              "  ranges:\n"
                              "    - cidr: 198.51.100.0/29\n"
                              "      hostname: \"{dashed}.pool.example.net\"\n");
  EXPECT_THAT(errorTexts(d), SizeIs(0));
  ASSERT_THAT(d.records, SizeIs(8));
  EXPECT_EQ(d.records[0].hostname, "198-51-100-0.pool.example.net.");
  EXPECT_EQ(d.find(*IpAddress::parse("198.51.100.7"))->hostname, "special.example.net.");
}

TEST_F(MappingLoaderTest, RangeLimitAndTemplateErrors) {
  auto d = load("p.yaml",
                std::string(kHeader) +
                    "  ranges:\n"
                    "    - cidr: 10.0.0.0/8\n"  // 7
                    "      hostname: \"{dashed}.x.net\"\n"
                    "    - cidr: 10.1.0.0/24\n"        // 9
                    "      hostname: \"{e}.x.net\"\n"  // 10
                    "    - cidr: 10.2.0.0/24\n"
                    "      hostname: \"{a}\"\n"  // 12
                    "    - cidr: 10.3.0.1/24\n"  // 13
                    "      hostname: \"{dashed}.x.net\"\n",
                LoadOptions{65536});
  auto errors = errorTexts(d);
  ASSERT_THAT(errors, SizeIs(4));
  EXPECT_THAT(errors[0],
              HasSubstr(at(7, 13) +
                        ": range 10.0.0.0/8 has 16777216 addresses, more than the limit of 65536"));
  EXPECT_THAT(errors[1], HasSubstr(at(10, 17) + ": unknown placeholder {e}"));
  EXPECT_THAT(errors[2],
              HasSubstr(at(12, 17) + ": range 10.2.0.0/24: template gives \"10\" for 10.2.0.0"));
  EXPECT_THAT(errors[3],
              HasSubstr(at(13, 13) + ": invalid cidr \"10.3.0.1/24\": 10.3.0.1 has host bits set"));
  EXPECT_THAT(d.records, SizeIs(0));
}

TEST_F(MappingLoaderTest, ConflictsAcrossFilesNameBothPlaces) {
  std::string a = dir_.write(
      "a.yaml",
      std::string(kHeader) + "  records:\n    - ip: 203.0.113.10\n      hostname: a.example.com\n");
  std::string b = dir_.write("b.txt",
                             "203.0.113.10 b.example.com\n203.0.113.11 "
                             "same.example.com\n203.0.113.11 SAME.example.com.\n");
  auto d = loadMappings({dir_.path().string()});
  EXPECT_THAT(errorTexts(d), ElementsAre(b +
                                         ":1:1: 203.0.113.10 is declared as \"b.example.com.\" "
                                         "here and as \"a.example.com.\" at " +
                                         a + ":7:7 (one IP, one PTR)"));
  ASSERT_THAT(d.records, SizeIs(1));  // the conflicting IP gets nothing
  EXPECT_EQ(d.records[0].ip.str(), "203.0.113.11");
  EXPECT_EQ(d.duplicates(), 1u);
}

TEST_F(MappingLoaderTest, StructuralErrorsFailTheWholeFile) {
  auto d = load("s.yaml", std::string(kHeader) +
                              "  records:\n"
                              "    - ip: 203.0.113.10\n"
                              "      hostnme: a.example.com\n"  // 8: typo
                              "    - ip: 203.0.113.11\n"
                              "      hostname: b.example.com\n"
                              "  recods: []\n");  // 11: typo
  // File errors first (sorted by position), then the entry-level ones.
  EXPECT_THAT(errorTexts(d),
              ElementsAre(HasSubstr(at(8, 7) + ": unknown field \"hostnme\" in a record"),
                          HasSubstr(at(11, 3) + ": unknown field \"recods\" in spec"),
                          HasSubstr(at(7, 7) + ": record for 203.0.113.10 has neither hostname")));
  EXPECT_FALSE(d.complete());
  EXPECT_THAT(d.records, SizeIs(0));  // not even the good record: the file failed
}

TEST_F(MappingLoaderTest, UnknownKindApiVersionAndSyntax) {
  auto kind = load("k.yaml", "apiVersion: ptrd.io/v1alpha1\nkind: PTRMapping\nspec: {}\n");
  EXPECT_THAT(errorTexts(kind),
              ElementsAre(at(2, 7) + ": unknown kind \"PTRMapping\" (expected PTRMappings)"));
  auto api = load("a.yaml", "apiVersion: ptrd.io/v1\nkind: PTRMappings\nspec: {}\n");
  EXPECT_THAT(
      errorTexts(api),
      ElementsAre(at(1, 13) + ": unknown apiVersion \"ptrd.io/v1\" (ptrd reads ptrd.io/v1alpha1)"));
  auto syntax = load("y.yaml", std::string(kHeader) + "  records: [\n");
  ASSERT_THAT(syntax.fileErrors, SizeIs(1));
  EXPECT_THAT(syntax.fileErrors[0].str(), HasSubstr("YAML syntax error"));
  EXPECT_THAT(syntax.fileErrors[0].str(), HasSubstr(file_ + ":"));
  auto dup =
      load("d.yaml", std::string(kHeader) +
                         "  bulk: \"1.2.3.4 a.example.com\"\n  bulk: \"1.2.3.5 b.example.com\"\n");
  EXPECT_THAT(errorTexts(dup), ElementsAre(at(7, 3) + ": field \"bulk\" is given twice in spec"));
}

// yaml-cpp 0.7's LoadAll loops forever on a stray comma (found by fuzzing): it must
// be a syntax error at its line instead.
TEST_F(MappingLoaderTest, StrayCommaIsASyntaxErrorNotAHang) {
  auto d = load("comma.yaml",
                std::string(kHeader) +
                    "  records:\n    - ip: 203.0.113.1\n      hostname: a.example.com\n,\n");
  ASSERT_THAT(d.fileErrors, SizeIs(1));
  EXPECT_THAT(d.fileErrors[0].str(), HasSubstr("YAML syntax error"));
  EXPECT_THAT(d.records, SizeIs(0));
  auto bare = load("bare.yaml", ",\n");
  ASSERT_THAT(bare.fileErrors, SizeIs(1));
  EXPECT_THAT(bare.fileErrors[0].str(), HasSubstr(file_ + ":"));
}

TEST_F(MappingLoaderTest, MultipleDocumentsAndConfigIsSkipped) {
  auto d = load("multi.yaml",
                std::string(kHeader) + "  bulk: \"203.0.113.1 a.example.com\"\n---\n" +
                    "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec: {}\n---\n" +
                    kHeader + "  bulk: \"203.0.113.2 b.example.com\"\n---\n");
  EXPECT_THAT(errorTexts(d), SizeIs(0));
  EXPECT_THAT(d.records, SizeIs(2));
  EXPECT_THAT(d.sources, SizeIs(2));
}

// Spreadsheet "CSV UTF-8" exports and some editors start the file with a UTF-8
// byte-order mark. Glued to the first address it made that line invalid, and
// under sync its IP "undeclared": it must simply be dropped.
TEST_F(MappingLoaderTest, ByteOrderMarkInFrontOfAFileIsDropped) {
  std::string csv =
      dir_.write("export.csv", "\xEF\xBB\xBFip,hostname\r\n203.0.113.3,c.example.com\r\n");
  std::string txt = dir_.write("fleet.txt",
                               "\xEF\xBB\xBF"
                               "203.0.113.4 d.example.com\n");
  std::string yaml = dir_.write(
      "m.yaml", std::string("\xEF\xBB\xBF") + kHeader + "  bulk: \"203.0.113.5 e.example.com\"\n");
  auto d = loadMappings({csv, txt, yaml});
  EXPECT_THAT(errorTexts(d), SizeIs(0));
  EXPECT_THAT(d.records, SizeIs(3));
}

// YAML aliases repeat a node for a few bytes: 600 bytes of `*r` over a /16 range
// expanded to ~500 MB. The range cap is per range; the file and the total are
// capped too, before anything is expanded past them.
TEST_F(MappingLoaderTest, AliasesRepeatingARangeHitThePerFileBound) {
  std::string text =
      std::string(kHeader) + "  ranges: [&r {cidr: 10.0.0.0/24, hostname: \"{dashed}.x.net\"}";
  for (int i = 0; i < 10; ++i) text += ", *r";
  text += "]\n";
  LoadOptions opts;
  opts.maxAddressesPerFile = 1000;
  auto d = load("bomb.yaml", text, opts);
  ASSERT_THAT(d.fileErrors, SizeIs(1));
  EXPECT_EQ(d.fileErrors[0].str(),
            at(6, 12) +
                ": more than the limit of 1000 addresses per file (records, bulk lines "
                "and range addresses, YAML aliases included); the file is not loaded");
  EXPECT_THAT(d.records, SizeIs(0));
  EXPECT_EQ(kMaxAddressesPerFile, 1'048'576u);
  EXPECT_EQ(kMaxAddressesTotal, 4'194'304u);
}

TEST_F(MappingLoaderTest, BulkLinesAndTheTotalAreBounded) {
  std::string a = dir_.write(
      "a.txt", "203.0.113.1 a.example.com\n203.0.113.2 b.example.com\n203.0.113.3 c.example.com\n");
  std::string b = dir_.write(
      "b.txt", "203.0.113.4 a.example.com\n203.0.113.5 b.example.com\n203.0.113.6 c.example.com\n");
  LoadOptions opts;
  opts.maxAddressesPerFile = 2;
  auto perFile = loadMappings({a, b}, opts);
  ASSERT_THAT(perFile.fileErrors, SizeIs(2));
  EXPECT_THAT(perFile.fileErrors[0].str(),
              HasSubstr(a + ":3:1: more than the limit of 2 addresses per file"));
  EXPECT_THAT(perFile.records, SizeIs(0)) << "never part of a file";
  opts = {};
  opts.maxAddressesTotal = 5;
  auto total = loadMappings({a, b}, opts);
  ASSERT_THAT(total.fileErrors, SizeIs(1));
  EXPECT_THAT(
      total.fileErrors[0].str(),
      HasSubstr(b + ":3:1: more than the limit of 5 addresses in all mapping files together"));
  EXPECT_THAT(total.records, SizeIs(0)) << "never a partial desired state";
}

}  // namespace
}  // namespace ptrd
