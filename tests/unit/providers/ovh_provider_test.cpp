#include "providers/ovh/ovh_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/ovh/ovh_json.h"
#include "providers/ovh/ovh_signature.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::ovh {
namespace {

using nlohmann::json;
using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using ::testing::Not;
using Status = ChangeResult::Status;
using namespace std::chrono_literals;

constexpr const char* kBase = "https://eu.api.ovh.test/1.0";
constexpr int64_t kApiTime = 1'700'000'000;

std::optional<std::string> header(const http::Request& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return std::nullopt;
}

struct Fixture {
  FakeTime time;
  FakeClient::Handler handler;
  std::shared_ptr<std::vector<http::Request>> requests;
  int64_t localClock = kApiTime - 300;  // five minutes behind the API

  std::unique_ptr<OvhProvider> make() {
    auto client =
        std::make_unique<FakeClient>([this](const http::Request& r) { return handler(r); });
    requests = client->requests;
    OvhOptions o;
    o.url = kBase;
    o.applicationKey = "ak-EXAMPLE";
    o.applicationSecret = "as-SECRET";
    o.consumerKey = "ck-SECRET";
    o.workers = 1;  // FakeTime is not thread-safe
    o.retry.base = 1ms;
    o.retry.cap = 10ms;
    o.unixNow = [this] { return localClock; };
    std::vector<std::unique_ptr<http::Client>> clients;
    clients.push_back(std::move(client));
    return std::make_unique<OvhProvider>(o, std::move(clients), time.env());
  }
};

// The API: one IPv4 /30 with a custom reverse on .2, one IPv6 /64 with one on ::5.
Result<http::Response> account(const http::Request& r) {
  const std::string path = r.url.substr(std::string(kBase).size());
  if (path == "/auth/time") return reply(200, std::to_string(kApiTime));
  if (path == "/ip") return reply(200, R"(["203.0.113.0/30", "2001:db8::/64"])");
  if (path == "/ip/203.0.113.0%2F30/reverse") return reply(200, R"(["203.0.113.2"])");
  if (path == "/ip/2001%3Adb8%3A%3A%2F64/reverse") return reply(200, R"(["2001:db8::5"])");
  if (path == "/ip/203.0.113.0%2F30/reverse/203.0.113.2")
    return reply(200, R"({"ipReverse": "203.0.113.2", "reverse": "Mail.Example.com."})");
  if (path == "/ip/2001%3Adb8%3A%3A%2F64/reverse/2001%3Adb8%3A%3A5")
    return reply(200, R"({"ipReverse": "2001:db8::5", "reverse": "v6.example.com."})");
  return reply(404, R"({"message": "not found"})");
}

Change set(const std::string& ip, const std::string& host) {
  return Change{ip, "", Change::Action::kSet, host};
}
Change reset(const std::string& ip) {
  return Change{ip, "", Change::Action::kReset, ""};
}

TEST(OvhSignatureTest, Sha1OfTheFipsVector) {
  EXPECT_EQ(sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

// The expected values were computed with the algorithm of OVH's python client
// (python-ovh, ovh/client.py, Client.raw_call):
//   "$1$" + hashlib.sha1("+".join([AS, CK, METHOD, target, body, now]).encode()).hexdigest()
TEST(OvhSignatureTest, MatchesTheSdkAlgorithm) {
  EXPECT_EQ(
      signature({"EXAMPLE-secret", "EXAMPLE-consumer", "POST",
                 "https://eu.api.ovh.com/1.0/ip/203.0.113.0%2F29/reverse",
                 R"({"ipReverse": "203.0.113.1", "reverse": "mail.example.com."})", 1700000000}),
      "$1$3f534f45277eca6bb565075b21f5f8b92547610f");
  EXPECT_EQ(signature({"EXAMPLE-secret", "EXAMPLE-consumer", "GET", "https://eu.api.ovh.com/1.0/ip",
                       "", 1700000000}),
            "$1$1c4d0e695734f5dcfdda065f561cefe65e4fd480");
}

TEST(OvhProviderTest, InventoryOwnsEveryAddressOfEachBlock) {
  Fixture f;
  f.handler = account;
  auto p = f.make();
  auto inv = p->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->addresses.size(), 5u);  // 4 of the /30 and the IPv6 custom one
  std::map<std::string, OwnedAddress> by;
  for (const auto& a : inv->addresses) by[a.ip] = a;
  EXPECT_EQ(by["203.0.113.1"].ptr, "");  // OVH's default, whose name the API never shows
  EXPECT_FALSE(by["203.0.113.1"].custom);
  EXPECT_EQ(by["203.0.113.2"].ptr, "mail.example.com.");
  EXPECT_TRUE(by["203.0.113.2"].custom);
  EXPECT_EQ(by["203.0.113.2"].defaultPtr, "");
  EXPECT_EQ(by["2001:db8::5"].ptr, "v6.example.com.");
  EXPECT_THAT(inv->ownedZones, ::testing::ElementsAre("0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."));
}

TEST(OvhProviderTest, SignsWithTheApiClockNotTheLocalOne) {
  Fixture f;
  f.handler = account;
  auto p = f.make();
  ASSERT_TRUE(p->inventory().ok());
  ASSERT_GE(f.requests->size(), 2u);
  EXPECT_EQ((*f.requests)[0].url, std::string(kBase) + "/auth/time");
  EXPECT_FALSE(header((*f.requests)[0], "X-Ovh-Signature"));  // never signed
  size_t timeReads = 0;
  for (const auto& r : *f.requests) {
    if (r.url.ends_with("/auth/time")) {
      ++timeReads;
      continue;
    }
    EXPECT_EQ(header(r, "X-Ovh-Application"), "ak-EXAMPLE");
    EXPECT_EQ(header(r, "X-Ovh-Consumer"), "ck-SECRET");
    EXPECT_EQ(header(r, "X-Ovh-Timestamp"), std::to_string(kApiTime));
    EXPECT_EQ(header(r, "X-Ovh-Signature"),
              signature({"as-SECRET", "ck-SECRET", r.method, r.url, r.body, kApiTime}));
  }
  EXPECT_EQ(timeReads, 1u);  // once per process
}

TEST(OvhProviderTest, ReadsTheClockAgainAfterARefusedTimestamp) {
  Fixture f;
  int64_t apiTime = kApiTime;
  int refused = 0;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (r.url.ends_with("/auth/time")) return reply(200, std::to_string(apiTime));
    if (header(r, "X-Ovh-Timestamp") != std::to_string(apiTime)) {
      ++refused;
      return reply(400, R"({"errorCode":"QUERY_TIME_OUT","message":"Query out of time"})");
    }
    return account(r);
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory().ok());
  apiTime += 3600;  // the API's clock jumps (or ours does)
  auto inv = p->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_EQ(refused, 1);
}

TEST(OvhProviderTest, AppliesAndClassifiesEachAnswer) {
  Fixture f;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") {
      auto body = json::parse(r.body);
      EXPECT_EQ(r.url, std::string(kBase) + "/ip/203.0.113.0%2F30/reverse");
      EXPECT_EQ(header(r, "Content-Type"), "application/json");
      const std::string ip = body.at("ipReverse");
      const std::string name = body.at("reverse");
      if (ip == "203.0.113.1") return reply(200, json{{"ipReverse", ip}, {"reverse", name}}.dump());
      if (ip == "203.0.113.2")
        return reply(400, R"({"class":"Client::BadRequest","message":")" + name +
                              R"( does not resolve to 203.0.113.2"})");
      if (ip == "203.0.113.3")
        return reply(400, R"({"class":"Client::BadRequest","message":"Cannot check if )" + name +
                              R"( resolves to 203.0.113.3"})");
      return reply(400, R"({"class":"Client::BadRequest","message":"Invalid reverse"})");
    }
    if (r.method == "DELETE")
      return reply(404, R"({"message":"The requested object does not exist"})");
    return account(r);
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory().ok());
  auto out =
      p->apply({set("203.0.113.1", "mail.example.com."), set("203.0.113.2", "a.example.com."),
                set("203.0.113.3", "b.example.com."), set("203.0.113.0", "c.example.com."),
                reset("203.0.113.2"), set("198.51.100.1", "d.example.com.")});
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->size(), 6u);
  EXPECT_EQ((*out)[0].status, Status::kApplied);
  EXPECT_EQ((*out)[0].ptr, "mail.example.com.");
  EXPECT_EQ((*out)[1].status, Status::kRefusedForward);
  EXPECT_EQ((*out)[1].reason, "a.example.com. does not resolve to 203.0.113.2");
  EXPECT_EQ((*out)[2].status, Status::kRefusedForward);
  EXPECT_EQ((*out)[3].status, Status::kInvalid);
  EXPECT_EQ((*out)[4].status, Status::kApplied);   // nothing left to delete
  EXPECT_EQ((*out)[5].status, Status::kNotYours);  // in no block: never sent
  for (const auto& r : *f.requests) EXPECT_THAT(r.body, Not(HasSubstr("198.51.100.1")));
}

TEST(OvhProviderTest, RefusedCredentialsStopTheBatchWithoutSecrets) {
  for (
      auto [code, body] : std::vector<std::pair<int, std::string>>{
          {400,
           R"({"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":"Invalid signature"})"},
          {403, R"({"errorCode":"INVALID_CREDENTIAL","message":"This credential is not valid"})"},
          {403, R"({"class":"Client::Forbidden","message":"This call has not been granted"})"},
          {401, R"({"message":"You must login first"})"}}) {
    Fixture f;
    f.handler = [&](const http::Request& r) -> Result<http::Response> {
      if (r.method == "POST") return reply(code, body);
      return account(r);
    };
    auto p = f.make();
    ASSERT_TRUE(p->inventory().ok());
    auto out = p->apply({set("203.0.113.1", "mail.example.com.")});
    ASSERT_FALSE(out.ok()) << body;
    EXPECT_TRUE(out.error().isAuth()) << body;
    EXPECT_THAT(out.error().message, Not(HasSubstr("SECRET")));
  }
}

TEST(OvhProviderTest, ServerErrorsAndRateLimitsAreRetried) {
  Fixture f;
  int posts = 0;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST" && ++posts <= 2)
      return posts == 1 ? reply(429, R"({"message":"Too many requests"})", 2)
                        : reply(503, R"({"message":"Service unavailable"})");
    if (r.method == "POST")
      return reply(200, json{{"ipReverse", "203.0.113.1"}, {"reverse", "m.example.com."}}.dump());
    return account(r);
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory().ok());
  auto out = p->apply({set("203.0.113.1", "m.example.com.")});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)[0].status, Status::kApplied);
  EXPECT_EQ(posts, 3);
  EXPECT_THAT(f.time.sleeps, ::testing::Contains(2000ms));  // as Retry-After said
}

TEST(OvhProviderTest, ListsThatCannotBeReadAreErrorsNeverEmpty) {
  for (std::string bad : {"", "{}", R"([1])", R"(["203.0.113.1"])", R"(["203.0.113.1/24"])"}) {
    Fixture f;
    f.handler = [&](const http::Request& r) -> Result<http::Response> {
      if (r.url.ends_with("/ip")) return reply(200, bad);
      return account(r);
    };
    auto p = f.make();
    EXPECT_FALSE(p->inventory().ok()) << bad;
  }
  Fixture outside;
  outside.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (r.url.ends_with("%2F30/reverse")) return reply(200, R"(["198.51.100.7"])");
    return account(r);
  };
  auto p = outside.make();
  auto inv = p->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("outside"));
  Fixture large;
  large.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (r.url.ends_with("/ip")) return reply(200, R"(["10.0.0.0/8"])");
    return account(r);
  };
  p = large.make();
  inv = p->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("larger than /16"));
}

TEST(OvhJsonTest, ReverseBodyCarriesTheTrailingDot) {
  EXPECT_EQ(json::parse(reverseBody(set("2001:db8::5", "v6.example.com"))),
            (json{{"ipReverse", "2001:db8::5"}, {"reverse", "v6.example.com."}}));
}

}  // namespace
}  // namespace ptrd::providers::ovh
