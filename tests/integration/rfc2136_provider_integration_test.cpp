// The rfc2136 provider driven directly against a real BIND 9 and Knot DNS on
// loopback: inventory by AXFR (ordinary, RFC 2317 and ip6.arpa zones), the
// prerequisite that keeps a concurrent writer's PTR, and a wrong key on UPDATE.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "providers/rfc2136/rfc2136_provider.h"
#include "tests/integration/provider_lab.h"
#include "tests/integration/rfc2136_lab.h"
#include "tests/lab/child_process.h"

namespace ptrd::providers::rfc2136 {
namespace {

using Status = ChangeResult::Status;

class Rfc2136ProviderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = GetParam() == "bind" ? lab::startBind(testing::rfc2136Zones())
                                   : lab::startKnot(testing::rfc2136Zones());
  }

  std::unique_ptr<Rfc2136Provider> provider(const std::string& keyFile) {
    Rfc2136Options o;
    for (const char* z :
         {"113.0.203.in-addr.arpa", "0-25.100.51.198.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa"})
      o.zones.push_back(*ReverseZone::parse(z));
    o.ttl = 60;
    auto key = readTsigKeyFile(keyFile);
    EXPECT_TRUE(key) << key.error().message;
    auto client = std::make_unique<DnsClient>(*ServerAddress::parse(server_->address()), *key,
                                              std::chrono::milliseconds(5000),
                                              std::chrono::milliseconds(30000));
    return std::make_unique<Rfc2136Provider>(o, std::move(client));
  }
  // Another writer: nsupdate with the same key, outside ptrd.
  void nsupdate(const std::string& commands) {
    auto r = lab::runCommand(
        {"sh", "-c", "printf '%s' \"$0\" | nsupdate -k \"$1\"",
         "server 127.0.0.1 " + std::to_string(server_->port()) + "\n" + commands + "send\n",
         server_->keyFile()},
        server_->dir());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  std::string dig(const std::string& ip) {
    return testing::digPtr(server_->port(), ip, server_->dir());
  }
  static const OwnedAddress* find(const Inventory& inv, const std::string& ip) {
    auto it = std::find_if(inv.addresses.begin(), inv.addresses.end(),
                           [&](const auto& a) { return a.ip == ip; });
    return it == inv.addresses.end() ? nullptr : &*it;
  }
  static Change set(const std::string& ip, const std::string& host, const std::string& observed) {
    Change c;
    c.ip = ip;
    c.reverseName = IpAddress::parse(ip)->reverseName();
    c.action = Change::Action::kSet;
    c.hostname = host;
    c.observedPtr = observed;
    return c;
  }

  std::unique_ptr<lab::UpdateServer> server_;
};

TEST_P(Rfc2136ProviderTest, InventoryOwnsEveryZoneAndEveryAddressOfTheClasslessSlice) {
  auto inv = provider(server_->keyFile())->inventory();
  ASSERT_TRUE(inv) << inv.error().message;
  EXPECT_EQ(inv->ownedZones,
            (std::vector<std::string>{"113.0.203.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa."}));
  ASSERT_NE(find(*inv, "203.0.113.2"), nullptr);
  EXPECT_EQ(find(*inv, "203.0.113.2")->ptr, "old.example.com.");
  EXPECT_TRUE(find(*inv, "203.0.113.2")->custom);
  // 198.51.100.0-25 lie outside every ordinary zone: each is listed, without a PTR.
  for (int i = 0; i <= 25; ++i) {
    const auto* a = find(*inv, "198.51.100." + std::to_string(i));
    ASSERT_NE(a, nullptr) << i;
    EXPECT_EQ(a->ptr, "");
  }
  EXPECT_EQ(find(*inv, "198.51.100.26"), nullptr);
}

TEST_P(Rfc2136ProviderTest, APtrChangedBehindPtrdsBackIsNotOverwrittenAndTheNextPassSeesIt) {
  auto p = provider(server_->keyFile());
  auto inv = p->inventory();
  ASSERT_TRUE(inv) << inv.error().message;
  ASSERT_EQ(find(*inv, "203.0.113.2")->ptr, "old.example.com.");

  // Between ptrd's observation and its update, someone else writes the name.
  nsupdate(
      "update delete 2.113.0.203.in-addr.arpa. PTR\nupdate add 2.113.0.203.in-addr.arpa. 60 PTR "
      "intruder.example.com.\n");

  auto results = p->apply({set("203.0.113.2", "mx.example.com.", "old.example.com."),
                           set("203.0.113.1", "mail.example.com.", "")});
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  // One UPDATE per zone is atomic: the prerequisite of one change fails both.
  for (const auto& r : *results) {
    EXPECT_EQ(r.status, Status::kFailed) << r.ip;
    EXPECT_NE(r.reason.find("prerequisite"), std::string::npos) << r.reason;
  }
  EXPECT_EQ(dig("203.0.113.2"), "intruder.example.com.");
  EXPECT_EQ(dig("203.0.113.1"), "");

  // The next pass reads the new value and its change (conditional on it) goes through.
  auto next = p->inventory();
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(find(*next, "203.0.113.2")->ptr, "intruder.example.com.");
  auto again = p->apply({set("203.0.113.2", "mx.example.com.", "intruder.example.com."),
                         set("203.0.113.1", "mail.example.com.", "")});
  ASSERT_TRUE(again) << again.error().message;
  for (const auto& r : *again) EXPECT_EQ(r.status, Status::kApplied) << r.ip << ": " << r.reason;
  EXPECT_EQ(dig("203.0.113.2"), "mx.example.com.");
  EXPECT_EQ(dig("203.0.113.1"), "mail.example.com.");
}

TEST_P(Rfc2136ProviderTest, ResetDeletesAndSetWritesIntoTheClasslessAndIp6Zones) {
  auto p = provider(server_->keyFile());
  ASSERT_TRUE(p->inventory());
  Change reset;
  reset.ip = "203.0.113.3";
  reset.reverseName = "3.113.0.203.in-addr.arpa.";
  reset.action = Change::Action::kReset;
  reset.observedPtr = "relay.example.com.";
  auto results = p->apply({reset, set("198.51.100.5", "host5.example.com.", ""),
                           set("2001:db8::25", "mail6.example.com.", ""),
                           set("192.0.2.1", "x.example.com.", "")});
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ((*results)[0].status, Status::kApplied) << (*results)[0].reason;
  EXPECT_EQ((*results)[1].status, Status::kApplied) << (*results)[1].reason;
  EXPECT_EQ((*results)[2].status, Status::kApplied) << (*results)[2].reason;
  EXPECT_EQ((*results)[3].status, Status::kNotYours);
  EXPECT_EQ(dig("203.0.113.3"), "");
  EXPECT_EQ(testing::digFollowingCname(server_->port(), "198.51.100.5", server_->dir()),
            "5.0-25.100.51.198.in-addr.arpa. -> host5.example.com.");
  EXPECT_EQ(dig("2001:db8::25"), "mail6.example.com.");
}

TEST_P(Rfc2136ProviderTest, AWrongKeyOnUpdateIsAnAuthErrorNamingTheKeyNotTheSecret) {
  auto good = provider(server_->keyFile());
  ASSERT_TRUE(good->inventory());
  const std::string wrongFile = server_->dir() + "/wrong.key";
  const std::string secret = lab::writeKeyFile(wrongFile, server_->keyName());
  auto bad = provider(wrongFile);
  auto inv = bad->inventory();
  ASSERT_FALSE(inv);
  EXPECT_TRUE(inv.error().isAuth()) << inv.error().message;
  auto results = bad->apply({set("203.0.113.1", "mail.example.com.", "")});
  ASSERT_FALSE(results);
  EXPECT_TRUE(results.error().isAuth()) << results.error().message;
  EXPECT_NE(results.error().message.find("TSIG key \"ptrd.\""), std::string::npos)
      << results.error().message;
  EXPECT_EQ(results.error().message.find(secret), std::string::npos);
  EXPECT_EQ(dig("203.0.113.1"), "");
}

// 6,000 PTRs do not fit one 64 KiB message: the transfer spans several, each
// with its own TSIG chained to the previous one, and every record arrives.
TEST_P(Rfc2136ProviderTest, AnAxfrOfManyMessagesIsVerifiedAndReadWhole) {
  lab::UpdateServerOptions o;
  std::string records;
  for (int i = 0; i < 6000; ++i)
    records += fmt::format("{}.{} PTR host-{}-with-a-longish-name.pool.example.com.\n", i % 256,
                           i / 256, i);
  o.zones = {{"10.10.in-addr.arpa", records}};
  server_ = GetParam() == "bind" ? lab::startBind(o) : lab::startKnot(o);
  Rfc2136Options opts;
  opts.zones = {*ReverseZone::parse("10.10.in-addr.arpa")};
  auto client = std::make_unique<DnsClient>(
      *ServerAddress::parse(server_->address()), *readTsigKeyFile(server_->keyFile()),
      std::chrono::milliseconds(5000), std::chrono::milliseconds(30000));
  Rfc2136Provider p(opts, std::move(client));
  auto inv = p.inventory();
  ASSERT_TRUE(inv) << inv.error().message;
  ASSERT_EQ(inv->addresses.size(), 6000u);
  EXPECT_EQ(find(*inv, "10.10.23.111")->ptr, "host-5999-with-a-longish-name.pool.example.com.");

  // The same zone through a client that allows fewer records: an error naming the bound.
  TransferLimits small;
  small.maxRecords = 1000;
  DnsClient bounded(*ServerAddress::parse(server_->address()), *readTsigKeyFile(server_->keyFile()),
                    std::chrono::milliseconds(5000), std::chrono::milliseconds(30000), small);
  auto partial = bounded.transferPtrs("10.10.in-addr.arpa.");
  ASSERT_FALSE(partial);
  EXPECT_NE(partial.error().message.find("more than 1000 records"), std::string::npos)
      << partial.error().message;
}

INSTANTIATE_TEST_SUITE_P(Servers, Rfc2136ProviderTest, ::testing::Values("bind", "knot"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ptrd::providers::rfc2136
