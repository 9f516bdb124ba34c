#include "providers/aws_ec2/ec2_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>

#include "providers/aws_ec2/ec2_xml.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::aws_ec2 {
namespace {

using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using Status = ChangeResult::Status;
using namespace std::chrono_literals;

constexpr const char* kNs = "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"";

std::map<std::string, std::string> form(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at <= body.size()) {
    size_t amp = body.find('&', at);
    std::string item = body.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    size_t eq = item.find('=');
    out[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (amp == std::string::npos) break;
    at = amp + 1;
  }
  return out;
}

std::string addresses(const std::vector<std::pair<std::string, std::string>>& eips,
                      const std::string& nextToken = {}) {
  std::string items;
  for (const auto& [ip, id] : eips)
    items += fmt::format("<item><publicIp>{}</publicIp>{}<domain>vpc</domain></item>", ip,
                         id.empty() ? "" : "<allocationId>" + id + "</allocationId>");
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeAddressesResponse {}><requestId>r"
      "</requestId><addressesSet>{}</addressesSet>{}</DescribeAddressesResponse>",
      kNs, items, nextToken.empty() ? "" : "<nextToken>" + nextToken + "</nextToken>");
}

std::string attribute(const std::string& ip, const std::string& id, const std::string& ptr,
                      const std::string& update = {}, const std::string& status = {},
                      const std::string& reason = {}) {
  std::string u;
  if (!status.empty())
    u = fmt::format(
        "<ptrRecordUpdate><value>{}</value><status>{}</status><reason>{}</reason>"
        "</ptrRecordUpdate>",
        update, status, reason);
  return fmt::format("<publicIp>{}</publicIp><allocationId>{}</allocationId>{}{}", ip, id,
                     ptr.empty() ? "" : "<ptrRecord>" + ptr + "</ptrRecord>", u);
}

std::string attributes(const std::vector<std::string>& items, const std::string& nextToken = {}) {
  std::string set;
  for (const auto& i : items) set += "<item>" + i + "</item>";
  return fmt::format(
      "<DescribeAddressesAttributeResponse {}><requestId>r</requestId><addressSet>{}</addressSet>"
      "{}</DescribeAddressesAttributeResponse>",
      kNs, set, nextToken.empty() ? "" : "<nextToken>" + nextToken + "</nextToken>");
}

std::string answer(const std::string& action, const std::string& item) {
  return fmt::format(
      "<{0}Response {1}><requestId>r</requestId><address>{2}</address></{0}Response>", action, kNs,
      item);
}

std::string ec2Error(const std::string& code, const std::string& message) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code>"
      "<Message>{}</Message></Error></Errors><RequestID>x</RequestID></Response>",
      code, message);
}

struct Fixture {
  FakeTime time;
  FakeClient::Handler handler;
  std::shared_ptr<std::vector<http::Request>> requests;

  std::unique_ptr<AwsEc2Provider> make(size_t maxPages = kMaxInventoryPages) {
    auto client =
        std::make_unique<FakeClient>([this](const http::Request& r) { return handler(r); });
    requests = client->requests;
    AwsEc2Options o;
    o.url = "https://ec2.eu-central-1.amazonaws.test";
    o.region = "eu-central-1";
    o.credentials = {"AKIDTEST", "secret-key-never-shown"};
    o.maxPages = maxPages;
    o.retry.base = 1ms;
    o.retry.cap = 10ms;
    o.jobTimeout = 60s;
    o.requestsPerSecond = kMaxRequestsPerSecond;
    o.clock = [] { return std::chrono::system_clock::from_time_t(1440938160); };
    return std::make_unique<AwsEc2Provider>(o, std::move(client), time.env());
  }
  std::vector<std::string> actions() const {
    std::vector<std::string> out;
    for (const auto& r : *requests) out.push_back(form(r.body)["Action"]);
    return out;
  }
};

Change set(const std::string& ip, const std::string& host) {
  return Change{ip, "", Change::Action::kSet, host};
}
Change reset(const std::string& ip) {
  return Change{ip, "", Change::Action::kReset, ""};
}

TEST(AwsEc2XmlTest, RefusesDoctypeAndMalformedAnswers) {
  auto bomb =
      parseXml("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><a>&lol;</a>");
  ASSERT_FALSE(bomb.ok());
  EXPECT_THAT(bomb.error().message, HasSubstr("DOCTYPE"));
  EXPECT_FALSE(parseXml("<a><b></a>").ok());
  EXPECT_FALSE(parseXml("").ok());
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  EXPECT_FALSE(parseXml(deep).ok());
  EXPECT_FALSE(parseAddresses("<DescribeAddressesResponse/>").ok());  // no addressesSet
  EXPECT_FALSE(parseAddresses(attributes({})).ok());                  // another answer
  EXPECT_FALSE(parseAddresses(addresses({{"2001:db8::1", "eipalloc-1"}})).ok());
}

TEST(AwsEc2XmlTest, ALongPrettyPrintedListStaysWithinTheTextBound) {
  std::string items;
  for (int i = 0; i < 3000; ++i)
    items += fmt::format(
        "\n        <item>\n            <publicIp>10.0.{}.{}</publicIp>\n            "
        "<allocationId>eipalloc-{}</allocationId>\n        </item>",
        i / 256, i % 256, i);
  auto a = parseAddresses(
      fmt::format("<DescribeAddressesResponse {}>\n    <addressesSet>{}\n    </addressesSet>\n"
                  "</DescribeAddressesResponse>",
                  kNs, items));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->addresses.size(), 3000u);
}

TEST(AwsEc2XmlTest, ReadsAddressesAttributesAndErrors) {
  auto a = parseAddresses(addresses({{"203.0.113.10", "eipalloc-1"}, {"198.51.100.7", ""}}, "t2"));
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->addresses.size(), 1u);  // EC2-Classic, without an allocation, is left out
  EXPECT_EQ(a->addresses[0].allocationId, "eipalloc-1");
  EXPECT_EQ(a->nextToken, "t2");
  auto p = parseAttributes(attributes({attribute("203.0.113.10", "eipalloc-1", "Mail.Example.com.",
                                                 "new.example.com.", "PENDING")}));
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_EQ(p->attributes.size(), 1u);
  EXPECT_EQ(p->attributes[0].ptr, "mail.example.com.");
  EXPECT_TRUE(p->attributes[0].updating);
  EXPECT_EQ(p->attributes[0].updateValue, "new.example.com.");
  auto e = parseError(ec2Error("AuthFailure", "AWS was not able to validate the credentials."));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "AuthFailure");
  EXPECT_EQ(defaultPtr("203.0.113.10", "eu-central-1"),
            "ec2-203-0-113-10.eu-central-1.compute.amazonaws.com.");
  EXPECT_EQ(defaultPtr("203.0.113.10", "us-east-1"), "ec2-203-0-113-10.compute-1.amazonaws.com.");
}

// A small account: two Elastic IPs, one with a PTR of its own.
void account(Fixture& f, std::vector<std::string>* seenActions = nullptr) {
  f.handler = [seenActions](const http::Request& r) -> Result<http::Response> {
    auto p = form(r.body);
    if (seenActions) seenActions->push_back(p["Action"]);
    if (p["Action"] == "DescribeAddresses")
      return reply(200,
                   addresses({{"203.0.113.10", "eipalloc-1"}, {"203.0.113.11", "eipalloc-2"}}));
    if (p["Action"] == "DescribeAddressesAttribute")
      return reply(200, attributes({attribute("203.0.113.11", "eipalloc-2", "mail.example.com.")}));
    return reply(400, ec2Error("InvalidAction", "no"));
  };
}

TEST(AwsEc2ProviderTest, InventoryListsElasticIpsWithDefaultsAndSignsEveryRequest) {
  Fixture f;
  account(f);
  auto p = f.make();
  auto inv = p->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->addresses.size(), 2u);
  EXPECT_EQ(inv->addresses[0].ptr, "ec2-203-0-113-10.eu-central-1.compute.amazonaws.com.");
  EXPECT_FALSE(inv->addresses[0].custom);
  EXPECT_EQ(inv->addresses[1].ptr, "mail.example.com.");
  EXPECT_TRUE(inv->addresses[1].custom);
  ASSERT_EQ(f.requests->size(), 2u);
  const auto& attr = (*f.requests)[1];
  auto params = form(attr.body);
  EXPECT_EQ(params["Version"], "2016-11-15");
  EXPECT_EQ(params["Attribute"], "domain-name");
  EXPECT_EQ(params["AllocationId.1"], "eipalloc-1");
  EXPECT_EQ(params["AllocationId.2"], "eipalloc-2");
  std::map<std::string, std::string> headers(attr.headers.begin(), attr.headers.end());
  EXPECT_EQ(headers["X-Amz-Date"], "20150830T123600Z");
  EXPECT_EQ(headers["Host"], "ec2.eu-central-1.amazonaws.test");
  EXPECT_THAT(headers["Authorization"],
              HasSubstr("Credential=AKIDTEST/20150830/eu-central-1/ec2/aws4_request, "
                        "SignedHeaders=content-type;host;x-amz-date, Signature="));
  for (const auto& r : *f.requests)
    for (const auto& [n, v] : r.headers) EXPECT_THAT(v, ::testing::Not(HasSubstr("secret-key")));
}

TEST(AwsEc2ProviderTest, FailedListingIsAnErrorNeverAnEmptyInventory) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    if (form(r.body)["Action"] == "DescribeAddresses")
      return reply(200, addresses({{"203.0.113.10", "eipalloc-1"}}));
    return reply(200, "<DescribeAddressesAttributeResponse><addressSet><item>");
  };
  EXPECT_FALSE(f.make()->inventory().ok());
  Fixture g;
  g.handler = [](const http::Request&) -> Result<http::Response> {
    return reply(401, ec2Error("AuthFailure", "AWS was not able to validate the credentials."));
  };
  auto inv = g.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_TRUE(inv.error().isAuth());
  Fixture h;  // endless pages end at the bound
  size_t n = 0;
  h.handler = [&n](const http::Request&) -> Result<http::Response> {
    return reply(200, addresses({}, fmt::format("t{}", ++n)));
  };
  auto paged = h.make(5)->inventory();
  ASSERT_FALSE(paged.ok());
  EXPECT_THAT(paged.error().message, HasSubstr("more than 5 pages"));
}

TEST(AwsEc2ProviderTest, SetWaitsForThePendingUpdate) {
  Fixture f;
  int polls = 0;
  f.handler = [&polls](const http::Request& r) -> Result<http::Response> {
    auto p = form(r.body);
    if (p["Action"] == "DescribeAddresses")
      return reply(200, addresses({{"203.0.113.10", "eipalloc-1"}}));
    if (p["Action"] == "ModifyAddressAttribute") {
      EXPECT_EQ(p["DomainName"], "web.example.com");
      EXPECT_EQ(p["AllocationId"], "eipalloc-1");
      return reply(200, answer("ModifyAddressAttribute", attribute("203.0.113.10", "eipalloc-1", "",
                                                                   "web.example.com.", "PENDING")));
    }
    if (p["Action"] == "DescribeAddressesAttribute" && p.count("AllocationId.1")) {
      if (++polls < 3)
        return reply(200, attributes({attribute("203.0.113.10", "eipalloc-1", "",
                                                "web.example.com.", "PENDING")}));
      return reply(200, attributes({attribute("203.0.113.10", "eipalloc-1", "web.example.com.")}));
    }
    return reply(400, ec2Error("InvalidAction", "no"));
  };
  auto p = f.make();
  ASSERT_TRUE(p->inventory().ok());
  auto r = p->apply({set("203.0.113.10", "web.example.com."), set("192.0.2.1", "x.example.com.")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kApplied) << (*r)[0].reason;
  EXPECT_EQ((*r)[0].ptr, "web.example.com.");
  EXPECT_EQ((*r)[1].status, Status::kNotYours);  // never sent
  EXPECT_EQ(polls, 3);
  EXPECT_FALSE(f.time.sleeps.empty());
  for (const auto& req : *f.requests) EXPECT_THAT(req.body, ::testing::Not(HasSubstr("192.0.2.1")));
}

TEST(AwsEc2ProviderTest, ResetLandsWhenTheAddressLeavesTheListing) {
  Fixture f;
  bool resetSent = false;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    auto p = form(r.body);
    if (p["Action"] == "DescribeAddresses")
      return reply(200, addresses({{"203.0.113.11", "eipalloc-2"}}));
    if (p["Action"] == "ResetAddressAttribute") {
      EXPECT_EQ(p["Attribute"], "domain-name");
      resetSent = true;
      return reply(
          200, answer("ResetAddressAttribute",
                      attribute("203.0.113.11", "eipalloc-2", "mail.example.com.", "", "PENDING")));
    }
    if (resetSent) return reply(200, attributes({}));
    return reply(200, attributes({attribute("203.0.113.11", "eipalloc-2", "mail.example.com.")}));
  };
  auto p = f.make();
  auto r = p->apply({reset("203.0.113.11")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kApplied) << (*r)[0].reason;
  EXPECT_EQ((*r)[0].ptr, "ec2-203-0-113-11.eu-central-1.compute.amazonaws.com.");
}

TEST(AwsEc2ProviderTest, ClassifiesRefusals) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    auto p = form(r.body);
    if (p["Action"] == "DescribeAddresses")
      return reply(200, addresses({{"203.0.113.1", "eipalloc-1"},
                                   {"203.0.113.2", "eipalloc-2"},
                                   {"203.0.113.3", "eipalloc-3"}}));
    if (p["Action"] == "ModifyAddressAttribute") {
      if (p["AllocationId"] == "eipalloc-1")
        return reply(400,
                     ec2Error("InvalidAllocationID.NotFound", "The allocation ID does not exist"));
      if (p["AllocationId"] == "eipalloc-2")
        return reply(400, ec2Error("InvalidParameterValue", "Invalid domain name"));
      return reply(200, answer("ModifyAddressAttribute", attribute("203.0.113.3", "eipalloc-3", "",
                                                                   "a.example.com.", "PENDING")));
    }
    return reply(200,
                 attributes({attribute(
                     "203.0.113.3", "eipalloc-3", "", "a.example.com.", "FAILED",
                     "The forward DNS record a.example.com does not resolve to 203.0.113.3")}));
  };
  auto r =
      f.make()->apply({set("203.0.113.1", "a.example.com."), set("203.0.113.2", "a.example.com."),
                       set("203.0.113.3", "a.example.com.")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kNotYours);
  EXPECT_EQ((*r)[1].status, Status::kInvalid);
  EXPECT_EQ((*r)[2].status, Status::kRefusedForward);
  EXPECT_THAT((*r)[2].reason, HasSubstr("does not resolve to 203.0.113.3"));
}

TEST(AwsEc2ProviderTest, AnUpdateEndingInAnotherStatusCountsOnlyWhenTheNameShows) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    auto p = form(r.body);
    if (p["Action"] == "DescribeAddresses")
      return reply(200, addresses({{"203.0.113.1", "eipalloc-1"}, {"203.0.113.2", "eipalloc-2"}}));
    if (p["Action"] == "ModifyAddressAttribute")
      return reply(200,
                   answer("ModifyAddressAttribute", attribute("203.0.113.1", p["AllocationId"], "",
                                                              "a.example.com.", "PENDING")));
    return reply(200, attributes({attribute("203.0.113.1", "eipalloc-1", "a.example.com.",
                                            "a.example.com.", "SUCCESSFUL"),
                                  attribute("203.0.113.2", "eipalloc-2", "", "a.example.com.",
                                            "FAILED", "Internal failure")}));
  };
  auto r =
      f.make()->apply({set("203.0.113.1", "a.example.com."), set("203.0.113.2", "a.example.com.")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kApplied) << (*r)[0].reason;
  EXPECT_EQ((*r)[1].status, Status::kFailed);
  EXPECT_THAT((*r)[1].reason, HasSubstr("FAILED: Internal failure"));
}

TEST(AwsEc2ProviderTest, ThrottlingBacksOffAndAuthStopsTheBatch) {
  Fixture f;
  int throttled = 0;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    auto p = form(r.body);
    if (p["Action"] == "DescribeAddresses")
      return reply(200, addresses({{"203.0.113.1", "eipalloc-1"}, {"203.0.113.2", "eipalloc-2"}}));
    if (p["Action"] == "ModifyAddressAttribute" && p["AllocationId"] == "eipalloc-1") {
      if (++throttled < 3)
        return reply(503, ec2Error("RequestLimitExceeded", "Request limit exceeded."));
      return reply(200, answer("ModifyAddressAttribute",
                               attribute("203.0.113.1", "eipalloc-1", "a.example.com.")));
    }
    if (p["Action"] == "DescribeAddressesAttribute") return reply(200, attributes({}));
    return reply(403, ec2Error("UnauthorizedOperation", "You are not authorized"));
  };
  auto p = f.make();
  auto one = p->apply({set("203.0.113.1", "a.example.com.")});
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ((*one)[0].status, Status::kApplied);
  EXPECT_EQ(throttled, 3);
  auto two = p->apply({set("203.0.113.2", "a.example.com.")});
  ASSERT_FALSE(two.ok());
  EXPECT_TRUE(two.error().isAuth());
  EXPECT_THAT(two.error().message, HasSubstr("UnauthorizedOperation"));
}

TEST(AwsEc2ProviderTest, PendingPastTheJobTimeoutFails) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    auto p = form(r.body);
    if (p["Action"] == "DescribeAddresses")
      return reply(200, addresses({{"203.0.113.1", "eipalloc-1"}}));
    std::string item = attribute("203.0.113.1", "eipalloc-1", "", "a.example.com.", "PENDING");
    if (p["Action"] == "ModifyAddressAttribute")
      return reply(200, answer("ModifyAddressAttribute", item));
    return reply(200, attributes({item}));
  };
  auto r = f.make()->apply({set("203.0.113.1", "a.example.com.")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kFailed);
  EXPECT_THAT((*r)[0].reason, HasSubstr("PENDING at its deadline"));
}

}  // namespace
}  // namespace ptrd::providers::aws_ec2
