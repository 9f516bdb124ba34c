// Bad input from the provider side, in-process: the response parsers the fuzz
// targets exercise (tests/fuzz/fuzz_{noc,powerdns}_json.cpp) turn truncated or
// garbage documents into Errors -- never into an empty list, which the planner
// would read as "the account holds nothing" -- and the secret-file check.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "providers/http/http_client.h"
#include "providers/noc/noc_json.h"
#include "providers/powerdns/powerdns_json.h"
#include "tests/lab/nsd_server.h"  // makeTempDir

namespace ptrd::reliability {
namespace {

const char* kZones = R"([{"id": "113.0.203.in-addr.arpa.", "name": "113.0.203.in-addr.arpa."},
                         {"id": "example.com.", "name": "example.com."}])";
const char* kZone = R"({"rrsets": [{"name": "10.113.0.203.in-addr.arpa.", "type": "PTR",
                         "records": [{"content": "B.example.com.", "disabled": false},
                                     {"content": "a.example.com", "disabled": false}]}]})";

TEST(Parsers, PowerDnsDocumentsParseAndEveryPrefixOfThemIsAnError) {
  auto zones = providers::powerdns::parseReverseZones(kZones);
  ASSERT_TRUE(zones);
  ASSERT_EQ(zones->size(), 1u) << "forward zones are not ours to list";
  EXPECT_EQ((*zones)[0].name, "113.0.203.in-addr.arpa.");
  auto ptrs = providers::powerdns::parseZonePtrs(kZone);
  ASSERT_TRUE(ptrs);
  ASSERT_EQ(ptrs->size(), 1u);
  EXPECT_EQ((*ptrs)[0].ptr, "a.example.com.") << "the smallest canonical record";
  // A truncated answer (any cut) is never a shorter list.
  const std::string zonesDoc = kZones, zoneDoc = kZone;
  for (size_t cut = 0; cut + 1 < zonesDoc.size(); ++cut)
    EXPECT_FALSE(providers::powerdns::parseReverseZones(zonesDoc.substr(0, cut)))
        << "cut at " << cut;
  for (size_t cut = 0; cut + 1 < zoneDoc.size(); ++cut)
    EXPECT_FALSE(providers::powerdns::parseZonePtrs(zoneDoc.substr(0, cut))) << "cut at " << cut;
  auto garbage = providers::powerdns::parseZonePtrs("<html>502</html>");
  ASSERT_FALSE(garbage);
  EXPECT_TRUE(garbage.error().isTransient()) << "a garbled answer may be retried";
}

TEST(Parsers, NocDocumentsCutShortAreErrors) {
  const std::string page = R"({"items": [{"ip": "203.0.113.10", "ptr": "a.example.com.",
      "default_ptr": "d.example.net."}], "next_cursor": null})";
  ASSERT_TRUE(providers::noc::parseIpsPage(page));
  for (size_t cut = 0; cut + 1 < page.size(); ++cut)
    EXPECT_FALSE(providers::noc::parseIpsPage(page.substr(0, cut))) << "cut at " << cut;
  EXPECT_FALSE(providers::noc::parseJob(R"({"job_id": "j-1", "results": []})"))
      << "no state: not a job";
  EXPECT_FALSE(providers::noc::parseJobId(R"({"job_id": ""})"));
}

TEST(Parsers, SecretFileWarningOnlyForWorldReadableFiles) {
  auto dir = lab::makeTempDir("ptrd-secret-");
  const std::string path = dir + "/key";
  std::ofstream(path) << "s3cret\n";
  chmod(path.c_str(), 0600);
  EXPECT_FALSE(providers::http::secretFileWarning(path));
  chmod(path.c_str(), 0640);
  EXPECT_FALSE(providers::http::secretFileWarning(path))
      << "group-readable is the Kubernetes Secret default";
  chmod(path.c_str(), 0644);
  auto w = providers::http::secretFileWarning(path);
  ASSERT_TRUE(w);
  EXPECT_NE(w->find("mode 0644"), std::string::npos) << *w;
  EXPECT_EQ(w->find("s3cret"), std::string::npos) << "names the file, never its content";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ptrd::reliability
