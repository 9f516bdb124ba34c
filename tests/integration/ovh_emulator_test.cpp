// The ovh-emulator itself: it must refuse what OVH refuses (a wrong key, secret
// or consumer key, a body changed after signing, a stale timestamp, a block not
// URL-encoded, unknown fields), or the acceptance tests through it prove nothing.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "providers/ovh/ovh_signature.h"
#include "tests/lab/child_process.h"
#include "tests/lab/emulator_process.h"
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using Json = nlohmann::json;

int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Signing {
  std::string key = "ak-test", secret = "as-test", consumer = "ck-test";
  int64_t timestamp = now();
};

class OvhEmulatorTest : public ::testing::Test {
 protected:
  OvhEmulatorTest() {
    pdns_.createZone("113.0.203.in-addr.arpa.");
    emulator_ = std::make_unique<lab::EmulatorProcess>(
        PTRD_OVH_EMULATOR_PATH,
        std::vector<std::pair<std::string, std::string>>{{"application-key", "ak-test"},
                                                         {"application-secret", "as-test"},
                                                         {"consumer-key", "ck-test"}},
        "203.0.113.0/29\n203.0.113.3 relay.example.com\n",
        std::vector<std::string>{"--pdns-url", pdns_.apiUrl(), "--pdns-key-file",
                                 pdns_.apiKeyFile()});
  }

  // Signs (method, path, signedBody) and sends sentBody.
  httplib::Result call(const std::string& method, const std::string& path,
                       const std::string& signedBody, const std::string& sentBody,
                       const Signing& s = {}) {
    httplib::Client c(emulator_->url());
    const std::string url = emulator_->url() + path;
    httplib::Headers h = {
        {"X-Ovh-Application", s.key},
        {"X-Ovh-Consumer", s.consumer},
        {"X-Ovh-Timestamp", std::to_string(s.timestamp)},
        {"X-Ovh-Signature",
         providers::ovh::signature({s.secret, s.consumer, method, url, signedBody, s.timestamp})}};
    if (method == "POST") return c.Post(path.c_str(), h, sentBody, "application/json");
    if (method == "DELETE") return c.Delete(path.c_str(), h);
    return c.Get(path.c_str(), h);
  }
  static std::string code(const httplib::Result& r) {
    return Json::parse(r->body).value("errorCode", "");
  }

  lab::PdnsServer pdns_;
  std::unique_ptr<lab::EmulatorProcess> emulator_;
};

TEST_F(OvhEmulatorTest, AcceptsOnlyExactSignatures) {
  auto ok = call("GET", "/1.0/ip", "", "");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Json::parse(ok->body), Json::array({"203.0.113.0/29"}));

  Signing wrongSecret;
  wrongSecret.secret = "as-other";
  auto r = call("GET", "/1.0/ip", "", "", wrongSecret);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(code(r), "INVALID_SIGNATURE");

  Signing wrongConsumer;
  wrongConsumer.consumer = "ck-other";
  r = call("GET", "/1.0/ip", "", "", wrongConsumer);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(code(r), "INVALID_CREDENTIAL");

  Signing wrongKey;
  wrongKey.key = "ak-other";
  r = call("GET", "/1.0/ip", "", "", wrongKey);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(code(r), "INVALID_KEY");

  Signing stale;
  stale.timestamp = now() - 300;
  r = call("GET", "/1.0/ip", "", "", stale);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(code(r), "QUERY_TIME_OUT");

  // A body changed after signing: the same path and headers, other bytes.
  const std::string signedBody = R"({"ipReverse":"203.0.113.1","reverse":"a.example.com."})";
  r = call("POST", "/1.0/ip/203.0.113.0%2F29/reverse", signedBody,
           R"({"ipReverse":"203.0.113.2","reverse":"a.example.com."})");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(code(r), "INVALID_SIGNATURE");
  for (const auto& req : emulator_->requests())
    if (req["method"] == "POST") {
      EXPECT_NE(req["status"], 200) << req.dump();  // nothing written
    }
}

TEST_F(OvhEmulatorTest, IsStrictAboutPathsAndBodies) {
  // The block's slash must be escaped.
  auto r = call("GET", "/1.0/ip/203.0.113.0/29/reverse", "", "");
  EXPECT_EQ(r->status, 404);
  r = call("GET", "/1.0/ip/203.0.113.0%2F29/reverse", "", "");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json::parse(r->body), Json::array({"203.0.113.3"}));  // custom entries only
  r = call("GET", "/1.0/ip/203.0.113.0%2F29/reverse/203.0.113.1", "", "");
  EXPECT_EQ(r->status, 404);  // the default is never shown
  r = call("GET", "/1.0/ip/198.51.100.0%2F29/reverse", "", "");
  EXPECT_EQ(r->status, 404);  // not the account's block
  const std::string extra = R"({"ipReverse":"203.0.113.1","reverse":"a.example.com.","ttl":1})";
  r = call("POST", "/1.0/ip/203.0.113.0%2F29/reverse", extra, extra);
  EXPECT_EQ(r->status, 400);
  const std::string outside = R"({"ipReverse":"203.0.113.9","reverse":"a.example.com."})";
  r = call("POST", "/1.0/ip/203.0.113.0%2F29/reverse", outside, outside);
  EXPECT_EQ(r->status, 400);
}

TEST_F(OvhEmulatorTest, ServesItsSkewedClockUnsigned) {
  emulator_->admin("/admin/clock", {{"skewSeconds", 300}});
  httplib::Client c(emulator_->url());
  auto r = c.Get("/1.0/auth/time");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NEAR(std::stoll(r->body), now() + 300, 5);
  Signing local;  // signed with this machine's clock: five minutes off the API's
  EXPECT_EQ(code(call("GET", "/1.0/ip", "", "", local)), "QUERY_TIME_OUT");
  local.timestamp = now() + 300;
  EXPECT_EQ(call("GET", "/1.0/ip", "", "", local)->status, 200);
}

}  // namespace
}  // namespace ptrd
