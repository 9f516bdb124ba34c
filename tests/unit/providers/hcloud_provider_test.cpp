// The Hetzner Cloud provider against a scripted fake API: listings, actions,
// lost answers, locks, error mapping and the rate budget (fake time, no sleeps).
#include "providers/hetzner_cloud/hcloud_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::hetzner_cloud {
namespace {

using nlohmann::json;
using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using Status = ChangeResult::Status;
using namespace std::chrono_literals;

json page(const char* key, json items, json next = nullptr) {
  return {{key, std::move(items)}, {"meta", {{"pagination", {{"page", 1}, {"next_page", next}}}}}};
}

json server(uint64_t id, const std::string& v4, const std::string& v4ptr, json v6 = nullptr) {
  json ipv4 = v4.empty() ? json(nullptr)
                         : json{{"id", 1}, {"ip", v4}, {"blocked", false}, {"dns_ptr", v4ptr}};
  return {{"id", id}, {"public_net", {{"ipv4", ipv4}, {"ipv6", v6}}}};
}

// One server 203.0.113.10 (default PTR) with 2001:db8:1::/64 (one entry set),
// a primary IP with a custom PTR, a floating IPv6 /64, a load balancer.
http::Response listing(const http::Request& r) {
  if (r.url.find("/servers?page=1") != std::string::npos) {
    json v6 = {
        {"id", 2},
        {"ip", "2001:db8:1::/64"},
        {"blocked", false},
        {"dns_ptr", json::array({{{"ip", "2001:db8:1::9"}, {"dns_ptr", "Old.Example.com"}}})}};
    return reply(200, page("servers",
                           json::array({server(1, "203.0.113.10",
                                               "static.10.113.0.203.clients.your-server.de", v6)}),
                           2)
                          .dump());
  }
  if (r.url.find("/servers?page=2") != std::string::npos)
    return reply(
        200,
        page("servers",
             json::array({server(2, "203.0.113.11", "static.11.113.0.203.clients.your-server.de")}))
            .dump());
  if (r.url.find("/primary_ips?") != std::string::npos) {
    return reply(200,
                 page("primary_ips",
                      json::array({{{"id", 11},
                                    {"type", "ipv4"},
                                    {"ip", "203.0.113.20"},
                                    {"dns_ptr", json::array({{{"ip", "203.0.113.20"},
                                                              {"dns_ptr", "relay.example.com"}}})}},
                                   // a server's primary IP, listed twice
                                   {{"id", 12},
                                    {"type", "ipv4"},
                                    {"ip", "203.0.113.10"},
                                    {"dns_ptr", json::array()}}}))
                     .dump());
  }
  if (r.url.find("/floating_ips?") != std::string::npos) {
    return reply(200, page("floating_ips", json::array({{{"id", 21},
                                                         {"type", "ipv6"},
                                                         {"ip", "2001:db8:2::/64"},
                                                         {"dns_ptr", json::array()}}}))
                          .dump());
  }
  if (r.url.find("/load_balancers?") != std::string::npos) {
    return reply(
        200, page("load_balancers",
                  json::array({{{"id", 31},
                                {"public_net",
                                 {{"enabled", true},
                                  {"ipv4", {{"ip", "203.0.113.40"}, {"dns_ptr", "lb.example.com"}}},
                                  {"ipv6", {{"ip", nullptr}, {"dns_ptr", nullptr}}}}}}}))
                 .dump());
  }
  return reply(404, R"({"error":{"code":"not_found","message":"no"}})");
}

http::Response action(uint64_t id, const std::string& status, const std::string& code = "") {
  json a = {{"id", id}, {"status", status}, {"error", nullptr}};
  if (!code.empty()) a["error"] = {{"code", code}, {"message", "it broke"}};
  return reply(201, json{{"action", a}}.dump());
}

struct Fixture {
  FakeTime time;
  std::function<http::Response(const http::Request&)> handler = listing;
  std::shared_ptr<std::vector<http::Request>> requests;
  std::string stateFile;

  std::unique_ptr<HcloudProvider> make() {
    auto client = std::make_unique<FakeClient>(
        [this](const http::Request& r) -> Result<http::Response> { return handler(r); });
    requests = client->requests;
    HcloudOptions o;
    o.url = "https://api.test/v1";
    o.token = "tok-secret";
    o.jobTimeout = 60s;
    // Wall time follows the fake steady clock.
    auto wall = [this] {
      return std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 56)) +
             std::chrono::duration_cast<std::chrono::system_clock::duration>(
                 time.now.time_since_epoch());
    };
    auto budget = std::make_shared<RateBudget>(stateFile, wall);
    auto caller = std::make_unique<PacedCaller>(std::move(client), budget, o.retry, time.env());
    return std::make_unique<HcloudProvider>(o, std::move(caller));
  }
  std::vector<http::Request> posts() const {
    std::vector<http::Request> out;
    for (const auto& r : *requests)
      if (r.method == "POST") out.push_back(r);
    return out;
  }
};

const OwnedAddress* find(const Inventory& inv, const std::string& ip) {
  for (const auto& a : inv.addresses)
    if (a.ip == ip) return &a;
  return nullptr;
}

Change set(const std::string& ip, const std::string& host) {
  return Change{ip, "", Change::Action::kSet, host};
}
Change reset(const std::string& ip) {
  return Change{ip, "", Change::Action::kReset, ""};
}

TEST(HcloudProvider, InventoryReadsEveryKindAndPageWithDefaultsAndIpv6Zones) {
  Fixture f;
  auto p = f.make();
  auto inv = p->inventory();
  ASSERT_TRUE(inv) << inv.error().message;
  ASSERT_NE(find(*inv, "203.0.113.11"), nullptr);  // page 2
  const OwnedAddress* v4 = find(*inv, "203.0.113.10");
  ASSERT_NE(v4, nullptr);
  EXPECT_EQ(v4->defaultPtr, "static.10.113.0.203.clients.your-server.de.");
  EXPECT_FALSE(v4->custom);
  EXPECT_TRUE(find(*inv, "203.0.113.20")->custom);
  EXPECT_EQ(find(*inv, "203.0.113.20")->ptr, "relay.example.com.");
  EXPECT_EQ(find(*inv, "2001:db8:1::9")->ptr, "old.example.com.");
  EXPECT_TRUE(find(*inv, "2001:db8:1::9")->custom);
  EXPECT_EQ(find(*inv, "2001:db8:1::9")->defaultPtr, "");
  EXPECT_EQ(find(*inv, "203.0.113.40")->ptr, "lb.example.com.");
  EXPECT_EQ(inv->addresses.size(), 5u);  // 203.0.113.10 once
  EXPECT_THAT(inv->ownedZones,
              ::testing::UnorderedElementsAre("0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
                                              "0.0.0.0.2.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."));
  for (const auto& r : *f.requests) EXPECT_THAT(r.url, HasSubstr("per_page=50"));
}

TEST(HcloudProvider, AGarbledOrLoopingListingIsAnErrorNeverAnEmptyInventory) {
  Fixture f;
  f.handler = [](const http::Request& r) {
    if (r.url.find("/primary_ips") != std::string::npos) return reply(200, R"({"primary_ips": 5})");
    return listing(r);
  };
  auto inv = f.make()->inventory();
  ASSERT_FALSE(inv);
  EXPECT_THAT(inv.error().message, HasSubstr("primary_ips"));

  Fixture loop;
  loop.handler = [](const http::Request&) {
    return reply(200, page("servers", json::array(), 1).dump());
  };
  auto again = loop.make()->inventory();
  ASSERT_FALSE(again);
  EXPECT_THAT(again.error().message, HasSubstr("next page"));
}

TEST(HcloudProvider, SetAndResetRunAsActionsPolledTogether) {
  Fixture f;
  uint64_t next = 100;
  f.handler = [&](const http::Request& r) {
    if (r.method == "POST") return action(next++, "running");
    if (r.url.find("/actions?") != std::string::npos) {
      return reply(
          200,
          json{{"actions", json::array({{{"id", 100}, {"status", "success"}, {"error", nullptr}},
                                        {{"id", 101}, {"status", "success"}, {"error", nullptr}}})}}
              .dump());
    }
    return listing(r);
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory());
  auto res = p->apply({set("203.0.113.10", "web.example.com."), reset("203.0.113.20")});
  ASSERT_TRUE(res) << res.error().message;
  ASSERT_EQ(res->size(), 2u);
  EXPECT_EQ((*res)[0].status, Status::kApplied);
  EXPECT_EQ((*res)[0].ptr, "web.example.com.");
  EXPECT_EQ((*res)[1].status, Status::kApplied);
  EXPECT_EQ((*res)[1].ptr, "static.20.113.0.203.clients.your-server.de.");
  auto posts = f.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_THAT(posts[0].url, HasSubstr("/servers/1/actions/change_dns_ptr"));
  EXPECT_EQ(json::parse(posts[0].body),
            (json{{"ip", "203.0.113.10"}, {"dns_ptr", "web.example.com"}}));
  EXPECT_THAT(posts[1].url, HasSubstr("/primary_ips/11/actions/change_dns_ptr"));
  EXPECT_EQ(json::parse(posts[1].body), (json{{"ip", "203.0.113.20"}, {"dns_ptr", nullptr}}));
  EXPECT_THAT(f.requests->back().url, HasSubstr("/actions?id=100&id=101"));
}

TEST(HcloudProvider, AnIpv6AddressInsideAListedNetworkGoesToItsResourceOneActionAtATime) {
  Fixture f;
  uint64_t next = 200;
  int polls = 0;
  f.handler = [&](const http::Request& r) {
    if (r.method == "POST") return action(next++, "running");
    if (r.url.find("/actions?") != std::string::npos) {
      ++polls;
      json list = json::array({{{"id", next - 1}, {"status", "success"}, {"error", nullptr}}});
      return reply(200, json{{"actions", list}}.dump());
    }
    return listing(r);
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory());
  auto res = p->apply({set("2001:db8:1::25", "mail.example.com."), reset("2001:db8:1::9"),
                       set("2001:db8:9::1", "x.example.com.")});
  ASSERT_TRUE(res);
  EXPECT_EQ((*res)[0].status, Status::kApplied);
  EXPECT_EQ((*res)[1].status, Status::kApplied);
  EXPECT_EQ((*res)[1].ptr, "");  // IPv6 reset removes
  EXPECT_EQ((*res)[2].status, Status::kNotYours);
  // Same server: the second POST only after the first action ended.
  ASSERT_EQ(f.posts().size(), 2u);
  EXPECT_EQ(polls, 2);
}

TEST(HcloudProvider, ALostAnswerIsReadBackInsteadOfWrittenTwice) {
  Fixture f;
  f.handler = [&](const http::Request& r) {
    if (r.method == "POST") return reply(503, R"({"error":{"code":"unavailable","message":"x"}})");
    if (r.url.find("/servers/1") != std::string::npos && r.url.find('?') == std::string::npos) {
      // The change took effect although its answer was lost.
      return reply(200, json{{"server", server(1, "203.0.113.10", "web.example.com")}}.dump());
    }
    return listing(r);
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory());
  auto res = p->apply({set("203.0.113.10", "web.example.com.")});
  ASSERT_TRUE(res);
  EXPECT_EQ((*res)[0].status, Status::kApplied);
  EXPECT_EQ(f.posts().size(), 1u);
}

TEST(HcloudProvider, LockedWaitsAndErrorsMapToInvalidNotYoursFailedAndAuth) {
  Fixture f;
  int lockedLeft = 2;
  f.handler = [&](const http::Request& r) {
    if (r.method != "POST") return listing(r);
    if (r.url.find("/servers/1/") != std::string::npos) {
      if (lockedLeft-- > 0) return reply(423, R"({"error":{"code":"locked","message":"busy"}})");
      return action(7, "success");
    }
    if (r.url.find("/primary_ips/11/") != std::string::npos)
      return reply(
          422,
          R"({"error":{"code":"invalid_input","message":"invalid input in field 'dns_ptr'"}})");
    if (r.url.find("/servers/2/") != std::string::npos)
      return reply(404, R"({"error":{"code":"not_found","message":"server not found"}})");
    return action(8, "error", "action_failed");
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory());
  auto res =
      p->apply({set("203.0.113.10", "a.example.com."), set("203.0.113.20", "b.example.com."),
                set("203.0.113.11", "c.example.com."), set("203.0.113.40", "d.example.com.")});
  ASSERT_TRUE(res);
  EXPECT_EQ((*res)[0].status, Status::kApplied);
  EXPECT_EQ((*res)[1].status, Status::kInvalid);
  EXPECT_THAT((*res)[1].reason, HasSubstr("invalid input in field 'dns_ptr'"));
  EXPECT_EQ((*res)[2].status, Status::kNotYours);
  EXPECT_EQ((*res)[3].status, Status::kFailed);
  EXPECT_THAT((*res)[3].reason, HasSubstr("action_failed"));

  Fixture auth;
  auth.handler = [](const http::Request& r) {
    if (r.method == "POST")
      return reply(401, R"({"error":{"code":"unauthorized","message":"bad token"}})");
    return listing(r);
  };
  auto q = auth.make();
  ASSERT_TRUE(q->inventory());
  auto refused = q->apply({set("203.0.113.10", "a.example.com.")});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().isAuth());
  EXPECT_THAT(refused.error().message, ::testing::Not(HasSubstr("tok-secret")));
}

TEST(HcloudProvider, RequestsWaitForTheBudgetAndItSurvivesARestartInTheStateFile) {
  const std::string dir = ::testing::TempDir() + "/hcloud-budget";
  std::filesystem::create_directories(dir);
  Fixture f;
  f.stateFile = dir + "/budget.json";
  std::filesystem::remove(f.stateFile);
  // 60 an hour, none left, full again in an hour: each request waits a minute.
  f.handler = [&](const http::Request& r) {
    http::Response resp = listing(r);
    const auto nowS =
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 56)) +
             std::chrono::duration_cast<std::chrono::system_clock::duration>(
                 f.time.now.time_since_epoch()))
                .time_since_epoch())
            .count();
    resp.headers = {{"ratelimit-limit", "60"},
                    {"ratelimit-remaining", "0"},
                    {"ratelimit-reset", std::to_string(nowS + 3600)}};
    return resp;
  };
  {
    auto p = f.make();
    f.time.passDeadline = f.time.now + 1h;
    ASSERT_TRUE(p->inventory());
    ASSERT_FALSE(f.time.sleeps.empty());
    for (auto d : f.time.sleeps) EXPECT_GE(d, 59s);  // one request a minute, no burst
  }
  ASSERT_TRUE(std::filesystem::exists(f.stateFile));
  // A new process: its very first request already waits.
  f.time.sleeps.clear();
  auto p2 = f.make();
  size_t before = f.requests->size();
  f.time.passDeadline = f.time.now + 1s;  // no time to wait: a rate-limited Error, nothing sent
  auto inv = p2->inventory();
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error().kind, Error::Kind::kRateLimited);
  EXPECT_EQ(f.requests->size(), before);
}

TEST(HcloudProvider, A429WaitsAsLongAsRetryAfterSays) {
  Fixture f;
  int limited = 1;
  f.handler = [&](const http::Request& r) {
    if (limited-- > 0)
      return reply(429, R"({"error":{"code":"rate_limit_exceeded","message":"x"}})", 7);
    return listing(r);
  };
  ASSERT_TRUE(f.make()->inventory());
  ASSERT_FALSE(f.time.sleeps.empty());
  EXPECT_GE(f.time.sleeps.front(), 7s);
}

}  // namespace
}  // namespace ptrd::providers::hetzner_cloud
