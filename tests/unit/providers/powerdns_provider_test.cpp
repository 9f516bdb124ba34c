#include "providers/powerdns/powerdns_provider.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::powerdns {
namespace {

using nlohmann::json;
using providers::testing::FakeClient;
using providers::testing::reply;
using ::testing::HasSubstr;
using Status = ChangeResult::Status;

const std::string kZones = R"([
  {"id": "113.0.203.in-addr.arpa.", "name": "113.0.203.in-addr.arpa."},
  {"id": "example.com.", "name": "example.com."},
  {"id": "8.b.d.0.1.0.0.2.ip6.arpa.", "name": "8.b.d.0.1.0.0.2.ip6.arpa."},
  {"id": "0.113.0.203.in-addr.arpa.", "name": "0.113.0.203.in-addr.arpa."}])";

PowerDnsOptions minimalOptions() {
  PowerDnsOptions o;
  o.url = "http://x";
  o.apiKey = "k";
  return o;
}

Change set(const std::string& ip, const std::string& rev, const std::string& host) {
  return Change{ip, rev, Change::Action::kSet, host};
}

struct Fixture {
  std::function<Result<http::Response>(const http::Request&)> patch = [](const http::Request&) {
    return Result<http::Response>(reply(204, ""));
  };
  std::shared_ptr<std::vector<http::Request>> requests;

  std::unique_ptr<PowerDnsProvider> make(std::string tmpl = "", size_t batch = 500,
                                         size_t maxItems = kMaxInventoryItems) {
    auto client = std::make_unique<FakeClient>([this](const http::Request& r)
                                                   -> Result<http::Response> {
      if (r.method == "GET" && r.url.ends_with("/zones")) return reply(200, kZones);
      if (r.method == "GET" && r.url.ends_with("/zones/113.0.203.in-addr.arpa.")) {
        return reply(200, R"({"rrsets": [
          {"name": "113.0.203.in-addr.arpa.", "type": "SOA", "records": [{"content": "x", "disabled": false}]},
          {"name": "10.113.0.203.in-addr.arpa.", "type": "PTR",
           "records": [{"content": "Mail.Example.com.", "disabled": false}]},
          {"name": "11.113.0.203.in-addr.arpa.", "type": "PTR",
           "records": [{"content": "203-0-113-11.static.example.net.", "disabled": false}]},
          {"name": "12.113.0.203.in-addr.arpa.", "type": "PTR",
           "records": [{"content": "gone.example.", "disabled": true}]}]})");
      }
      if (r.method == "GET" && r.url.find("ip6.arpa") != std::string::npos) {
        return reply(
            200,
            R"({"rrsets": [{"name": "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
          "type": "PTR", "records": [{"content": "v6.example.com.", "disabled": false}]}]})");
      }
      if (r.method == "GET") return reply(200, R"({"rrsets": []})");
      if (r.method == "PATCH") return patch(r);
      return reply(405, "");
    });
    requests = client->requests;
    PowerDnsOptions o{
        "http://127.0.0.1:8081/", "secret-key", batch, tmpl, 300, "localhost", kMaxZones, maxItems};
    return std::make_unique<PowerDnsProvider>(o, std::move(client));
  }
  std::vector<http::Request> patches() const {
    std::vector<http::Request> out;
    for (const auto& r : *requests)
      if (r.method == "PATCH") out.push_back(r);
    return out;
  }
};

TEST(PowerDnsProviderTest, InventoryListsPtrsOfReverseZonesOnly) {
  Fixture f;
  auto p = f.make("{dashed}.static.example.net");
  auto inv = p->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_THAT(inv->ownedZones,
              ::testing::ElementsAre("0.113.0.203.in-addr.arpa.", "113.0.203.in-addr.arpa.",
                                     "8.b.d.0.1.0.0.2.ip6.arpa."));
  ASSERT_EQ(inv->addresses.size(), 3u);  // the disabled record is not a PTR in DNS
  EXPECT_EQ(inv->addresses[0].ip, "203.0.113.10");
  EXPECT_EQ(inv->addresses[0].ptr, "mail.example.com.");
  EXPECT_EQ(inv->addresses[0].defaultPtr, "203-0-113-10.static.example.net.");
  EXPECT_TRUE(inv->addresses[0].custom);
  EXPECT_EQ(inv->addresses[1].ip, "203.0.113.11");
  EXPECT_FALSE(inv->addresses[1].custom);
  EXPECT_EQ(inv->addresses[2].ip, "2001:db8::25");
  EXPECT_EQ((*f.requests)[0].headers[0],
            (std::pair<std::string, std::string>{"X-API-Key", "secret-key"}));
  EXPECT_EQ((*f.requests)[0].url, "http://127.0.0.1:8081/api/v1/servers/localhost/zones");
}

TEST(PowerDnsProviderTest, GarbageZoneListIsAnErrorNotEmpty) {
  auto client = std::make_unique<FakeClient>(
      [](const http::Request&) { return Result<http::Response>(reply(200, "<html>")); });
  PowerDnsProvider p(minimalOptions(), std::move(client));
  auto inv = p.inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("malformed JSON"));
}

TEST(PowerDnsProviderTest, ApplyGroupsByLongestZoneAndReportsNotYours) {
  Fixture f;
  auto p = f.make();
  std::vector<Change> batch = {
      set("203.0.113.10", "10.113.0.203.in-addr.arpa.", "a.example.com."),
      set("198.51.100.1", "1.100.51.198.in-addr.arpa.", "b.example.com."),
      set("203.0.113.0", "0.113.0.203.in-addr.arpa.",
          "c.example.com."),  // the zone 0.113.0.203... holds it
      Change{"203.0.113.11", "11.113.0.203.in-addr.arpa.", Change::Action::kReset, ""},
  };
  auto r = p->apply(batch);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  EXPECT_EQ((*r)[0].ptr, "a.example.com.");
  EXPECT_EQ((*r)[1].status, Status::kNotYours);
  EXPECT_EQ((*r)[2].status, Status::kApplied);
  EXPECT_EQ((*r)[3].status, Status::kApplied);
  EXPECT_EQ((*r)[3].ptr, "");  // no template: reset deletes
  auto patches = f.patches();
  ASSERT_EQ(patches.size(), 2u);
  EXPECT_TRUE(patches[0].url.ends_with("/zones/113.0.203.in-addr.arpa."));
  auto first = json::parse(patches[0].body)["rrsets"];
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]["changetype"], "REPLACE");
  EXPECT_EQ(first[0]["ttl"], 300);
  EXPECT_EQ(first[1]["changetype"], "DELETE");
  EXPECT_TRUE(patches[1].url.ends_with("/zones/0.113.0.203.in-addr.arpa."));  // longest suffix wins
}

TEST(PowerDnsProviderTest, ResetWithTemplateReplacesWithDefault) {
  Fixture f;
  auto p = f.make("{dashed}.static.example.net.");
  auto r =
      p->apply({Change{"203.0.113.11", "11.113.0.203.in-addr.arpa.", Change::Action::kReset, ""}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].ptr, "203-0-113-11.static.example.net.");
  auto rr = json::parse(f.patches()[0].body)["rrsets"][0];
  EXPECT_EQ(rr["changetype"], "REPLACE");
  EXPECT_EQ(rr["records"][0]["content"], "203-0-113-11.static.example.net.");
}

TEST(PowerDnsProviderTest, ChunksByBatchSize) {
  Fixture f;
  auto p = f.make("", 3);
  std::vector<Change> batch;
  for (int i = 1; i <= 7; ++i)
    batch.push_back(set(fmt::format("203.0.113.{}", i),
                        fmt::format("{}.113.0.203.in-addr.arpa.", i), "x.example."));
  auto r = p->apply(batch);
  ASSERT_TRUE(r.ok());
  auto patches = f.patches();
  ASSERT_EQ(patches.size(), 3u);
  EXPECT_EQ(json::parse(patches[2].body)["rrsets"].size(), 1u);
}

TEST(PowerDnsProviderTest, RejectedPatchIsBisectedSoOneBadRecordFailsAlone) {
  Fixture f;
  f.patch = [](const http::Request& r) -> Result<http::Response> {
    if (r.body.find("bad..name") != std::string::npos)
      return reply(422, R"({"error": "Parsing record content"})");
    return reply(204, "");
  };
  auto p = f.make();
  std::vector<Change> batch;
  for (int i = 1; i <= 16; ++i) {
    batch.push_back(set(fmt::format("203.0.113.{}", i),
                        fmt::format("{}.113.0.203.in-addr.arpa.", i),
                        i == 7 ? "bad..name." : "ok.example."));
  }
  auto r = p->apply(batch);
  ASSERT_TRUE(r.ok());
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ((*r)[size_t(i)].status, i == 6 ? Status::kInvalid : Status::kApplied) << i;
  EXPECT_THAT((*r)[6].reason, HasSubstr("Parsing record content"));
  EXPECT_LE(f.patches().size(), 1u + 2u * 4u);  // 1 + 2*log2(16)
}

TEST(PowerDnsProviderTest, ServerErrorIsTransient) {
  Fixture f;
  f.patch = [](const http::Request&) { return Result<http::Response>(reply(503, "")); };
  auto p = f.make();
  auto r = p->apply({set("203.0.113.10", "10.113.0.203.in-addr.arpa.", "a.example.")});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isTransient());
  EXPECT_THAT(r.error().message, ::testing::Not(HasSubstr("secret-key")));
}

TEST(PowerDnsProviderTest, WrongKeyIsAnAuthError) {
  auto client = std::make_unique<FakeClient>([](const http::Request&) {
    return Result<http::Response>(reply(401, R"({"error": "Unauthorized"})"));
  });
  PowerDnsProvider p(minimalOptions(), std::move(client));
  auto r = p.inventory();
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().isTransient());
  EXPECT_TRUE(r.error().isAuth());
  EXPECT_THAT(r.error().message, HasSubstr("refused the API key"));
}

// Issue #10 case 14: a 403 on PATCH is one request and an auth Error (the
// reconciler stops the pass), never a bisection into ~2n failing PATCHes.
TEST(PowerDnsProviderTest, RefusedKeyOnPatchIsOneRequestAndAnAuthError) {
  Fixture f;
  f.patch = [](const http::Request&) {
    return Result<http::Response>(reply(403, R"({"error": "Forbidden"})"));
  };
  auto p = f.make();
  std::vector<Change> batch;
  for (int i = 10; i < 18; ++i)
    batch.push_back(set("203.0.113." + std::to_string(i),
                        std::to_string(i) + ".113.0.203.in-addr.arpa.", "a.example."));
  auto r = p->apply(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isAuth());
  EXPECT_EQ(f.patches().size(), 1u);
  EXPECT_THAT(r.error().message, ::testing::Not(HasSubstr("secret-key")));
}

// Issue #10 case 6: more records than the bound is an error, not a partial inventory.
TEST(PowerDnsProviderTest, MorePtrRecordsThanTheBoundIsAnError) {
  Fixture f;
  auto inv = f.make("", 500, /*maxItems=*/2)->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("more than 2 PTR records"));
}

}  // namespace
}  // namespace ptrd::providers::powerdns
