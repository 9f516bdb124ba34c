// Parsing DNS wire format and reading one response (CNAME chains, negatives,
// referrals), without a server.
#include "reconciler/dns/dns_answer.h"

#include <gtest/gtest.h>

#include "reconciler/dns/cares_resolver.h"
#include "reconciler/dns/dns_message.h"

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
// An empty reply to the question (qname, qtype, IN), as a server sends it.
Message reply(const char* qname, uint16_t qtype) {
  Message r;
  r.qr = true;
  r.questions = {Question{qname, qtype, kClassIn}};
  return r;
}

TEST(InterpretResponse, FollowsAChainInsideTheResponse) {
  Message m = reply("x.example.", kTypeA);
  m.answers = {rr("x.example.", kTypeCname, "y.example.", 30),
               rr("y.example.", kTypeCname, "z.example."), a("z.example.", "192.0.2.2"),
               a("z.example.", "192.0.2.1")};
  auto s = interpretResponse(m, "x.example.", kTypeA, 0);
  EXPECT_FALSE(s.follow);
  EXPECT_EQ(s.outcome, LookupOutcome::kAnswer);
  EXPECT_EQ(s.cnames, (std::vector<std::string>{"y.example.", "z.example."}));
  ASSERT_EQ(s.addresses.size(), 2u);  // only the chain's end, sorted
  EXPECT_EQ(s.addresses[0].str(), "192.0.2.1");
  EXPECT_EQ(s.ttl, 30u);  // the CNAME's TTL bounds the answer
}

TEST(InterpretResponse, AsksAgainWhenTheChainLeavesTheResponse) {
  Message m = reply("x.example.", kTypeA);
  m.answers = {rr("x.example.", kTypeCname, "y.elsewhere.")};
  auto s = interpretResponse(m, "x.example.", kTypeA, 0);
  EXPECT_TRUE(s.follow);
  EXPECT_EQ(s.next, "y.elsewhere.");
}

TEST(InterpretResponse, NegativeAfterCnameIsAboutTheTarget) {
  Message m = reply("x.example.", kTypeA);
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
  Message m = reply("x.sub.example.", kTypeA);
  m.authority = {rr("sub.example.", kTypeNs, "ns.sub.example.")};
  auto s = interpretResponse(m, "x.sub.example.", kTypeA, 0);
  EXPECT_EQ(s.outcome, LookupOutcome::kOther);
  EXPECT_FALSE(isDefinitive(s.outcome));
}

TEST(InterpretResponse, RcodesBecomeFailures) {
  Message m = reply("x.example.", kTypeA);
  m.rcode = kRcodeServfail;
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, 0).outcome, LookupOutcome::kServfail);
  m.rcode = kRcodeRefused;
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, 0).outcome, LookupOutcome::kRefused);
  m.rcode = 1;  // FORMERR
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, 0).outcome, LookupOutcome::kOther);
}

TEST(InterpretResponse, ChainLimitCountsEarlierResponses) {
  Message m = reply("x.example.", kTypeA);
  m.answers = {rr("x.example.", kTypeCname, "y.example."), a("y.example.", "192.0.2.1")};
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, kMaxCnameChain - 1).outcome,
            LookupOutcome::kAnswer);
  EXPECT_EQ(interpretResponse(m, "x.example.", kTypeA, kMaxCnameChain).outcome,
            LookupOutcome::kOther);
  Message loop = reply("x.example.", kTypeA);
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

// --- Replies that do not answer the question (issue #10, case 11) -----------
// Built on the wire and read through parseMessage, the way a reply arrives.

struct WireRecord {
  std::string owner;
  uint16_t type = kTypePtr;
  uint16_t klass = kClassIn;
  std::string target;  // PTR/CNAME target as a dotted name
};

void putName(std::vector<unsigned char>& out, const std::string& dotted) {
  size_t start = 0;
  while (start < dotted.size()) {
    size_t dot = dotted.find('.', start);
    if (dot == std::string::npos) dot = dotted.size();
    out.push_back(static_cast<unsigned char>(dot - start));
    out.insert(out.end(), dotted.begin() + long(start), dotted.begin() + long(dot));
    start = dot + 1;
  }
  out.push_back(0);
}
void put16(std::vector<unsigned char>& out, uint16_t v) {
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v & 0xFF));
}

struct Wire {
  uint16_t flags = 0x8180;  // QR, RD, RA, opcode QUERY, NOERROR
  std::vector<Question> questions;
  std::vector<WireRecord> answers;
  std::vector<unsigned char> bytes() const {
    std::vector<unsigned char> out;
    put16(out, 0x1234);
    put16(out, flags);
    put16(out, uint16_t(questions.size()));
    put16(out, uint16_t(answers.size()));
    put16(out, 0);
    put16(out, 0);
    for (const auto& q : questions) {
      putName(out, q.name);
      put16(out, q.type);
      put16(out, q.klass);
    }
    for (const auto& a : answers) {
      putName(out, a.owner);
      put16(out, a.type);
      put16(out, a.klass);
      put16(out, 0);
      put16(out, 60);
      std::vector<unsigned char> rdata;
      putName(rdata, a.target);
      put16(out, uint16_t(rdata.size()));
      out.insert(out.end(), rdata.begin(), rdata.end());
    }
    return out;
  }
};

const char* const kRev = "10.2.0.192.in-addr.arpa.";

Wire goodPtrReply() {
  Wire w;
  w.questions = {Question{kRev, kTypePtr, kClassIn}};
  w.answers = {WireRecord{kRev, kTypePtr, kClassIn, "mail.example.com."}};
  return w;
}

AnswerStep readPtr(const Wire& w, const char* qname = kRev) {
  auto bytes = w.bytes();
  auto m = parseMessage(bytes.data(), bytes.size());
  if (!m) {
    AnswerStep failed;
    failed.detail = "parse: " + m.error().message;
    return failed;
  }
  return interpretResponse(*m, qname, kTypePtr, 0);
}

TEST(ReplyCheck, WellFormedReplyIsAnAnswer) {
  auto s = readPtr(goodPtrReply());
  EXPECT_EQ(s.outcome, LookupOutcome::kAnswer) << s.detail;
  EXPECT_EQ(s.names, std::vector<std::string>{"mail.example.com."});
  Wire upper = goodPtrReply();  // 0x20-style case changes are the same name
  upper.questions[0].name = "10.2.0.192.IN-ADDR.Arpa.";
  EXPECT_EQ(readPtr(upper).outcome, LookupOutcome::kAnswer) << readPtr(upper).detail;
}

TEST(ReplyCheck, AnswerForAnotherOwnerIsLookupErrorNotNoPtr) {
  Wire w = goodPtrReply();
  w.answers[0].owner = "11.2.0.192.in-addr.arpa.";
  auto s = readPtr(w);
  EXPECT_EQ(s.outcome, LookupOutcome::kOther) << s.detail;
  EXPECT_FALSE(isDefinitive(s.outcome)) << "must never read as \"no PTR\"";
  EXPECT_NE(s.detail.find("11.2.0.192.in-addr.arpa."), std::string::npos) << s.detail;
  // An extra record about another name next to the right one poisons the reply too.
  Wire extra = goodPtrReply();
  extra.answers.push_back(WireRecord{"evil.example.", kTypePtr, kClassIn, "x.example.com."});
  EXPECT_EQ(readPtr(extra).outcome, LookupOutcome::kOther);
}

TEST(ReplyCheck, AnswerOfAnotherClassIsLookupErrorNotNoPtr) {
  Wire w = goodPtrReply();
  w.answers[0].klass = 3;  // CHAOS
  auto s = readPtr(w);
  EXPECT_EQ(s.outcome, LookupOutcome::kOther) << s.detail;
  EXPECT_NE(s.detail.find("class"), std::string::npos) << s.detail;
}

TEST(ReplyCheck, MessageWithQrClearIsNotAReply) {
  Wire w = goodPtrReply();
  w.flags = 0x0100;  // a query (RD), carrying a PTR "answer"
  auto s = readPtr(w);
  EXPECT_EQ(s.outcome, LookupOutcome::kOther) << s.detail;
  EXPECT_NE(s.detail.find("QR"), std::string::npos) << s.detail;
}

TEST(ReplyCheck, ReplyToAnotherQuestionIsLookupError) {
  Wire name = goodPtrReply();
  name.questions[0].name = "11.2.0.192.in-addr.arpa.";
  name.answers[0].owner = "11.2.0.192.in-addr.arpa.";
  Wire type = goodPtrReply();
  type.questions[0].type = kTypeA;
  Wire klass = goodPtrReply();
  klass.questions[0].klass = 3;
  Wire none = goodPtrReply();
  none.questions.clear();
  Wire two = goodPtrReply();
  two.questions.push_back(two.questions[0]);
  Wire notify = goodPtrReply();
  notify.flags = 0x8180 | (4 << 11);  // opcode NOTIFY
  for (const Wire* w : {&name, &type, &klass, &none, &two, &notify}) {
    auto s = readPtr(*w);
    EXPECT_EQ(s.outcome, LookupOutcome::kOther) << s.detail;
    EXPECT_TRUE(s.names.empty());
  }
}

TEST(ReplyCheck, CnameChainOwnersAndDnameAboveAreAccepted) {
  Wire w;
  w.questions = {Question{kRev, kTypePtr, kClassIn}};
  w.answers = {WireRecord{"2.0.192.in-addr.arpa.", kTypeDname, kClassIn, "0-63.example.net."},
               WireRecord{kRev, kTypeCname, kClassIn, "10.0-63.example.net."},
               WireRecord{"10.0-63.example.net.", kTypePtr, kClassIn, "mail.example.com."}};
  auto s = readPtr(w);
  EXPECT_EQ(s.outcome, LookupOutcome::kAnswer) << s.detail;
  EXPECT_EQ(s.names, std::vector<std::string>{"mail.example.com."});
}

TEST(ReplyCheck, SectionCountsBeyondTheMessageAreRefusedBeforeAllocating) {
  std::vector<unsigned char> tiny = {0x12, 0x34, 0x81, 0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0};
  auto m = parseMessage(tiny.data(), tiny.size());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("count"), std::string::npos) << m.error().message;
}

TEST(ReplyCheck, NameOver255OctetsIsMalformed) {
  std::string label(63, 'a');
  std::string longName = label + "." + label + "." + label + "." + label + ".example.";
  Wire w = goodPtrReply();
  w.answers[0].target = longName;  // 4*64 + 9 = 265 octets on the wire
  auto s = readPtr(w);
  EXPECT_NE(s.outcome, LookupOutcome::kAnswer);
  EXPECT_NE(s.detail.find("255"), std::string::npos) << s.detail;
}

}  // namespace
}  // namespace ptrd::dns
