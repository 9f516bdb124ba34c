#include "providers/hetzner_robot/robot_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "providers/hetzner_robot/robot_json.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::hetzner_robot {
namespace {

using nlohmann::json;
using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using Status = ChangeResult::Status;
using namespace std::chrono_literals;

std::string error(int status, const std::string& code) {
  return json{{"error", {{"status", status}, {"code", code}, {"message", "m"}}}}.dump();
}

struct Fixture {
  FakeTime time;
  FakeClient::Handler handler;
  std::shared_ptr<std::vector<http::Request>> requests =
      std::make_shared<std::vector<http::Request>>();

  std::unique_ptr<HetznerRobotProvider> make(size_t perHour = kMaxRdnsRequestsPerHour) {
    std::vector<std::unique_ptr<http::Client>> clients;
    for (int i = 0; i < 2; ++i) {
      auto c = std::make_unique<FakeClient>([this](const http::Request& r) { return handler(r); });
      c->requests = requests;  // one log for both
      clients.push_back(std::move(c));
    }
    RobotOptions o;
    o.url = "https://robot.test";
    o.user = "#ws+user";
    o.password = "pw-secret";
    o.workers = 1;  // FakeTime is not thread-safe
    o.requestsPerHour = perHour;
    o.retry.base = 1ms;
    o.retry.cap = 10ms;
    return std::make_unique<HetznerRobotProvider>(o, std::move(clients), time.env());
  }
};

Change set(const std::string& ip, const std::string& host) {
  return Change{ip, "", Change::Action::kSet, host};
}
Change reset(const std::string& ip) {
  return Change{ip, "", Change::Action::kReset, ""};
}

TEST(RobotJsonTest, WrappedListsAndErrors) {
  auto ips = parseIps(
      R"([{"ip":{"ip":"203.0.113.1","server_ip":"203.0.113.1"}},{"ip":{"ip":"203.0.113.2","server_ip":"203.0.113.1"}}])");
  ASSERT_TRUE(ips.ok());
  EXPECT_TRUE((*ips)[0].mainIp);
  EXPECT_FALSE((*ips)[1].mainIp);
  auto subnets = parseSubnets(
      R"([{"subnet":{"ip":"2001:DB8::","mask":64}},{"subnet":{"ip":"198.51.100.0","mask":"29"}}])");
  ASSERT_TRUE(subnets.ok());
  EXPECT_EQ((*subnets)[0].network, "2001:db8::");
  EXPECT_EQ((*subnets)[1].mask, 29);
  auto rdns = parseRdnsList(R"([{"rdns":{"ip":"203.0.113.1","ptr":"Mail.Example.com"}}])");
  ASSERT_TRUE(rdns.ok());
  EXPECT_EQ((*rdns)[0].ptr, "mail.example.com.");
  for (std::string bad :
       {"", "{}", R"([{"ip":"203.0.113.1"}])", R"([{"rdns":{"ip":"010.0.0.1","ptr":"a.b"}}])",
        R"([{"rdns":{"ip":"10.0.0.1"}}])"}) {
    EXPECT_FALSE(parseRdnsList(bad).ok()) << bad;
  }
  EXPECT_FALSE(parseSubnets(R"([{"subnet":{"ip":"10.0.0.0","mask":33}}])").ok());
  auto e = parseError(
      400,
      R"({"error":{"status":400,"code":"INVALID_INPUT","message":"invalid input","missing":[],"invalid":["ptr"]}})");
  EXPECT_EQ(e.code, "INVALID_INPUT");
  EXPECT_EQ(e.message, "INVALID_INPUT: invalid input (invalid: ptr)");
  EXPECT_EQ(parseError(502, "<html>").message, "HTTP 502");
  EXPECT_EQ(mainIpDefault("46.62.147.153"), "static.153.147.62.46.clients.your-server.de.");
  EXPECT_EQ(ptrForm("mail.example.com."), "ptr=mail.example.com");
  EXPECT_EQ(base64("user:pass"), "dXNlcjpwYXNz");
  EXPECT_EQ(base64("a"), "YQ==");
  EXPECT_EQ(base64("ab"), "YWI=");
}

TEST(HetznerRobotProviderTest, InventoryJoinsIpsSubnetsAndEntries) {
  Fixture f;
  f.handler = [](const http::Request& r) {
    if (r.url.ends_with("/ip"))
      return reply(
          200,
          R"([{"ip":{"ip":"203.0.113.1","server_ip":"203.0.113.1"}},{"ip":{"ip":"203.0.113.2","server_ip":"203.0.113.1"}}])");
    if (r.url.ends_with("/subnet"))
      return reply(
          200,
          R"([{"subnet":{"ip":"2001:db8::","mask":64}},{"subnet":{"ip":"198.51.100.8","mask":30}}])");
    return reply(
        200, R"([{"rdns":{"ip":"203.0.113.1","ptr":"static.1.113.0.203.clients.your-server.de"}},)"
             R"({"rdns":{"ip":"2001:db8::1","ptr":"v6.example.com"}}])");
  };
  auto inv = f.make()->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  std::map<std::string, OwnedAddress> by;
  for (const auto& a : inv->addresses) by[a.ip] = a;
  ASSERT_EQ(by.size(), 7u);  // 2 single IPs, 4 subnet addresses, 1 IPv6 entry
  EXPECT_EQ(by["203.0.113.1"].defaultPtr, "static.1.113.0.203.clients.your-server.de.");
  EXPECT_FALSE(by["203.0.113.1"].custom);
  EXPECT_EQ(by["203.0.113.2"].ptr, "");
  EXPECT_TRUE(by["2001:db8::1"].custom);
  EXPECT_TRUE(by.count("198.51.100.11"));
  EXPECT_EQ(inv->ownedZones, std::vector<std::string>{"0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."});
  EXPECT_EQ((*f.requests)[0].headers[0].second, "Basic " + base64("#ws+user:pw-secret"));
}

TEST(HetznerRobotProviderTest, NoEntriesIsAnEmptyListButAFailedReadIsAnError) {
  Fixture f;
  f.handler = [](const http::Request& r) {
    if (r.url.ends_with("/ip"))
      return reply(200, R"([{"ip":{"ip":"203.0.113.2","server_ip":"203.0.113.1"}}])");
    return reply(404, error(404, "NOT_FOUND"));
  };
  auto inv = f.make()->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_EQ(inv->addresses.size(), 1u);

  f.handler = [](const http::Request& r) {
    if (r.url.ends_with("/rdns")) return reply(503, "");
    return reply(404, error(404, "NOT_FOUND"));
  };
  inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isTransient());

  f.handler = [](const http::Request&) { return reply(401, error(401, "UNAUTHORIZED")); };
  inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isAuth());
  EXPECT_THAT(inv.error().message, ::testing::Not(HasSubstr("pw-secret")));

  // An IPv4 subnet is listed address by address: a /8 would be 16 million.
  f.handler = [](const http::Request& r) {
    if (r.url.ends_with("/subnet")) return reply(200, R"([{"subnet":{"ip":"10.0.0.0","mask":8}}])");
    return reply(404, error(404, "NOT_FOUND"));
  };
  inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("larger than /20"));
}

TEST(HetznerRobotProviderTest, ApplyMapsEachAnswerToItsResult) {
  Fixture f;
  f.handler = [](const http::Request& r) {
    if (r.url.ends_with("/203.0.113.1")) {
      EXPECT_EQ(r.method, "POST");
      EXPECT_EQ(r.body, "ptr=mail.example.com");
      return reply(201, R"({"rdns":{"ip":"203.0.113.1","ptr":"mail.example.com"}})");
    }
    if (r.url.ends_with("/203.0.113.2")) return reply(404, error(404, "IP_NOT_FOUND"));
    if (r.url.ends_with("/203.0.113.3")) return reply(400, error(400, "INVALID_INPUT"));
    if (r.url.ends_with("/203.0.113.4")) return reply(500, error(500, "RDNS_UPDATE_FAILED"));
    if (r.url.ends_with("/203.0.113.5"))
      return reply(404, error(404, "RDNS_NOT_FOUND"));  // already gone
    EXPECT_EQ(r.method, "DELETE");
    return reply(200, "");
  };
  auto r = f.make()->apply(
      {set("203.0.113.1", "mail.example.com."), set("203.0.113.2", "a.example.com."),
       set("203.0.113.3", "b.example.com."), set("203.0.113.4", "c.example.com."),
       reset("203.0.113.5"), reset("203.0.113.6")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  EXPECT_EQ((*r)[0].ptr, "mail.example.com.");
  EXPECT_EQ((*r)[1].status, Status::kNotYours);
  EXPECT_EQ((*r)[2].status, Status::kInvalid);
  EXPECT_EQ((*r)[3].status, Status::kFailed);
  EXPECT_EQ((*r)[4].status, Status::kApplied);
  EXPECT_EQ((*r)[5].status, Status::kApplied);
}

TEST(HetznerRobotProviderTest, RateLimitExceededBacksOffAndRetriesInsteadOfFailingTheCredentials) {
  Fixture f;
  int calls = 0;
  f.handler = [&](const http::Request&) {
    if (++calls <= 2) return reply(403, error(403, "RATE_LIMIT_EXCEEDED"));
    return reply(200, R"({"rdns":{"ip":"203.0.113.1","ptr":"mail.example.com"}})");
  };
  auto r = f.make()->apply({set("203.0.113.1", "mail.example.com.")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  EXPECT_EQ(f.time.sleeps.size(), 2u);

  f.handler = [](const http::Request&) { return reply(403, error(403, "FORBIDDEN")); };
  auto denied = f.make()->apply(
      {set("203.0.113.1", "mail.example.com."), set("203.0.113.2", "a.example.com.")});
  ASSERT_FALSE(denied.ok());
  EXPECT_TRUE(denied.error().isAuth());
}

TEST(HetznerRobotProviderTest, TheHourlyBudgetHoldsAndWhatDoesNotFitIsNotSent) {
  auto w = HetznerRobotProvider::rateWindows(500);
  EXPECT_EQ(w[0].requests, 500u);
  EXPECT_EQ(w[0].interval, 3600s);
  EXPECT_EQ(HetznerRobotProvider::rateWindows(100000)[0].requests, kMaxRdnsRequestsPerHour);
  Fixture f;
  f.handler = [](const http::Request& r) {
    std::string ip = r.url.substr(r.url.rfind('/') + 1);
    return reply(200, json{{"rdns", {{"ip", ip}, {"ptr", "h.example.com"}}}}.dump());
  };
  std::vector<Change> batch;
  for (int i = 0; i < 8; ++i) batch.push_back(set("10.0.0." + std::to_string(i), "h.example.com."));
  auto r = f.make(30)->apply(batch);  // 5 in any ten minutes
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(f.requests->size(), 5u);
  EXPECT_EQ(std::count_if(r->begin(), r->end(),
                          [](const ChangeResult& c) { return c.status == Status::kApplied; }),
            5);
  EXPECT_THAT((*r)[7].reason, HasSubstr("not sent"));
}

}  // namespace
}  // namespace ptrd::providers::hetzner_robot
