// The rfc2136 provider's pure parts: the BIND key file, where an address lives
// in an ordinary or RFC 2317 classless zone, what each answer code means, the
// server address, and its settings block. No network.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "providers/rfc2136/dns_client.h"
#include "providers/rfc2136/rcode.h"
#include "providers/rfc2136/reverse_zone.h"
#include "providers/rfc2136/tsig_key.h"
#include "reconciler/config/config.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd::providers::rfc2136 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";

IpAddress ip(const char* s) {
  return *IpAddress::parse(s);
}

// --- key file ----------------------------------------------------------------

TEST(TsigKeyFile, ReadsWhatTsigKeygenPrints) {
  auto k = parseTsigKey(
      "ptrd.key",
      std::string("key \"ptrd\" {\n\talgorithm hmac-sha256;\n\tsecret \"") + kSecret + "\";\n};\n");
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->name, "ptrd.");
  EXPECT_EQ(k->algorithm, "hmac-sha256");
  EXPECT_EQ(k->wireAlgorithm, "hmac-sha256.");
  EXPECT_EQ(k->secret, kSecret);
}

TEST(TsigKeyFile, AcceptsCommentsUnquotedNamesAndTheOtherAlgorithms) {
  auto k = parseTsigKey(
      "k", std::string("# made by tsig-keygen\n// ptrd's key\nkey ddns-key. { /* sha512 */\n"
                       "  secret \"") +
               kSecret + "\"; algorithm hmac-sha512; };\n");
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->name, "ddns-key.");
  EXPECT_EQ(k->wireAlgorithm, "hmac-sha512.");
  for (const char* a : {"hmac-sha1", "hmac-md5"}) {
    auto other =
        parseTsigKey("k", fmt::format("key k {{ algorithm {}; secret \"{}\"; }};", a, kSecret));
    EXPECT_TRUE(other) << a;
  }
}

TEST(TsigKeyFile, BadSyntaxNamesFileAndLineButNeverTheSecret) {
  auto missingSemicolon =
      parseTsigKey("/etc/ptrd/ptrd.key", std::string("key \"ptrd\" {\n  algorithm hmac-sha256\n"
                                                     "  secret \"") +
                                             kSecret + "\";\n};\n");
  ASSERT_FALSE(missingSemicolon);
  EXPECT_EQ(missingSemicolon.error().message,
            "/etc/ptrd/ptrd.key:3: expected `;` after the algorithm");
  EXPECT_THAT(missingSemicolon.error().message, Not(HasSubstr(kSecret)));

  auto unclosed =
      parseTsigKey("k", "key \"ptrd\" {\n  algorithm hmac-sha256;\n  secret \"abc\n};\n");
  ASSERT_FALSE(unclosed);
  EXPECT_EQ(unclosed.error().message, "k:3: string is not closed on its line");

  auto notBase64 =
      parseTsigKey("k", "key p {\nalgorithm hmac-sha256;\nsecret \"not base64!\";\n};");
  ASSERT_FALSE(notBase64);
  EXPECT_EQ(notBase64.error().message, "k:3: the secret is not a quoted base64 string");

  auto unknownField = parseTsigKey("k", "key p {\n  algorithm hmac-sha256;\n  colour red;\n};");
  ASSERT_FALSE(unknownField);
  EXPECT_EQ(unknownField.error().message, "k:3: unknown field `colour` (algorithm, secret)");

  auto twoKeys =
      parseTsigKey("k", fmt::format("key a {{ algorithm hmac-sha256; secret \"{0}\"; }};\n"
                                    "key b {{ algorithm hmac-sha256; secret \"{0}\"; }};\n",
                                    kSecret));
  ASSERT_FALSE(twoKeys);
  EXPECT_EQ(twoKeys.error().message, "k:2: only one key per file (ptrd signs with exactly one)");

  auto noSecret = parseTsigKey("k", "key p { algorithm hmac-sha256; };");
  ASSERT_FALSE(noSecret);
  EXPECT_EQ(noSecret.error().message, "k: key \"p.\" has no secret");
  EXPECT_FALSE(parseTsigKey("k", ""));
  EXPECT_FALSE(parseTsigKey(
      "k", "key p { algorithm hmac-sha256; secret \"" + std::string(kSecret) + "\"; }"));
}

TEST(TsigKeyFile, AnUnknownOrUnsupportedAlgorithmIsNamedWithItsLine) {
  auto k = parseTsigKey(
      "k", fmt::format("key p {{\n  secret \"{}\";\n  algorithm hmac-sha3000;\n}};", kSecret));
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().message,
            "k:3: algorithm \"hmac-sha3000\" is not supported (hmac-sha256, hmac-sha512, hmac-sha1 "
            "or hmac-md5)");
  EXPECT_FALSE(parseTsigKey(
      "k", fmt::format("key p {{ algorithm hmac-sha384; secret \"{}\"; }};", kSecret)));
}

TEST(TsigKeyFile, AMissingFileIsAnErrorNamingIt) {
  auto k = readTsigKeyFile("/nonexistent/ptrd.key");
  ASSERT_FALSE(k);
  EXPECT_THAT(k.error().message, HasSubstr("/nonexistent/ptrd.key"));
}

// --- zones and owner names -----------------------------------------------------

TEST(ReverseZoneMapping, OrdinaryZonesHoldAddressesAtTheirUsualName) {
  auto z = ReverseZone::parse("113.0.203.IN-ADDR.ARPA");
  ASSERT_TRUE(z) << z.error().message;
  EXPECT_EQ(z->name, "113.0.203.in-addr.arpa.");
  EXPECT_FALSE(z->classless);
  EXPECT_EQ(z->ownerOf(ip("203.0.113.10")), "10.113.0.203.in-addr.arpa.");
  EXPECT_EQ(z->ownerOf(ip("203.0.114.10")), std::nullopt);
  EXPECT_EQ(z->addressOf("10.113.0.203.in-addr.arpa."), ip("203.0.113.10"));
  EXPECT_EQ(z->addressOf("113.0.203.in-addr.arpa."), std::nullopt);  // the apex

  auto v6 = ReverseZone::parse("8.b.d.0.1.0.0.2.ip6.arpa.");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->ownerOf(ip("2001:db8::25")), ip("2001:db8::25").reverseName());
  EXPECT_EQ(v6->addressOf(ip("2001:db8::25").reverseName()), ip("2001:db8::25"));
}

TEST(ReverseZoneMapping, Rfc2317DashZoneMapsBothWays) {
  auto z = ReverseZone::parse("0-25.100.51.198.in-addr.arpa");
  ASSERT_TRUE(z) << z.error().message;
  EXPECT_TRUE(z->classless);
  EXPECT_EQ(z->ownerOf(ip("198.51.100.5")), "5.0-25.100.51.198.in-addr.arpa.");
  EXPECT_EQ(z->ownerOf(ip("198.51.100.25")), "25.0-25.100.51.198.in-addr.arpa.");
  EXPECT_EQ(z->ownerOf(ip("198.51.100.26")), std::nullopt);
  EXPECT_EQ(z->addressOf("5.0-25.100.51.198.in-addr.arpa."), ip("198.51.100.5"));
  EXPECT_EQ(z->addressOf("26.0-25.100.51.198.in-addr.arpa."), std::nullopt);  // outside the slice
  EXPECT_EQ(z->addressOf("05.0-25.100.51.198.in-addr.arpa."), std::nullopt);
  EXPECT_EQ(z->addressOf("0-25.100.51.198.in-addr.arpa."), std::nullopt);
  EXPECT_EQ(z->addresses().size(), 26u);
}

TEST(ReverseZoneMapping, Rfc2317SlashZoneMapsBothWays) {
  auto z = ReverseZone::parse("64/26.2.0.192.in-addr.arpa.");
  ASSERT_TRUE(z) << z.error().message;
  EXPECT_EQ(z->ownerOf(ip("192.0.2.65")), "65.64/26.2.0.192.in-addr.arpa.");
  EXPECT_EQ(z->ownerOf(ip("192.0.2.63")), std::nullopt);
  EXPECT_EQ(z->ownerOf(ip("192.0.2.128")), std::nullopt);
  EXPECT_EQ(z->addressOf("127.64/26.2.0.192.in-addr.arpa."), ip("192.0.2.127"));
  EXPECT_EQ(z->addresses().size(), 64u);
}

TEST(ReverseZoneMapping, AClasslessZoneWinsOverItsParent) {
  std::vector<ReverseZone> zones = {*ReverseZone::parse("100.51.198.in-addr.arpa"),
                                    *ReverseZone::parse("0-25.100.51.198.in-addr.arpa")};
  EXPECT_EQ(zoneFor(zones, ip("198.51.100.5")), &zones[1]);
  EXPECT_EQ(zoneFor(zones, ip("198.51.100.200")), &zones[0]);
  EXPECT_EQ(zoneFor(zones, ip("192.0.2.1")), nullptr);
}

TEST(ReverseZoneMapping, NamesThatAreNoReverseZoneAreRefusedWithWhy) {
  for (const char* bad :
       {"example.com", "300.0.203.in-addr.arpa", "1.2.3.4.5.in-addr.arpa", "xy.ip6.arpa",
        "25-0.100.51.198.in-addr.arpa", "1/26.2.0.192.in-addr.arpa", "0/20.2.0.192.in-addr.arpa",
        "0-25.51.198.in-addr.arpa", "xin-addr.arpa"}) {
    auto z = ReverseZone::parse(bad);
    EXPECT_FALSE(z) << bad;
    if (!z) {
      EXPECT_THAT(z.error().message, HasSubstr(bad));
    }
  }
}

// --- answer codes ----------------------------------------------------------------

TEST(RcodeMapping, ServfailIsTransient) {
  auto u = classifyUpdateReply(2, 0, "ptrd.", "113.0.203.in-addr.arpa.");
  ASSERT_FALSE(u);
  EXPECT_TRUE(u.error().isTransient());
  auto t = classifyTransferReply(2, 0, "ptrd.", "113.0.203.in-addr.arpa.");
  ASSERT_FALSE(t);
  EXPECT_TRUE(t.error().isTransient());
}

TEST(RcodeMapping, RefusalsAndTsigErrorsAreAuthErrorsNamingTheKey) {
  for (auto [rcode, tsig, word] :
       {std::tuple{9, 16, "NOTAUTH, TSIG BADSIG"}, std::tuple{9, 17, "TSIG BADKEY"},
        std::tuple{9, 18, "TSIG BADTIME"}, std::tuple{5, 0, "REFUSED"},
        std::tuple{9, 0, "NOTAUTH"}}) {
    auto u = classifyUpdateReply(rcode, tsig, "ptrd.", "113.0.203.in-addr.arpa.");
    ASSERT_FALSE(u) << word;
    EXPECT_TRUE(u.error().isAuth()) << word;
    EXPECT_THAT(u.error().message, HasSubstr("TSIG key \"ptrd.\""));
    EXPECT_THAT(u.error().message, HasSubstr(word));
    auto t = classifyTransferReply(rcode, tsig, "ptrd.", "113.0.203.in-addr.arpa.");
    ASSERT_FALSE(t);
    EXPECT_TRUE(t.error().isAuth()) << word;
  }
  EXPECT_THAT(classifyUpdateReply(9, 18, "ptrd.", "z.").error().message, HasSubstr("clocks"));
}

TEST(RcodeMapping, PrerequisiteFailuresFailTheBatchNotThePass) {
  for (int rcode : {3, 6, 7, 8}) {
    auto u = classifyUpdateReply(rcode, 0, "ptrd.", "113.0.203.in-addr.arpa.");
    ASSERT_TRUE(u) << rcode;
    EXPECT_FALSE(u->applied);
    EXPECT_THAT(u->reason, HasSubstr("prerequisite failed: " + rcodeName(rcode)));
  }
  auto ok = classifyUpdateReply(0, 0, "ptrd.", "z.");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->applied);
  auto notZone = classifyUpdateReply(10, 0, "ptrd.", "z.");
  ASSERT_TRUE(notZone);
  EXPECT_FALSE(notZone->applied);
  EXPECT_THAT(notZone->reason, HasSubstr("NOTZONE"));
}

TEST(RcodeMapping, ATransferThatFailsOtherwiseIsAnErrorNeverAnEmptyZone) {
  auto t = classifyTransferReply(4, 0, "ptrd.", "z.");
  ASSERT_FALSE(t);
  EXPECT_THAT(t.error().message, HasSubstr("NOTIMP"));
  EXPECT_TRUE(classifyTransferReply(0, 0, "ptrd.", "z."));
}

// --- server address ----------------------------------------------------------------

TEST(ServerAddressParse, IpAndPortForms) {
  EXPECT_EQ(ServerAddress::parse("127.0.0.1:5353")->str(), "127.0.0.1:5353");
  EXPECT_EQ(ServerAddress::parse("192.0.2.53")->str(), "192.0.2.53:53");
  EXPECT_EQ(ServerAddress::parse("[::1]:5353")->str(), "[::1]:5353");
  EXPECT_EQ(ServerAddress::parse("2001:db8::53")->str(), "[2001:db8::53]:53");
  EXPECT_FALSE(ServerAddress::parse("ns1.example.com:53"));
  EXPECT_FALSE(ServerAddress::parse("127.0.0.1:0"));
  EXPECT_FALSE(ServerAddress::parse("127.0.0.1:65536"));
  EXPECT_FALSE(ServerAddress::parse("127.0.0.1:"));
}

// --- settings block ------------------------------------------------------------------

std::vector<std::string> configErrors(const std::string& provider) {
  std::vector<Diagnostic> errors;
  parseConfig(
      "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [m]\n  provider: " +
          provider + "\n",
      "/etc/ptrd/ptrd.yaml", errors);
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.str());
  return out;
}

TEST(Rfc2136Settings, TheContractsBlockIsAccepted) {
  auto e = configErrors(
      "{type: rfc2136, rfc2136: {server: \"127.0.0.1:53\", zones: [113.0.203.in-addr.arpa, "
      "0-25.100.51.198.in-addr.arpa, 8.b.d.0.1.0.0.2.ip6.arpa], tsigKeyFile: secrets/ptrd.key, "
      "ttl: 300, "
      "defaultTemplate: \"\"}}");
  EXPECT_TRUE(e.empty()) << e[0];
}

TEST(Rfc2136Settings, MistakesAreFileLineColumnErrors) {
  auto e = configErrors(
      "{type: rfc2136, server: \"ns1:53\", zones: [example.com], tsigKeyFile: k, "
      "defaultTemplate: \"{bogus}.example.net.\", url: \"http://x\"}");
  ASSERT_EQ(e.size(), 4u) << ::testing::PrintToString(e);
  EXPECT_THAT(e[0], HasSubstr("/etc/ptrd/ptrd.yaml:5:"));
  EXPECT_THAT(::testing::PrintToString(e),
              HasSubstr("url is not a rfc2136 setting (use server: HOST:PORT)"));
  EXPECT_THAT(::testing::PrintToString(e), HasSubstr("is not an IP address"));
  EXPECT_THAT(::testing::PrintToString(e),
              HasSubstr("zone \\\"example.com\\\" is not a reverse zone"));
  EXPECT_THAT(::testing::PrintToString(e), HasSubstr("bogus"));
  auto missing = configErrors("{type: rfc2136}");
  EXPECT_THAT(::testing::PrintToString(missing), HasSubstr("needs server"));
  EXPECT_THAT(::testing::PrintToString(missing), HasSubstr("needs zones"));
  EXPECT_THAT(::testing::PrintToString(missing), HasSubstr("needs tsigKeyFile"));
}

}  // namespace
}  // namespace ptrd::providers::rfc2136
