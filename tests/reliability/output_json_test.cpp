// Issue #10 case 8: every output format survives every input. A mapping file
// with bytes that are not UTF-8 (0xff, a lone 0xc3) in a hostname, a comment or
// metadata.name once made `validate -o json` and `plan -o json` abort inside
// nlohmann::json (type_error.316). Now such bytes come out as U+FFFD, the JSON
// parses back, and the exit status is the one the input deserves. Also the plan
// object's contract (§3): apiVersion/kind, `from`/`to` null where there is no
// name, and one JSON error object on stdout when `plan -o json` fails.
#include <filesystem>

#include "tests/lab/free_port.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

// A mapping file whose bytes are not all UTF-8: a lone lead byte in a comment
// and in metadata.name, 0xff inside one hostname (an invalid entry).
const std::string kOddFile = std::string(
    "apiVersion: ptrd.io/v1alpha1\n"
    "kind: PTRMappings\n"
    "metadata:\n"
    "  name: odd-\xc3-fleet\n"
    "spec:\n"
    "  records:  # caf\xc3 comment\n"
    "    - ip: 203.0.113.3\n"
    "      hostname: host-3.example.com\n"
    "    - ip: 203.0.113.4\n"
    "      hostname: \"bad\xff"
    "host.example.com\"\n");

// Only the comment is odd: the file is valid.
const std::string kOddCommentOnly = std::string(
    "apiVersion: ptrd.io/v1alpha1\n"
    "kind: PTRMappings\n"
    "metadata:\n"
    "  name: fine\n"
    "spec:\n"
    "  records:  # \xff\xc3 comment\n"
    "    - ip: 203.0.113.3\n"
    "      hostname: host-3.example.com\n");

class OutputJson : public ReliabilityLab {
 protected:
  bool crashed(const PtrdRun& r) const {
    return r.result.exit_code < 0 || r.result.exit_code >= 128;
  }
};

TEST_F(OutputJson, ValidateJsonSurvivesNonUtf8BytesInMappingFiles) {
  writeFile("odd.yaml", kOddFile);
  PtrdRun r = ptrd({"validate", "-o", "json", scratch_ + "/odd.yaml"});
  EXPECT_FALSE(crashed(r)) << r.result.err;
  EXPECT_EQ(r.result.exit_code, 1) << "a hostname with 0xff is an error\n"
                                   << r.result.out << r.result.err;
  ASSERT_FALSE(r.doc.is_null()) << "stdout is not JSON:\n" << r.result.out << r.result.err;
  EXPECT_EQ(r.doc["ok"], false);
  EXPECT_GE(r.doc["errors"].size(), 1u) << r.doc.dump();

  writeFile("comment.yaml", kOddCommentOnly);
  PtrdRun ok = ptrd({"validate", "-o", "json", scratch_ + "/comment.yaml"});
  EXPECT_EQ(ok.result.exit_code, 0) << ok.result.out << ok.result.err;
  ASSERT_FALSE(ok.doc.is_null()) << ok.result.out << ok.result.err;
  EXPECT_EQ(ok.doc["ok"], true);
}

TEST_F(OutputJson, PlanJsonSurvivesNonUtf8BytesInMappingFiles) {
  writeFile("mappings/odd.yaml", kOddFile);
  const std::string config = writeConfig({});
  PtrdRun r = ptrd({"plan", "-c", config, "-o", "json"});
  EXPECT_FALSE(crashed(r)) << r.result.err;
  ASSERT_FALSE(r.doc.is_null()) << "stdout is not JSON:\n" << r.result.out << r.result.err;
  // 203.0.113.3 needs a set; the bad entry is `invalid`, not a load failure.
  EXPECT_EQ(r.result.exit_code, 2) << r.result.out << r.result.err;
  EXPECT_EQ(r.doc["summary"]["invalid"], 1) << r.doc["summary"].dump();
  EXPECT_EQ(r.doc["summary"]["set"], 1) << r.doc["summary"].dump();
  PtrdRun text = ptrd({"plan", "-c", config});
  EXPECT_EQ(text.result.exit_code, 2) << text.result.out << text.result.err;
}

TEST_F(OutputJson, PlanJsonCarriesKindAndNullWhereThereIsNoName) {
  declare(fleet());
  const std::string config = writeConfig({.policy = "sync"});
  PtrdRun r = ptrd({"plan", "-c", config, "-o", "json"});
  EXPECT_EQ(r.result.exit_code, 2) << r.result.out << r.result.err;
  ASSERT_FALSE(r.doc.is_null()) << r.result.out << r.result.err;
  EXPECT_EQ(r.doc["apiVersion"], "ptrd.io/v1alpha1");
  EXPECT_EQ(r.doc["kind"], "Plan");
  int sets = 0, resets = 0;
  for (const auto& c : r.doc["changes"]) {
    for (const char* key : {"from", "to"}) {
      ASSERT_TRUE(c.contains(key)) << c.dump();
      EXPECT_TRUE(c[key].is_null() || (c[key].is_string() && !c[key].get<std::string>().empty()))
          << "no name is null, never \"\": " << c.dump();
    }
    if (c["action"] == "set") {
      ++sets;
      EXPECT_TRUE(c["from"].is_null()) << "3..8 have no PTR before: " << c.dump();
      EXPECT_TRUE(c["to"].is_string()) << c.dump();
    } else {
      ++resets;
      EXPECT_EQ(c["from"].get<std::string>().rfind("stray-", 0), 0u) << c.dump();
      EXPECT_TRUE(c["to"].is_null()) << "PowerDNS reset deletes the PTR: " << c.dump();
    }
  }
  EXPECT_EQ(sets, 6);
  EXPECT_EQ(resets, 2);
}

TEST_F(OutputJson, FailedPlanJsonIsStillOneJsonErrorObject) {
  declare(fleet());
  const std::string unreachable = "http://127.0.0.1:" + std::to_string(lab::freePort());
  for (const std::string& config :
       {writeConfig({.url = unreachable}), scratch_ + "/missing.yaml"}) {
    PtrdRun r = ptrd({"plan", "-c", config, "-o", "json"});
    EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
    ASSERT_FALSE(r.doc.is_null()) << "stdout is not one JSON object:\n" << r.result.out;
    EXPECT_EQ(r.doc["apiVersion"], "ptrd.io/v1alpha1");
    EXPECT_EQ(r.doc["kind"], "Plan");
    ASSERT_TRUE(r.doc["error"].is_string()) << r.doc.dump();
    EXPECT_FALSE(r.doc["error"].get<std::string>().empty());
  }
}

}  // namespace
}  // namespace ptrd::reliability
