// The PowerDNS provider against a real pdns_server (gsqlite3) on loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "providers/provider.h"
#include "core/ip_address.h"
#include "tests/integration/provider_lab.h"
#include "tests/lab/pdns_server.h"

namespace ptrd::testing {
namespace {

using providers::Change;
using providers::ChangeResult;
using Status = ChangeResult::Status;
using ::testing::ElementsAre;

const std::string kV4Zone = "113.0.203.in-addr.arpa.";
const std::string kV6Zone = "8.b.d.0.1.0.0.2.ip6.arpa.";
const std::string kSubZone =
    "0.113.0.203.in-addr.arpa.";  // 203.0.113.0 alone, to test longest match

std::string rev(const std::string& ip) {
  return IpAddress::parse(ip)->reverseName();
}
Change set(const std::string& ip, const std::string& host) {
  return {ip, rev(ip), Change::Action::kSet, host};
}
Change reset(const std::string& ip) {
  return {ip, rev(ip), Change::Action::kReset, ""};
}

class PowerDnsProviderIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    pdns_.createZone(kV4Zone);
    pdns_.createZone(kV6Zone);
    pdns_.createZone(kSubZone);
    pdns_.createZone("example.com.");
    pdns_.setRecords(kV4Zone, {{rev("203.0.113.10"), "PTR", "mail.example.com."},
                               {rev("203.0.113.11"), "PTR", "203-0-113-11.static.example.net."}});
    pdns_.setRecords("example.com.", {{"mail.example.com.", "A", "203.0.113.10"}});
  }
  std::unique_ptr<providers::Provider> provider(std::string tmpl = "", size_t batch = 500) {
    providers::ProviderConfig c;
    c.type = "powerdns";
    c.url = pdns_.apiUrl();
    c.apiKeyFile = pdns_.apiKeyFile();
    c.defaultTemplate = std::move(tmpl);
    c.batchSize = batch;
    c.ttl = 120;
    auto p = providers::makeProvider(c, observed_.observer());
    EXPECT_TRUE(p.ok()) << (p ? "" : p.error().message);
    return std::move(*p);
  }

  lab::PdnsServer pdns_;
  ObservedRequests observed_;
};

TEST_F(PowerDnsProviderIntegration, InventoryListsReverseZonesAndTheirPtrs) {
  auto p = provider("{dashed}.static.example.net.");
  auto inv = p->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EXPECT_THAT(inv->ownedZones, ElementsAre(kSubZone, kV4Zone, kV6Zone));
  ASSERT_EQ(inv->addresses.size(), 2u);
  EXPECT_EQ(inv->addresses[0].ip, "203.0.113.10");
  EXPECT_EQ(inv->addresses[0].ptr, "mail.example.com.");
  EXPECT_TRUE(inv->addresses[0].custom);
  EXPECT_EQ(inv->addresses[1].ip, "203.0.113.11");
  EXPECT_FALSE(inv->addresses[1].custom);
  EXPECT_EQ(observed_.count("list_zones", 200), 1);
  EXPECT_EQ(observed_.count("get_zone", 200), 3);
}

TEST_F(PowerDnsProviderIntegration, SetResetAndNotYoursAreVisibleInDns) {
  auto p = provider("{dashed}.static.example.net.");
  auto r =
      p->apply({set("203.0.113.12", "new.example.com."), set("2001:db8::25", "v6.example.com."),
                reset("203.0.113.10"), set("198.51.100.1", "stray.example.com.")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  EXPECT_EQ((*r)[1].status, Status::kApplied);
  EXPECT_EQ((*r)[2].status, Status::kApplied);
  EXPECT_EQ((*r)[2].ptr, "203-0-113-10.static.example.net.");
  EXPECT_EQ((*r)[3].status, Status::kNotYours);
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "203.0.113.12", pdns_.dir()), "new.example.com.");
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "2001:db8::25", pdns_.dir()), "v6.example.com.");
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "203.0.113.10", pdns_.dir()),
            "203-0-113-10.static.example.net.");

  // Without a template a reset deletes the record.
  auto plain = provider();
  auto r2 = plain->apply({reset("203.0.113.12")});
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r2)[0].status, Status::kApplied);
  EXPECT_EQ(pdns_.ptrRecords(kV4Zone).count(rev("203.0.113.12")), 0u);
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "203.0.113.12", pdns_.dir()), "");
}

TEST_F(PowerDnsProviderIntegration, GroupsByZoneInChunksAndIsolatesABadRecord) {
  auto p = provider("", 2);
  // Three for the /24 zone, one for the more specific zone, one bad content.
  auto r =
      p->apply({set("203.0.113.20", "a.example.com."), set("203.0.113.0", "zero.example.com."),
                set("203.0.113.21", "b.example.com."), set("203.0.113.22", "bad name.example.com."),
                set("203.0.113.23", "d.example.com.")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::vector<Status> statuses;
  for (const auto& x : *r) statuses.push_back(x.status);
  EXPECT_THAT(statuses, ElementsAre(Status::kApplied, Status::kApplied, Status::kApplied,
                                    Status::kInvalid, Status::kApplied));
  auto v4 = pdns_.ptrRecords(kV4Zone);
  EXPECT_EQ(v4[rev("203.0.113.20")], std::vector<std::string>{"a.example.com."});
  EXPECT_EQ(v4[rev("203.0.113.23")], std::vector<std::string>{"d.example.com."});
  EXPECT_EQ(v4.count(rev("203.0.113.0")), 0u);  // went to its own zone
  EXPECT_EQ(pdns_.ptrRecords(kSubZone)[rev("203.0.113.0")],
            std::vector<std::string>{"zero.example.com."});
  // /24 zone: 4 changes in chunks of 2; the rejected chunk is split in two
  // (one fails again, alone); the sub zone gets its own PATCH.
  EXPECT_EQ(observed_.count("patch_zone", 204), 3);
  EXPECT_EQ(observed_.count("patch_zone", 422), 2);
  EXPECT_EQ(digPtr(pdns_.dnsPort(), "203.0.113.21", pdns_.dir()), "b.example.com.");
}

TEST_F(PowerDnsProviderIntegration, WrongKeyAndDeadServerAreErrors) {
  std::string bad = pdns_.dir() + "/wrong-key";
  std::ofstream(bad) << "nope\n";
  providers::ProviderConfig c;
  c.type = "powerdns";
  c.url = pdns_.apiUrl();
  c.apiKeyFile = bad;
  auto p = providers::makeProvider(c, nullptr);
  ASSERT_TRUE(p.ok());
  auto inv = (*p)->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_FALSE(inv.error().isTransient());
  EXPECT_EQ(inv.error().message.find("nope"), std::string::npos);  // the secret is never echoed

  c.apiKeyFile = pdns_.dir() + "/missing";
  EXPECT_FALSE(providers::makeProvider(c, nullptr).ok());
  c.type = "bind";
  auto unknown = providers::makeProvider(c, nullptr);
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message, ::testing::HasSubstr("unknown provider 'bind'"));
}

}  // namespace
}  // namespace ptrd::testing
