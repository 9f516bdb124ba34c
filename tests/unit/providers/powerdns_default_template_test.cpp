// The PowerDNS defaultTemplate renders through core's one template engine: a
// placeholder the address's family does not know is an error, never a record
// published with "{hex}" in its name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "providers/powerdns/powerdns_provider.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::powerdns {
namespace {

using providers::testing::FakeClient;
using providers::testing::reply;
using ::testing::HasSubstr;

struct Server {
  std::shared_ptr<std::vector<http::Request>> requests;

  std::unique_ptr<PowerDnsProvider> make(std::string tmpl) {
    auto client =
        std::make_unique<FakeClient>([](const http::Request& r) -> Result<http::Response> {
          if (r.method == "GET" && r.url.ends_with("/zones"))
            return reply(
                200, R"([{"id": "113.0.203.in-addr.arpa.", "name": "113.0.203.in-addr.arpa."}])");
          if (r.method == "GET") {
            return reply(200, R"({"rrsets": [{"name": "10.113.0.203.in-addr.arpa.", "type": "PTR",
          "records": [{"content": "mail.example.com.", "disabled": false}]}]})");
          }
          return reply(204, "");
        });
    requests = client->requests;
    PowerDnsOptions o;
    o.url = "http://127.0.0.1:8081/";
    o.apiKey = "secret-key";
    o.defaultTemplate = std::move(tmpl);
    return std::make_unique<PowerDnsProvider>(o, std::move(client));
  }
  size_t patches() const {
    size_t n = 0;
    for (const auto& r : *requests) n += r.method == "PATCH";
    return n;
  }
};

TEST(PowerDnsDefaultTemplateTest, UnknownPlaceholderFailsTheInventory) {
  Server s;
  auto inv = s.make("{hex}.static.example.net.")->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("unknown placeholder {hex}"));
  auto bogus = s.make("{bogus}.static.example.net.")->inventory();
  ASSERT_FALSE(bogus.ok());
  EXPECT_THAT(bogus.error().message, HasSubstr("unknown placeholder {bogus}"));
}

TEST(PowerDnsDefaultTemplateTest, ResetWithAnUnknownPlaceholderIsRefusedUnsent) {
  Server s;
  auto p = s.make("{hex}.static.example.net.");
  auto r =
      p->apply({Change{"203.0.113.10", "10.113.0.203.in-addr.arpa.", Change::Action::kReset, ""}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].status, ChangeResult::Status::kInvalid);
  EXPECT_THAT((*r)[0].reason, HasSubstr("unknown placeholder {hex}"));
  EXPECT_EQ(s.patches(), 0u);
}

TEST(PowerDnsDefaultTemplateTest, KnownPlaceholdersStillRender) {
  Server s;
  auto inv = s.make("h{d}.{c}.{b}.{a}.Pool.example.")->inventory();
  ASSERT_TRUE(inv.ok());
  ASSERT_EQ(inv->addresses.size(), 1u);
  EXPECT_EQ(inv->addresses[0].defaultPtr, "h10.113.0.203.pool.example.");
  EXPECT_TRUE(inv->addresses[0].custom);
}

}  // namespace
}  // namespace ptrd::providers::powerdns
