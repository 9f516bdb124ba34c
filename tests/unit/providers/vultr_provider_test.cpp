#include "providers/vultr/vultr_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/vultr/vultr_json.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::vultr {
namespace {

using nlohmann::json;
using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using Status = ChangeResult::Status;
using namespace std::chrono_literals;

const std::string kBase = "https://api.vultr.test/v2";
const std::string kA = "cb676a46-66fd-4dfb-b839-443f2e6c0b60";
const std::string kB = "0b1c2d3e-0000-4000-8000-000000000002";

json meta(const std::string& next) {
  return {{"total", 2}, {"links", {{"next", next}, {"prev", ""}}}};
}
json instance(const std::string& id, const std::string& net = "", int size = 0) {
  return {{"id", id},
          {"main_ip", "203.0.113.10"},
          {"v6_network", net},
          {"v6_network_size", size},
          {"label", "web"}};
}
json ipv4(const std::string& ip, const std::string& reverse) {
  return {{"ip", ip},
          {"netmask", "255.255.254.0"},
          {"gateway", "203.0.113.1"},
          {"type", "main_ip"},
          {"reverse", reverse}};
}

// Two instances over two cursor pages: A with 203.0.113.10 (default) and
// 203.0.113.11 (custom) and the IPv6 network 2001:db8:1000::/64 with one custom
// name; B with 198.51.100.7 and no IPv6.
std::optional<http::Response> account(const http::Request& r) {
  const std::string path = r.url.substr(kBase.size());
  if (path == "/instances?per_page=500")
    return reply(200, json{{"instances", {instance(kA, "2001:DB8:1000::", 64)}},
                           {"meta", meta("bmV4dD0y+/=")}}
                          .dump());
  if (path == "/instances?per_page=500&cursor=bmV4dD0y%2B%2F%3D")
    return reply(200, json{{"instances", {instance(kB)}}, {"meta", meta("")}}.dump());
  if (path == "/instances/" + kA + "/ipv4?per_page=500")
    return reply(200, json{{"ipv4s",
                            {ipv4("203.0.113.10", "203.0.113.10.vultrusercontent.com"),
                             ipv4("203.0.113.11", "Mail.Example.com")}},
                           {"meta", meta("")}}
                          .dump());
  if (path == "/instances/" + kA + "/ipv6/reverse")
    return reply(200, json{{"reverse_ipv6s",
                            {{{"ip", "2001:DB8:1000::101"}, {"reverse", "v6.example.com"}}}}}
                          .dump());
  if (path == "/instances/" + kB + "/ipv4?per_page=500")
    return reply(
        200, json{{"ipv4s", {ipv4("198.51.100.7", "198.51.100.7.vultr.com")}}, {"meta", meta("")}}
                 .dump());
  return std::nullopt;
}

struct Fixture {
  FakeTime time;
  FakeClient::Handler handler = [](const http::Request& r) -> Result<http::Response> {
    if (auto a = account(r)) return *a;
    return reply(204, "");
  };
  std::shared_ptr<std::vector<http::Request>> requests;

  std::unique_ptr<VultrProvider> make(size_t maxPages = kMaxInventoryPages, size_t rate = 20) {
    auto client =
        std::make_unique<FakeClient>([this](const http::Request& r) { return handler(r); });
    requests = client->requests;
    VultrOptions o;
    o.url = kBase;
    o.token = "tok-secret";
    o.workers = 1;  // FakeTime is not thread-safe
    o.maxPages = maxPages;
    o.requestsPerSecond = rate;
    o.retry.base = 1ms;
    o.retry.cap = 10ms;
    std::vector<std::unique_ptr<http::Client>> clients;
    clients.push_back(std::move(client));
    return std::make_unique<VultrProvider>(o, std::move(clients), time.env());
  }
  std::vector<http::Request> writes() const {
    std::vector<http::Request> out;
    for (const auto& r : *requests)
      if (r.method != "GET") out.push_back(r);
    return out;
  }
};

Change set(const std::string& ip, const std::string& host) {
  return Change{ip, "", Change::Action::kSet, host};
}
Change reset(const std::string& ip) {
  return Change{ip, "", Change::Action::kReset, ""};
}

TEST(VultrJsonTest, MalformedDocumentsAreErrorsNeverEmptyLists) {
  EXPECT_FALSE(parseInstances("{").ok());
  EXPECT_FALSE(parseInstances(R"({"instances": []})").ok());  // no meta: no paging to trust
  EXPECT_FALSE(
      parseInstances(R"({"instances": [{"id": "../x"}], "meta": {"links": {"next": ""}}})").ok());
  EXPECT_FALSE(parseIpv4s(R"({"ipv4s": [{"ip": "203.0.113.1"}], "meta": {"links": {"next": ""}}})")
                   .ok());  // no reverse
  EXPECT_FALSE(parseIpv4s(R"({"ipv4s": [{"ip": "2001:db8::1", "reverse": ""}],
                               "meta": {"links": {"next": ""}}})")
                   .ok());
  EXPECT_FALSE(parseIpv6Reverses(R"({"reverse_ipv6s": {}})").ok());
  auto ok = parseIpv6Reverses(R"({"reverse_ipv6s": [{"ip": "2001:DB8::1", "reverse": "A.b."}]})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)[0].ip.str(), "2001:db8::1");
  EXPECT_EQ((*ok)[0].ptr, "a.b.");
}

TEST(VultrJsonTest, BodiesSendExpandedIpv6AndNamesWithoutTheDot) {
  auto v6 = *IpAddress::parse("2001:db8:1000::101");
  EXPECT_EQ(
      json::parse(reverseBody(v6, "v6.example.com.")),
      (json{{"ip", "2001:0db8:1000:0000:0000:0000:0000:0101"}, {"reverse", "v6.example.com"}}));
  EXPECT_EQ(reverseBody(*IpAddress::parse("203.0.113.1"), ""), R"({"ip":"203.0.113.1"})");
  EXPECT_EQ(errorText(400, R"({"error": "Invalid reverse", "status": 400})"), "Invalid reverse");
  EXPECT_EQ(errorText(502, "<html>"), "HTTP 502");
}

TEST(VultrProviderTest, InventoryPagesByCursorAndListsEveryInstance) {
  Fixture f;
  auto p = f.make();
  auto inv = p->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->addresses.size(), 4u);
  EXPECT_EQ(inv->addresses[0].ip, "203.0.113.10");
  EXPECT_EQ(inv->addresses[0].defaultPtr, "203.0.113.10.vultrusercontent.com.");
  EXPECT_FALSE(inv->addresses[0].custom);
  EXPECT_EQ(inv->addresses[1].ptr, "mail.example.com.");
  EXPECT_TRUE(inv->addresses[1].custom);
  EXPECT_EQ(inv->addresses[2].ip, "2001:db8:1000::101");
  EXPECT_EQ(inv->addresses[2].ptr, "v6.example.com.");
  EXPECT_EQ(inv->addresses[2].defaultPtr, "");
  EXPECT_FALSE(inv->addresses[3].custom);  // the older default pattern is still the platform's
  EXPECT_EQ(inv->ownedZones,
            (std::vector<std::string>{"0.0.0.0.0.0.0.1.8.b.d.0.1.0.0.2.ip6.arpa."}));
  for (const auto& r : *f.requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_THAT(r.headers, ::testing::Contains(std::pair<std::string, std::string>(
                               "Authorization", "Bearer tok-secret")));
  }
  EXPECT_EQ(f.requests->size(), 5u);  // no IPv6 call for the instance without IPv6
}

TEST(VultrProviderTest, AFailedOrEndlessListingIsAnErrorNotAnEmptyInventory) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    if (r.url.find("/ipv6/reverse") != std::string::npos) return reply(500, "oops");
    return *account(r);
  };
  auto inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isTransient()) << inv.error().message;

  Fixture endless;
  int n = 0;
  endless.handler = [&n](const http::Request&) -> Result<http::Response> {
    return reply(
        200, json{{"instances", json::array()}, {"meta", meta("c" + std::to_string(++n))}}.dump());
  };
  inv = endless.make(3)->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("more than 3 pages"));

  Fixture stuck;
  stuck.handler = [](const http::Request&) -> Result<http::Response> {
    return reply(200, json{{"instances", json::array()}, {"meta", meta("same")}}.dump());
  };
  auto p = stuck.make();
  inv = p->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("does not move"));
}

TEST(VultrProviderTest, EachChangeIsItsOwnCallOnTheHoldingInstance) {
  Fixture f;
  auto p = f.make();
  ASSERT_TRUE(p->inventory().ok());
  f.requests->clear();
  auto out = p->apply({set("203.0.113.11", "web.example.com."), reset("203.0.113.10"),
                       set("2001:db8:1000::7", "v6b.example.com."), reset("2001:db8:1000::101"),
                       set("192.0.2.1", "x.example.com.")});
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 5u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ((*out)[i].status, Status::kApplied) << i;
  EXPECT_EQ((*out)[1].ptr, "203.0.113.10.vultrusercontent.com.");
  EXPECT_EQ((*out)[4].status, Status::kNotYours);  // on no instance: never sent
  auto w = f.writes();
  ASSERT_EQ(w.size(), 4u);
  const std::string a = kBase + "/instances/" + kA;
  EXPECT_EQ(w[0].method, "POST");
  EXPECT_EQ(w[0].url, a + "/ipv4/reverse");
  EXPECT_EQ(json::parse(w[0].body), (json{{"ip", "203.0.113.11"}, {"reverse", "web.example.com"}}));
  EXPECT_EQ(w[1].url, a + "/ipv4/reverse/default");
  EXPECT_EQ(json::parse(w[1].body), (json{{"ip", "203.0.113.10"}}));
  EXPECT_EQ(w[2].url, a + "/ipv6/reverse");
  EXPECT_EQ(json::parse(w[2].body), (json{{"ip", "2001:0db8:1000:0000:0000:0000:0000:0007"},
                                          {"reverse", "v6b.example.com"}}));
  EXPECT_EQ(w[3].method, "DELETE");
  EXPECT_EQ(w[3].url, a + "/ipv6/reverse/2001:0db8:1000:0000:0000:0000:0000:0101");
  EXPECT_EQ(w[3].body, "");
}

TEST(VultrProviderTest, ApplyListsFirstWhenItDoesNotKnowTheInstances) {
  Fixture f;
  auto out = f.make()->apply({set("198.51.100.7", "b.example.com.")});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)[0].status, Status::kApplied);
  EXPECT_EQ(f.writes().at(0).url, kBase + "/instances/" + kB + "/ipv4/reverse");
}

TEST(VultrProviderTest, AnswersMapToResults) {
  Fixture f;
  int fails = 0;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (auto a = account(r)) return *a;
    const std::string ip = json::parse(r.body).at("ip");
    if (ip == "203.0.113.10")
      return reply(400, R"({"error": "Invalid reverse: not a hostname", "status": 400})");
    if (ip == "203.0.113.11") return reply(404, R"({"error": "IP not found", "status": 404})");
    if (++fails <= 2) return reply(fails == 1 ? 503 : 429, "{}", 1);
    return reply(204, "");
  };
  auto out =
      f.make()->apply({set("203.0.113.10", "a.example.com."), set("203.0.113.11", "b.example.com."),
                       set("198.51.100.7", "c.example.com.")});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)[0].status, Status::kInvalid);  // Vultr checks no forward DNS
  EXPECT_EQ((*out)[0].reason, "Invalid reverse: not a hostname");
  EXPECT_EQ((*out)[1].status, Status::kNotYours);
  EXPECT_EQ((*out)[2].status, Status::kApplied);  // after a 503 and a 429
  EXPECT_EQ(fails, 3);
}

TEST(VultrProviderTest, ARefusedTokenStopsTheBatchAndIsNeverShown) {
  Fixture f;
  f.handler = [](const http::Request&) -> Result<http::Response> {
    return reply(401, R"({"error": "Invalid API token.", "status": 401})");
  };
  auto p = f.make();
  auto inv = p->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isAuth());
  EXPECT_THAT(inv.error().message, HasSubstr("Invalid API token."));
  EXPECT_THAT(inv.error().message, ::testing::Not(HasSubstr("tok-secret")));
}

TEST(VultrProviderTest, EveryRequestIsPacedUnderThirtyASecond) {
  Fixture f;
  std::vector<std::chrono::steady_clock::time_point> sent;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    sent.push_back(f.time.now);
    if (auto a = account(r)) return *a;
    return reply(204, "");
  };
  auto p = f.make(kMaxInventoryPages, 1000);  // asked for more than allowed: 30 it is
  std::vector<Change> batch;
  for (int i = 0; i < 40; ++i) batch.push_back(set("203.0.113.11", "x.example.com."));
  ASSERT_TRUE(p->apply(batch).ok());
  ASSERT_EQ(sent.size(), 45u);
  for (size_t i = 0; i + 30 < sent.size(); ++i) EXPECT_GE(sent[i + 30] - sent[i], 1s) << i;
}

}  // namespace
}  // namespace ptrd::providers::vultr
