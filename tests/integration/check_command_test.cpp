// `ptrd check` as a user runs it: the real binary against NSD on loopback.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/dns_lab_fixture.h"
#include "tests/lab/child_process.h"
#include "tests/lab/silent_server.h"

namespace ptrd {
namespace {

using testing::DnsLab;

class CheckCommandTest : public DnsLab {
 protected:
  void SetUp() override { scratch_ = lab::makeTempDir("ptrd-check-"); }
  void TearDown() override { std::filesystem::remove_all(scratch_); }

  lab::CommandResult check(std::vector<std::string> extra) {
    std::vector<std::string> argv = {PTRD_BINARY, "check", "--resolver", nsd().address()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return lab::runCommand(argv, scratch_);
  }
  std::string writeFile(const std::string& name, const std::string& text) {
    std::string path = scratch_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string scratch_;
};

TEST_F(CheckCommandTest, AllConfirmedExitsZero) {
  auto r = check({"192.0.2.10", "192.0.2.17", "2001:db8::25"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 checked: 3 confirmed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mail.example.com."), std::string::npos) << r.out;
}

TEST_F(CheckCommandTest, JsonHasResultsAndSummaryAndExitTwo) {
  auto r = check({"-o", "json", "192.0.2.10", "192.0.2.11", "192.0.2.15", "192.0.2.14", "192.0.3.1",
                  "198.51.100.1"});
  ASSERT_EQ(r.exit_code, 2) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["results"].size(), 6u);
  EXPECT_EQ(doc["results"][0]["ip"], "192.0.2.10");
  EXPECT_EQ(doc["results"][0]["ptr"], nlohmann::json::array({"mail.example.com."}));
  EXPECT_EQ(doc["results"][0]["forward"], nlohmann::json::array({"192.0.2.10"}));
  EXPECT_EQ(doc["results"][0]["verdict"], "confirmed");
  EXPECT_EQ(doc["results"][1]["verdict"], "forward_mismatch");
  EXPECT_EQ(doc["results"][2]["verdict"], "no_ptr");
  EXPECT_EQ(doc["results"][3]["verdict"], "multiple_ptr");
  EXPECT_EQ(doc["results"][4]["verdict"], "lookup_error");
  EXPECT_EQ(doc["results"][5]["verdict"], "lookup_error");
  EXPECT_EQ(doc["summary"]["confirmed"], 1);
  EXPECT_EQ(doc["summary"]["lookup_error"], 2);
  EXPECT_EQ(doc["summary"]["forward_missing"], 0);  // every verdict key is present
}

TEST_F(CheckCommandTest, BulkFileComparesWithDeclaredNames) {
  std::string file = writeFile("fleet.txt",
                               "# declared names\n"
                               "192.0.2.10 Mail.Example.com\n"
                               "192.0.2.17,other.example.com\n"
                               "192.0.2.12\n");
  auto r = check({"-f", file, "-o", "json"});
  ASSERT_EQ(r.exit_code, 2) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["results"].size(), 3u);
  EXPECT_EQ(doc["results"][0]["ptr_matches_declared"], true);
  EXPECT_EQ(doc["results"][1]["verdict"], "confirmed");
  EXPECT_EQ(doc["results"][1]["ptr_matches_declared"],
            false);  // confirmed, but not what was declared
  EXPECT_FALSE(doc["results"][2].contains("declared"));
  EXPECT_EQ(doc["results"][2]["verdict"], "forward_missing");
}

TEST_F(CheckCommandTest, DeclaredAndConfirmedExitsZero) {
  std::string file = writeFile("ok.csv", "192.0.2.10,mail.example.com\n");
  auto r = check({"-f", file});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("ok mail.example.com."), std::string::npos) << r.out;
}

TEST_F(CheckCommandTest, BadInputIsAnErrorNamingIt) {
  auto bad_ip = check({"192.0.2.10", "192.0.2.010"});
  EXPECT_EQ(bad_ip.exit_code, 1);
  EXPECT_NE(bad_ip.err.find("192.0.2.010"), std::string::npos) << bad_ip.err;

  std::string file = writeFile("bad.txt", "192.0.2.10 mail.example.com\n300.1.1.1 x.example.com\n");
  auto bad_line = check({"-f", file});
  EXPECT_EQ(bad_line.exit_code, 1);
  EXPECT_NE(bad_line.err.find("bad.txt:2:1"), std::string::npos) << bad_line.err;

  auto missing = check({"-f", scratch_ + "/nope.txt"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.txt"), std::string::npos) << missing.err;

  auto bad_resolver =
      lab::runCommand({PTRD_BINARY, "check", "--resolver", "localhost:53", "192.0.2.10"}, scratch_);
  EXPECT_EQ(bad_resolver.exit_code, 1);
  EXPECT_NE(bad_resolver.err.find("localhost:53"), std::string::npos) << bad_resolver.err;
}

TEST_F(CheckCommandTest, SilentResolverIsAnError) {
  lab::SilentServer silent;
  auto r = lab::runCommand({PTRD_BINARY, "check", "--resolver", silent.address(), "--timeout",
                            "0.1", "--attempts", "1", "192.0.2.10"},
                           scratch_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("no DNS server answered"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("lookup_error"), std::string::npos) << r.out;
}

// More addresses than one chunk: the first chunk is asked while the file still
// loads (cmd/check_prefetch.h). The rows must be what asking afterwards gives:
// every address once, in file order, first declaration first -- also when a
// repeat early in the file shifts the chunks and the early answers are thrown
// away.
TEST_F(CheckCommandTest, AFileLargerThanAChunkIsCheckedInFileOrder) {
  for (bool early_repeat : {false, true}) {
    std::string text = "192.0.2.10 mail.example.com\n";
    if (early_repeat) text += "192.0.2.10 mail.example.com\n";
    std::vector<std::string> order = {"192.0.2.10"};
    for (int i = 0; i < 20000; ++i) {
      order.push_back(fmt::format("10.0.{}.{}", i / 256, i % 256));
      text += order.back() + "\n";
    }
    auto r = check({"-o", "json", "-f", writeFile("fleet.txt", text)});
    ASSERT_EQ(r.exit_code, 2) << r.err;  // 10.0.0.0/8 is not the lab's: lookup_error
    auto doc = nlohmann::json::parse(r.out);
    ASSERT_EQ(doc["results"].size(), order.size());
    for (size_t i = 0; i < order.size(); ++i)
      ASSERT_EQ(doc["results"][i]["ip"], order[i]) << "row " << i;
    EXPECT_EQ(doc["results"][0]["verdict"], "confirmed");
    EXPECT_EQ(doc["summary"]["confirmed"], 1);
    EXPECT_EQ(doc["summary"]["lookup_error"], 20000);
  }
}

// A broken last line is an error at once, with no row written, even while the
// first chunk's questions wait on a DNS server that never answers: they are
// cancelled, not waited out (a chunk of 8,192 at the default 2 s + 4 s, 100 at
// a time, would take eight minutes; the test's time limit is a minute).
TEST_F(CheckCommandTest, ABrokenLargeFileFailsAtOnceWhileTheFirstChunkWaitsOnDns) {
  lab::SilentServer silent;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += fmt::format("10.0.{}.{}\n", i / 256, i % 256);
  text += "300.1.1.1 x.example.com\n";
  auto r = lab::runCommand(
      {PTRD_BINARY, "check", "--resolver", silent.address(), "-f", writeFile("big.txt", text)},
      scratch_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("big.txt:20001:1"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "") << "no row before the whole file has parsed";
}

TEST_F(CheckCommandTest, ConfigGivesResolversAndDeclaredIps) {
  std::filesystem::create_directories(scratch_ + "/mappings");
  writeFile("mappings/fleet.txt", "192.0.2.10 mail.example.com\n192.0.2.11 other.example.com\n");
  writeFile("api-key", "unused\n");
  std::string config =
      writeFile("ptrd.yaml",
                "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n"
                "  mappings: [mappings/]\n"
                "  provider: {type: powerdns, url: \"http://127.0.0.1:1\", apiKeyFile: api-key}\n"
                "  resolvers: [\"" +
                    nsd().address() + "\"]\n");
  // No --resolver: the config's resolver (the lab NSD) is used.
  auto r = lab::runCommand({PTRD_BINARY, "check", "-c", config, "-o", "json"}, scratch_);
  ASSERT_EQ(r.exit_code, 2) << r.out << r.err;
  auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["results"].size(), 2u);
  EXPECT_EQ(doc["results"][0]["verdict"], "confirmed");
  EXPECT_EQ(doc["results"][0]["ptr_matches_declared"], true);
  EXPECT_EQ(doc["results"][1]["verdict"], "forward_mismatch");
}

TEST_F(CheckCommandTest, HelpWarnsAboutTheSystemResolver) {
  auto r = lab::runCommand({PTRD_BINARY, "check", "--help"}, scratch_);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("MUST pass --resolver"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ptrd
