#include "providers/linode/linode_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/linode/linode_json.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::linode {
namespace {

using nlohmann::json;
using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using Status = ChangeResult::Status;
using namespace std::chrono_literals;

json ipItem(const std::string& address, const json& rdns, bool pub = true) {
  return {{"address", address},
          {"type", address.find(':') == std::string::npos ? "ipv4" : "ipv6"},
          {"public", pub},
          {"rdns", rdns},
          {"prefix", 24}};
}

std::string page(const json& items, size_t page, size_t pages) {
  return json{{"data", items}, {"page", page}, {"pages", pages}, {"results", items.size()}}.dump();
}

bool isRangesList(const http::Request& r) {
  return r.url.find("/networking/ipv6/ranges?") != std::string::npos;
}

struct Fixture {
  FakeTime time;
  FakeClient::Handler handler;
  // GET /networking/ipv6/ranges answers one page of these, unless `handler`
  // answers it itself.
  json ranges = json::array();
  bool handlerListsRanges = false;
  std::shared_ptr<std::vector<http::Request>> requests;

  std::unique_ptr<LinodeProvider> make(size_t maxPages = kMaxInventoryPages) {
    auto client =
        std::make_unique<FakeClient>([this](const http::Request& r) -> Result<http::Response> {
          if (isRangesList(r) && !handlerListsRanges) return reply(200, page(ranges, 1, 1));
          return handler(r);
        });
    requests = client->requests;
    LinodeOptions o;
    o.url = "https://api.linode.test/v4";
    o.token = "tok-secret";
    o.workers = 1;  // FakeTime is not thread-safe
    o.maxPages = maxPages;
    o.retry.base = 1ms;
    o.retry.cap = 10ms;
    std::vector<std::unique_ptr<http::Client>> clients;
    clients.push_back(std::move(client));
    return std::make_unique<LinodeProvider>(o, std::move(clients), time.env());
  }
};

Change set(const std::string& ip, const std::string& host) {
  return Change{ip, "", Change::Action::kSet, host};
}
Change reset(const std::string& ip) {
  return Change{ip, "", Change::Action::kReset, ""};
}

TEST(LinodeJsonTest, DefaultsCustomAndPrivateAddresses) {
  auto p = parseIpsPage(
      page(json::array({ipItem("203.0.113.10", "203-0-113-10.ip.linodeusercontent.com"),
                        ipItem("203.0.113.11", "Mail.Example.com"), ipItem("2001:DB8::1", nullptr),
                        ipItem("192.168.1.1", nullptr, false),
                        ipItem("203.0.113.12", "li12-34.members.linode.com")}),
           1, 1));
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->items.size(), 4u);  // the private one is not listed
  EXPECT_EQ(p->items[0].defaultPtr, "203-0-113-10.ip.linodeusercontent.com.");
  EXPECT_FALSE(p->items[0].custom);
  EXPECT_EQ(p->items[1].ptr, "mail.example.com.");
  EXPECT_TRUE(p->items[1].custom);
  EXPECT_EQ(p->items[2].ip, "2001:db8::1");
  EXPECT_EQ(p->items[2].ptr, "");
  EXPECT_EQ(p->items[2].defaultPtr, "");
  EXPECT_FALSE(p->items[2].custom);
  EXPECT_FALSE(p->items[3].custom);  // an old-style platform default
}

TEST(LinodeJsonTest, MalformedListsAreErrorsNeverEmpty) {
  for (std::string body :
       {"", "[]", R"({"data": {}, "page": 1, "pages": 1})",
        R"({"data": [], "page": "1", "pages": 1})",
        R"({"data": [{"rdns": null}], "page": 1, "pages": 1})",
        R"({"data": [{"address": "010.0.0.1", "rdns": null}], "page": 1, "pages": 1})",
        R"({"data": [{"address": "10.0.0.1", "rdns": 5}], "page": 1, "pages": 1})"}) {
    auto p = parseIpsPage(body);
    EXPECT_FALSE(p.ok()) << body;
  }
}

TEST(LinodeJsonTest, BodiesAndForwardRefusals) {
  EXPECT_EQ(rdnsBody(set("203.0.113.1", "mail.example.com.")), R"({"rdns":"mail.example.com"})");
  EXPECT_EQ(rdnsBody(reset("203.0.113.1")), R"({"rdns":null})");
  EXPECT_TRUE(isForwardRefusal(
      "No match was found for 'x.example.com'. Reverse DNS must have a matching forward entry."));
  EXPECT_TRUE(
      isForwardRefusal("We were unable to preform a lookup for 'x.example.com' at this time."));
  EXPECT_FALSE(isForwardRefusal("Invalid rDNS value"));
  EXPECT_EQ(errorText(400, R"({"errors":[{"reason":"a","field":"rdns"},{"reason":"b"}]})"), "a; b");
  EXPECT_EQ(errorText(502, "<html>"), "HTTP 502");
}

TEST(LinodeProviderTest, InventoryPagesUntilTheLastPage) {
  Fixture f;
  f.handler = [](const http::Request& r) {
    if (r.url.find("page=1&") != std::string::npos)
      return reply(200, page(json::array({ipItem("203.0.113.1", nullptr)}), 1, 2));
    return reply(200, page(json::array({ipItem("203.0.113.2", nullptr)}), 2, 2));
  };
  auto inv = f.make()->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->addresses.size(), 2u);
  ASSERT_EQ(f.requests->size(), 3u);
  EXPECT_EQ((*f.requests)[0].url, "https://api.linode.test/v4/networking/ips?page=1&page_size=500");
  EXPECT_EQ((*f.requests)[0].headers[0].second, "Bearer tok-secret");
  EXPECT_EQ((*f.requests)[2].url,
            "https://api.linode.test/v4/networking/ipv6/ranges?page=1&page_size=500");
  EXPECT_TRUE(inv->ownedZones.empty());
}

TEST(LinodeJsonTest, RangesBecomeTheReverseZonesTheySpan) {
  auto p = parseRangesPage(page(json::array({{{"range", "2001:DB8:5::"}, {"prefix", 64}},
                                             {{"range", "2001:db8:6::"}, {"prefix", 56}},
                                             {{"range", "2001:db8:7::"}, {"prefix", 63}}}),
                                1, 1));
  ASSERT_TRUE(p.ok()) << p.error().message;
  // The /63 spans no whole reverse zone: left out, never widened to a /60.
  EXPECT_EQ(p->zones, (std::vector<std::string>{"0.0.0.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
                                                "0.0.6.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."}));
  auto base = IpAddress::parse("2001:db8:5::f000");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(ip6Zone(*base, 116),
            "f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
  EXPECT_EQ(ip6Zone(*base, 128), base->reverseName());
  EXPECT_FALSE(ip6Zone(*base, 0).has_value());
  EXPECT_FALSE(ip6Zone(*IpAddress::parse("203.0.113.0"), 24).has_value());
}

TEST(LinodeJsonTest, MalformedRangeListsAreErrorsNeverEmpty) {
  for (std::string body :
       {"", "[]", R"({"data": {}, "page": 1, "pages": 1})",
        R"({"data": [{"range": "2001:db8::"}], "page": 1, "pages": 1})",
        R"({"data": [{"range": "2001:db8::", "prefix": 129}], "page": 1, "pages": 1})",
        R"({"data": [{"range": "2001:db8::", "prefix": "64"}], "page": 1, "pages": 1})",
        R"({"data": [{"range": "203.0.113.0", "prefix": 24}], "page": 1, "pages": 1})",
        R"({"data": [{"range": "x", "prefix": 64}], "page": 1, "pages": 1})"}) {
    auto p = parseRangesPage(body);
    EXPECT_FALSE(p.ok()) << body;
  }
}

TEST(LinodeProviderTest, RoutedRangesAreOwnedZonesAndTheirListingMustSucceed) {
  Fixture f;
  f.handler = [](const http::Request&) {
    return reply(200, page(json::array({ipItem("2001:db8::1", nullptr)}), 1, 1));
  };
  f.ranges = json::array({{{"range", "2001:db8:5::"}, {"prefix", 64}, {"region", "us-east"}}});
  auto inv = f.make()->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_EQ(inv->addresses.size(), 1u);
  EXPECT_EQ(inv->ownedZones,
            (std::vector<std::string>{"0.0.0.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."}));

  // A ranges listing that fails fails the whole inventory: the addresses it
  // would have made ours are never taken as "not owned" by a half listing.
  f.handlerListsRanges = true;
  f.handler = [](const http::Request& r) {
    if (isRangesList(r)) return reply(401, R"({"errors":[{"reason":"Invalid Token"}]})");
    return reply(200, page(json::array({ipItem("2001:db8::1", nullptr)}), 1, 1));
  };
  inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isAuth());
  EXPECT_THAT(inv.error().message, HasSubstr("IPv6 ranges"));
}

TEST(LinodeProviderTest, InventoryBoundsPagesAndRefusesShiftingListings) {
  Fixture f;
  f.handler = [](const http::Request& r) {
    size_t n = std::stoul(r.url.substr(r.url.find("page=") + 5));
    return reply(
        200, page(json::array({ipItem("10.0.0." + std::to_string(n % 250), nullptr)}), n, 1000000));
  };
  auto inv = f.make(3)->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("more than 3 pages"));

  f.handler = [](const http::Request&) {
    return reply(200, page(json::array({ipItem("10.0.0.1", nullptr)}), 1, 2));
  };
  inv = f.make()->inventory();  // page 2 answered as page 1
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isTransient());

  f.handler = [](const http::Request&) {
    return reply(401, R"({"errors":[{"reason":"Invalid Token"}]})");
  };
  inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isAuth());
  EXPECT_THAT(inv.error().message, ::testing::Not(HasSubstr("tok-secret")));
}

TEST(LinodeProviderTest, ApplyMapsEachAnswerToItsResult) {
  Fixture f;
  f.handler = [](const http::Request& r) {
    auto body = json::parse(r.body);
    if (r.url.ends_with("/203.0.113.1"))
      return reply(200, ipItem("203.0.113.1", "mail.example.com").dump());
    if (r.url.ends_with("/203.0.113.2"))
      return reply(
          400,
          R"({"errors":[{"reason":"No match was found for 'mx.example.com'. Reverse DNS must have a matching forward entry.","field":"rdns"}]})");
    if (r.url.ends_with("/203.0.113.3"))
      return reply(
          400,
          R"({"errors":[{"reason":"We were unable to preform a lookup for 'x.example.com' at this time.","field":"rdns"}]})");
    if (r.url.ends_with("/203.0.113.4"))
      return reply(404, R"({"errors":[{"reason":"Not found"}]})");
    if (r.url.ends_with("/203.0.113.5"))
      return reply(400, R"({"errors":[{"reason":"Invalid rDNS value","field":"rdns"}]})");
    if (r.url.ends_with("/203.0.113.6")) return reply(503, "");
    EXPECT_TRUE(body["rdns"].is_null());
    return reply(200, ipItem("203.0.113.7", "203-0-113-7.ip.linodeusercontent.com").dump());
  };
  auto p = f.make();
  auto r = p->apply({set("203.0.113.1", "mail.example.com."), set("203.0.113.2", "mx.example.com."),
                     set("203.0.113.3", "x.example.com."), set("203.0.113.4", "a.example.com."),
                     set("203.0.113.5", "b.example.com."), set("203.0.113.6", "c.example.com."),
                     reset("203.0.113.7")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 7u);
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  EXPECT_EQ((*r)[0].ptr, "mail.example.com.");
  EXPECT_EQ((*r)[1].status, Status::kRefusedForward);
  EXPECT_THAT((*r)[1].reason, HasSubstr("Reverse DNS must have a matching forward entry"));
  EXPECT_EQ((*r)[2].status, Status::kRefusedForward);
  EXPECT_EQ((*r)[3].status, Status::kNotYours);
  EXPECT_EQ((*r)[4].status, Status::kInvalid);
  EXPECT_EQ((*r)[5].status, Status::kFailed);  // after its retries
  EXPECT_EQ((*r)[6].status, Status::kApplied);
  EXPECT_EQ((*r)[6].ptr, "203-0-113-7.ip.linodeusercontent.com.");
  EXPECT_EQ((*r)[6].action, Change::Action::kReset);
  for (const auto& req : *f.requests) EXPECT_EQ(req.method, "PUT");
}

TEST(LinodeProviderTest, RateLimitWaitsAsRetryAfterSays) {
  Fixture f;
  int calls = 0;
  f.handler = [&](const http::Request&) {
    if (++calls == 1) return reply(429, R"({"errors":[{"reason":"Too Many Requests"}]})", 7);
    return reply(200, ipItem("203.0.113.1", "mail.example.com").dump());
  };
  auto r = f.make()->apply({set("203.0.113.1", "mail.example.com.")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  ASSERT_FALSE(f.time.sleeps.empty());
  EXPECT_EQ(f.time.sleeps[0], 7000ms);
}

TEST(LinodeProviderTest, ARefusedTokenFailsTheBatchAndSendsNoMore) {
  Fixture f;
  f.handler = [](const http::Request&) {
    return reply(401, R"({"errors":[{"reason":"Invalid Token"}]})");
  };
  auto r =
      f.make()->apply({set("203.0.113.1", "a.example.com."), set("203.0.113.2", "b.example.com.")});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isAuth());
  EXPECT_EQ(f.requests->size(), 1u);
}

TEST(LinodeProviderTest, AnAnswerThatDoesNotHoldTheNameIsNotApplied) {
  Fixture f;
  f.handler = [](const http::Request&) {
    return reply(200, ipItem("203.0.113.1", "other.example.com").dump());
  };
  auto r = f.make()->apply({set("203.0.113.1", "mail.example.com.")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].status, Status::kFailed);
}

TEST(LinodeProviderTest, RequestsArePacedWithinTheMinutesRate) {
  auto windows = LinodeProvider::rateWindows(400);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].requests, 400u);
  EXPECT_EQ(windows[0].interval, 60s);
  EXPECT_EQ(windows[1].requests, 7u);
  EXPECT_EQ(windows[1].interval, 1s);
  EXPECT_EQ(LinodeProvider::rateWindows(100000)[0].requests,
            kMaxRequestsPerMinute);  // never above Linode's

  Fixture f;
  std::vector<std::chrono::steady_clock::time_point> at;
  f.handler = [&](const http::Request& r) {
    at.push_back(f.time.now);
    std::string ip = r.url.substr(r.url.rfind('/') + 1);
    return reply(200, ipItem(ip, "h.example.com").dump());
  };
  std::vector<Change> batch;
  for (int i = 0; i < 20; ++i)
    batch.push_back(set("10.0.0." + std::to_string(i), "h.example.com."));
  auto r = f.make()->apply(batch);
  ASSERT_TRUE(r.ok());
  for (size_t i = 0; i + 7 < at.size(); ++i) EXPECT_GE(at[i + 7] - at[i], 1s);
}

}  // namespace
}  // namespace ptrd::providers::linode
