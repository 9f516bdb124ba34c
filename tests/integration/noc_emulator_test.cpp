// The noc-emulator must hold the portal's contract (docs/noc-api.md)
// strictly, or the noc provider's tests would prove nothing.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "tests/lab/noc_emulator_process.h"
#include "tests/lab/pdns_server.h"

namespace ptrd::testing {
namespace {

using nlohmann::json;

class NocEmulatorContract : public ::testing::Test {
 protected:
  static lab::PdnsServer& withZone(lab::PdnsServer& p) {
    p.createZone("113.0.203.in-addr.arpa.");
    p.createZone("8.b.d.0.1.0.0.2.ip6.arpa.");
    return p;
  }
  httplib::Client client(const std::string& token) {
    httplib::Client c("127.0.0.1", noc_.port());
    if (!token.empty()) c.set_bearer_token_auth(token.c_str());
    return c;
  }
  httplib::Client client() { return client(noc_.token()); }
  static std::string code(const httplib::Result& r) {
    return json::parse(r->body)["error"]["code"];
  }

  lab::PdnsServer pdns_;
  lab::NocEmulatorProcess noc_{
      withZone(pdns_),
      lab::withAccount("203.0.113.10 vps-1 203-0-113-10.static.noc.test.\n"
                       "203.0.113.11 vps-1 203-0-113-11.static.noc.test. mail.example.com.\n"
                       "2001:db8::25 vps-2 v6-25.static.noc.test.\n")};
};

TEST_F(NocEmulatorContract, EveryCallNeedsTheBearerToken) {
  EXPECT_EQ(client("").Get("/v1/ips")->status, 401);
  auto wrong = client("wrong").Get("/v1/ips");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(code(wrong), "unauthorized");
  EXPECT_EQ(client("wrong").Get("/admin/requests")->status, 401);
  EXPECT_EQ(client().Get("/v1/ips")->status, 200);
}

TEST_F(NocEmulatorContract, ListsPagesWithOpaqueCursorsAndLimits) {
  auto c = client();
  auto first = c.Get("/v1/ips?limit=2");
  ASSERT_EQ(first->status, 200);
  auto j = json::parse(first->body);
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][1]["ptr"], "mail.example.com.");
  EXPECT_EQ(j["items"][1]["custom"], true);
  EXPECT_EQ(j["items"][0]["custom"], false);
  auto second = c.Get(("/v1/ips?limit=2&cursor=" + j["next_cursor"].get<std::string>()).c_str());
  auto j2 = json::parse(second->body);
  ASSERT_EQ(j2["items"].size(), 1u);
  EXPECT_EQ(j2["items"][0]["ip"], "2001:db8::25");
  EXPECT_TRUE(j2["next_cursor"].is_null());
  EXPECT_EQ(c.Get("/v1/ips?limit=1001")->status, 400);
  EXPECT_EQ(c.Get("/v1/ips?limit=0")->status, 400);
  EXPECT_EQ(c.Get("/v1/ips?cursor=bogus")->status, 400);
}

TEST_F(NocEmulatorContract, SingleAddressEndpoints) {
  auto c = client();
  EXPECT_EQ(c.Get("/v1/ips/203.0.113.10")->status, 200);
  auto notYours = c.Get("/v1/ips/192.0.2.1");
  EXPECT_EQ(notYours->status, 403);
  EXPECT_EQ(code(notYours), "not_yours");
  auto nonCanonical = c.Get("/v1/ips/2001:db8:0::25");
  EXPECT_EQ(nonCanonical->status, 400);
  EXPECT_EQ(code(nonCanonical), "invalid_ip");
  auto bad = c.Put("/v1/ips/203.0.113.10/ptr", R"({"ptr": "mail"})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(code(bad), "invalid_hostname");
  auto ok = c.Put("/v1/ips/203.0.113.10/ptr", R"({"ptr": "New.Example.COM"})", "application/json");
  ASSERT_EQ(ok->status, 200);
  EXPECT_EQ(json::parse(ok->body)["ptr"], "new.example.com.");
  EXPECT_EQ(pdns_.ptrRecords("113.0.203.in-addr.arpa.")["10.113.0.203.in-addr.arpa."],
            std::vector<std::string>{"new.example.com."});
  auto del = c.Delete("/v1/ips/203.0.113.10/ptr");
  ASSERT_EQ(del->status, 200);
  EXPECT_EQ(json::parse(del->body)["ptr"], "203-0-113-10.static.noc.test.");
}

TEST_F(NocEmulatorContract, PreviewCountsWithoutChanging) {
  auto r = client().Post("/v1/ptr/bulk/preview",
                         json{{"lines",
                               "# fleet\n203.0.113.10 a.example.com\n203.0.113.11,b.example.com\n"
                               "203.0.113.10 mail\n\n192.0.2.1 c.example.com\n"}}
                             .dump(),
                         "application/json");
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["valid"], 2);
  ASSERT_EQ(j["invalid"].size(), 1u);
  EXPECT_EQ(j["invalid"][0]["line"], 4);
  ASSERT_EQ(j["not_yours"].size(), 1u);
  EXPECT_EQ(j["not_yours"][0]["line"], 6);
  EXPECT_EQ(json::parse(client().Get("/v1/ips/203.0.113.10")->body)["custom"], false);
}

TEST_F(NocEmulatorContract, BulkNeedsAKeyCapsAt500AndReplaysTheFirstJob) {
  auto c = client();
  json body = {{"entries",
                {{{"ip", "203.0.113.10"}, {"ptr", "a.example.com"}},
                 {{"ip", "192.0.2.1"}, {"ptr", "b.example.com"}},
                 {{"ip", "203.0.113.11"}, {"reset", true}}}}};
  EXPECT_EQ(c.Post("/v1/ptr/bulk", body.dump(), "application/json")->status,
            400);  // no Idempotency-Key
  httplib::Headers key = {{"Idempotency-Key", "k1"}};
  auto first = c.Post("/v1/ptr/bulk", key, body.dump(), "application/json");
  ASSERT_EQ(first->status, 202);
  auto j = json::parse(first->body);
  EXPECT_EQ(j["counts"], (json{{"valid", 2}, {"invalid", 0}, {"not_yours", 1}}));
  auto again = c.Post("/v1/ptr/bulk", key, body.dump(), "application/json");
  EXPECT_EQ(json::parse(again->body)["job_id"], j["job_id"]);

  json big = {{"entries", json::array()}};
  for (int i = 0; i < 501; ++i)
    big["entries"].push_back({{"ip", "203.0.113.10"}, {"ptr", "a.example.com"}});
  auto tooBig = c.Post("/v1/ptr/bulk", {{"Idempotency-Key", "k2"}}, big.dump(), "application/json");
  EXPECT_EQ(tooBig->status, 413);
  EXPECT_EQ(code(tooBig), "batch_too_large");

  // The job ends; poll with a deadline.
  json job;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string path = "/v1/jobs/" + j["job_id"].get<std::string>();
  do {
    job = json::parse(c.Get(path.c_str())->body);
  } while (job["state"] != "done" && std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(job["state"], "done");
  EXPECT_EQ(job["summary"]["applied"], 2);
  EXPECT_EQ(job["results"][1]["status"], "not_yours");
  EXPECT_EQ(job["results"][2]["ptr"], "203-0-113-11.static.noc.test.");
  EXPECT_EQ(c.Get("/v1/jobs/j-999")->status, 404);
  int bulk = 0, withK1 = 0;
  for (const auto& r : noc_.requests()) {
    bulk += r["path"] == "/v1/ptr/bulk";
    withK1 += r["idempotency_key"] == "k1";
  }
  EXPECT_EQ(bulk, 4);  // no key, k1, k1 again, k2 (too large)
  EXPECT_EQ(withK1, 2);
}

TEST_F(NocEmulatorContract, RateLimitFaultCarriesRetryAfter) {
  noc_.setFaults(
      {{"rate_limit_every", 3}, {"rate_limit_burst", 1}, {"retry_after_s", 2}, {"seed", 1}});
  auto r = client().Get("/v1/ips");
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->get_header_value("Retry-After"), "2");
  EXPECT_EQ(client().Get("/v1/ips")->status, 200);
}

}  // namespace
}  // namespace ptrd::testing
