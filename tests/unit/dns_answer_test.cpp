// Parsing DNS wire format and reading one response (CNAME chains, negatives,
// referrals), without a server.
#include "reconciler/dns_answer.h"

#include <gtest/gtest.h>

#include "reconciler/cares_resolver.h"
#include "reconciler/dns_message.h"

namespace ptrd::dns {
namespace {

Record rr(const char* owner, uint16_t type, const char* target = "", uint32_t ttl = 60) {
  Record r;
  r.owner = owner;
  r.type = type;
  r.klass = kClassIn;
  r.ttl = ttl;
  r.target = target;
  return r;
}
Record a(const char* owner, const char* addr, uint32_t ttl = 60) {
  Record r = rr(owner, kTypeA, "", ttl);
  r.address = *IpAddress::parse(addr);
  return r;
}
Record soa(const char* owner, uint32_t negative) {
  Record r = rr(owner, kTypeSoa);
  r.negative_ttl = negative;
  return r;
}

TEST(InterpretResponse, FollowsAChainInsideTheResponse) {
  Message m;
  m.answers = {rr("x.example.", kTypeCname, "y.example.", 30),
               rr("y.example.", kTypeCname, "z.example."), a("z.example.", "192.0.2.2"),
               a("z.example.", "192.0.2.1"), a("other.example.", "192.0.2.9")};
  auto s = interpretResponse(m, "x.example.", kTypeA, 0);
  EXPECT_FALSE(s.follow);
  EXPECT_EQ(s.outcome, LookupOutcome::kAnswer);
  EXPECT_EQ(s.cnames, (std::vector<std::string>{"y.example.", "z.example."}));
  ASSERT_EQ(s.addresses.size(), 2u);  // only the chain's end, sorted
  EXPECT_EQ(s.addresses[0].str(), "192.0.2.1");
  EXPECT_EQ(s.ttl, 30u);  // the CNAME's TTL bounds the answer
}

TEST(InterpretResponse, AsksAgainWhenTheChainLeavesTheResponse) {
  Message m;
  m.answers = {rr("x.example.", kTypeCname, "y.elsewhere.")};
  auto s = interpretResponse(m, "x.example.", kTypeA, 0);
  EXPECT_TRUE(s.follow);
  EXPECT_EQ(s.next, "y.elsewhere.");
}

TEST(InterpretResponse, NegativeAfterCnameIsAboutTheTarget) {
  Message m;
  m.rcode = kRcodeNxdomain;
  m.answers = {rr("x.example.", kTypeCname, "gone.example.")};
  m.authority = {soa("example.", 30)};
  auto s = interpretResponse(m, "x.example.", kTypeA, 0);
  EXPECT_EQ(s.outcome, LookupOutcome::kNxdomain);
  EXPECT_EQ(s.ttl, 30u);
  m.rcode = kRcodeNoError;
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, 0).outcome, LookupOutcome::kNodata);
}

TEST(InterpretResponse, ReferralIsNotNodata) {
  Message m;
  m.authority = {rr("sub.example.", kTypeNs, "ns.sub.example.")};
  auto s = interpretResponse(m, "x.sub.example.", kTypeA, 0);
  EXPECT_EQ(s.outcome, LookupOutcome::kOther);
  EXPECT_FALSE(isDefinitive(s.outcome));
}

TEST(InterpretResponse, RcodesBecomeFailures) {
  Message m;
  m.rcode = kRcodeServfail;
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, 0).outcome, LookupOutcome::kServfail);
  m.rcode = kRcodeRefused;
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, 0).outcome, LookupOutcome::kRefused);
  m.rcode = 1;  // FORMERR
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, 0).outcome, LookupOutcome::kOther);
}

TEST(InterpretResponse, ChainLimitCountsEarlierResponses) {
  Message m;
  m.answers = {rr("x.example.", kTypeCname, "y.example."), a("y.example.", "192.0.2.1")};
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, kMaxCnameChain - 1).outcome,
            LookupOutcome::kAnswer);
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, kMaxCnameChain).outcome,
            LookupOutcome::kOther);
  Message loop;
  loop.answers = {rr("x.example.", kTypeCname, "y.example."),
                  rr("y.example.", kTypeCname, "x.example.")};
  EXPECT_EQ(interpretResponse(loop, "x.example.", kTypeA, 0).outcome, LookupOutcome::kOther);
}

// Wire format: header + question "a.example." PTR + one answer using a pointer
// to the question name, target "Mail.Example." (upper case) compressed too.
std::vector<unsigned char> ptrResponse() {
  std::vector<unsigned char> m = {0x12, 0x34, 0x81, 0x80, 0,   1,   0,   1,   0,    0,   0, 0,
                                  1,    'a',  7,    'e',  'x', 'a', 'm', 'p', 'l',  'e', 0, 0,
                                  12,   0,    1,    0xC0, 12,  0,   12,  0,   1,    0,   0, 0,
                                  60,   0,    7,    4,    'M', 'a', 'i', 'l', 0xC0, 14};
  return m;
}

TEST(ParseMessage, DecodesCompressedNamesInCanonicalForm) {
  auto buf = ptrResponse();
  auto m = parseMessage(buf.data(), buf.size());
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->answers.size(), 1u);
  EXPECT_EQ(m->answers[0].owner, "a.example.");
  EXPECT_EQ(m->answers[0].target, "mail.example.");
  EXPECT_EQ(m->answers[0].ttl, 60u);
  EXPECT_EQ(m->rcode, 0);
}

TEST(ParseMessage, RejectsCutShortAndPointerLoops) {
  auto buf = ptrResponse();
  for (size_t len = 0; len < buf.size(); ++len)
    EXPECT_FALSE(parseMessage(buf.data(), len).ok()) << "length " << len;
  auto loop = buf;
  loop[27] = 0xC0;  // answer owner points at itself
  loop[28] = 27;
  EXPECT_FALSE(parseMessage(loop.data(), loop.size()).ok());
}

TEST(ParseMessage, OddBytesInLabelsAreEscaped) {
  std::vector<unsigned char> name = {3, 'a', '.', 'B', 0};
  size_t pos = 0;
  auto n = readName(name.data(), name.size(), pos);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, "a\\046b.");
  EXPECT_EQ(pos, name.size());
}

TEST(ServerAddress, ParsesAndRejects) {
  EXPECT_EQ(parseServerAddress("[::1]:5300")->port, 5300);
  EXPECT_EQ(parseServerAddress("::1")->port, 53);
  EXPECT_EQ(parseServerAddress("127.0.0.1")->port, 53);
  EXPECT_EQ(parseServerAddress("127.0.0.1:5300")->ip.str(), "127.0.0.1");
  for (const char* bad : {"localhost:53", "127.0.0.1:0", "127.0.0.1:99999", "[::1", "[::1]x",
                          "127.0.0.01", "1.2.3.4:"})
    EXPECT_FALSE(parseServerAddress(bad).ok()) << bad;
}

}  // namespace
}  // namespace ptrd::dns
