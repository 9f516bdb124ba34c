// The Hetzner Cloud emulator itself: strict where the real API is (what it
// rejects, locks and rate limits), asynchronous actions, changes published in
// DNS. The provider tests rely on each of these behaviours.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "tests/integration/provider_lab.h"
#include "tests/lab/hetzner_cloud_emulator_process.h"
#include "tests/lab/nsd_server.h"  // makeTempDir
#include "tests/lab/pdns_server.h"

namespace ptrd {
namespace {

using Json = nlohmann::json;

constexpr const char* kAccount = R"({
  "servers": [{"id": 1, "ipv4": "203.0.113.10", "ipv6": "2001:db8:1::/64"},
              {"id": 2, "ipv4": "203.0.113.11"}, {"id": 3, "ipv4": "203.0.113.12"}]
})";

class HetznerCloudEmulatorTest : public ::testing::Test {
 protected:
  static lab::PdnsServer& zones(lab::PdnsServer& p) {
    p.createZone("113.0.203.in-addr.arpa.");
    return p;
  }
  httplib::Result get(const std::string& path, const std::string& token = "") {
    return client(token).Get(path.c_str());
  }
  httplib::Result post(const std::string& path, const std::string& body,
                       const std::string& token = "") {
    return client(token).Post(path.c_str(), body, "application/json");
  }
  httplib::Client client(const std::string& token) {
    httplib::Client c(hc_.url().substr(0, hc_.url().size() - 3));  // without "/v1"
    c.set_bearer_token_auth((token.empty() ? hc_.token() : token).c_str());
    return c;
  }
  static std::string code(const httplib::Result& r) {
    return Json::parse(r->body)["error"]["code"];
  }

  lab::PdnsServer pdns_;
  lab::HetznerCloudEmulatorProcess hc_{
      zones(pdns_), {kAccount, {"--limit", "100000", "--window-s", "3600"}, true}};
};

TEST_F(HetznerCloudEmulatorTest, RejectsWhatTheApiRejects) {
  auto r = get("/v1/servers", "wrong");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(code(r), "unauthorized");
  EXPECT_EQ(get("/v1/servers?per_page=51")->status, 422);
  EXPECT_EQ(get("/v1/servers?page=0")->status, 422);
  EXPECT_EQ(get("/v1/servers/9")->status, 404);
  const std::string change = "/v1/servers/1/actions/change_dns_ptr";
  EXPECT_EQ(post(change, "{")->status, 400);
  EXPECT_EQ(code(post(change, R"({"ip": "203.0.113.10"})")),
            "invalid_input");  // dns_ptr is required
  EXPECT_EQ(post(change, R"({"ip": "203.0.113.11", "dns_ptr": "a.example.com"})")->status,
            422);  // not its IP
  EXPECT_EQ(post(change, R"({"ip": "2001:db8:2::1", "dns_ptr": "a.example.com"})")->status,
            422);  // other /64
  EXPECT_EQ(post(change, R"({"ip": "203.0.113.10", "dns_ptr": "mail"})")->status, 422);
  EXPECT_EQ(
      post("/v1/servers/9/actions/change_dns_ptr", R"({"ip": "203.0.113.10", "dns_ptr": null})")
          ->status,
      404);
  EXPECT_EQ(get("/v1/actions")->status, 422);  // only the id filter is served
}

TEST_F(HetznerCloudEmulatorTest, PagesListingsAndCarriesTheBudgetInEveryAnswer) {
  auto r = get("/v1/servers?page=1&per_page=2");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  Json doc = Json::parse(r->body);
  EXPECT_EQ(doc["servers"].size(), 2u);
  EXPECT_EQ(doc["meta"]["pagination"]["next_page"], 2);
  EXPECT_EQ(doc["servers"][0]["public_net"]["ipv4"]["dns_ptr"],
            "static.10.113.0.203.clients.your-server.de");
  EXPECT_EQ(doc["servers"][0]["public_net"]["ipv6"]["ip"], "2001:db8:1::/64");
  EXPECT_EQ(r->get_header_value("RateLimit-Limit"), "100000");
  EXPECT_FALSE(r->get_header_value("RateLimit-Reset").empty());
  auto last = get("/v1/servers?page=2&per_page=2");
  EXPECT_TRUE(Json::parse(last->body)["meta"]["pagination"]["next_page"].is_null());
}

TEST_F(HetznerCloudEmulatorTest, ActionsRunLaterLockTheirResourceAndPublishInDns) {
  hc_.setFaults({{"job_delay_ms", 300}});
  const std::string change = "/v1/servers/1/actions/change_dns_ptr";
  auto r = post(change, R"({"ip": "203.0.113.10", "dns_ptr": "web.example.com"})");
  ASSERT_EQ(r->status, 201);
  Json action = Json::parse(r->body)["action"];
  EXPECT_EQ(action["status"], "running");
  auto locked = post(change, R"({"ip": "2001:db8:1::5", "dns_ptr": "v6.example.com"})");
  EXPECT_EQ(locked->status, 423);
  EXPECT_EQ(code(locked), "locked");
  const std::string poll = "/v1/actions?id=" + std::to_string(action["id"].get<uint64_t>());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string status = "running";
  while (status == "running" && std::chrono::steady_clock::now() < deadline) {
    auto answer = get(poll);
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << answer->body;
    status = Json::parse(answer->body)["actions"][0]["status"];
  }
  EXPECT_EQ(status, "success");
  EXPECT_EQ(testing::digPtr(pdns_.dnsPort(), "203.0.113.10", "/tmp"), "web.example.com.");
  // Reset: the IPv4 default comes back once the action ran.
  ASSERT_EQ(post(change, R"({"ip": "203.0.113.10", "dns_ptr": null})")->status, 201);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (hc_.writes().size() < 2 && std::chrono::steady_clock::now() < deadline) {
  }
  EXPECT_EQ(testing::digPtr(pdns_.dnsPort(), "203.0.113.10", "/tmp"),
            "static.10.113.0.203.clients.your-server.de.");
}

TEST(HetznerCloudEmulatorBudget, AnEmptyBudgetIsA429WithTheHeaders) {
  lab::PdnsServer pdns;
  lab::HetznerCloudEmulatorProcess hc(pdns, {"{}", {"--limit", "3", "--window-s", "3600"}, false});
  httplib::Client c(hc.url().substr(0, hc.url().size() - 3));
  c.set_bearer_token_auth(hc.token().c_str());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Get("/v1/load_balancers")->status, 200);
  auto last = c.Get("/v1/load_balancers");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 429);
  EXPECT_EQ(Json::parse(last->body)["error"]["code"], "rate_limit_exceeded");
  EXPECT_EQ(last->get_header_value("RateLimit-Remaining"), "0");
  EXPECT_FALSE(last->get_header_value("RateLimit-Reset").empty());
  int budget = 0;
  for (const auto& r : hc.requests()) budget += r["fault"] == "budget";
  EXPECT_EQ(budget, 1);
}

}  // namespace
}  // namespace ptrd
