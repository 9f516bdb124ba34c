// libFuzzer target: the DNS message parser and the reading of one reply
// (reconciler/dns/dns_message.*, dns_answer.*). What a DNS server -- or anyone who
// can put a packet on the path -- sends is untrusted input. Invariants: parsing
// never crashes, hangs or allocates by a count the message cannot hold; a name
// read from the wire is at most 255 octets (each octet at most 4 characters when
// escaped); parsing into a reused Message gives what a fresh parse gives; and a
// reply that fails checkReply is never an answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "reconciler/dns/dns_answer.h"
#include "reconciler/dns/dns_message.h"

namespace {

void checkNames(const std::vector<ptrd::dns::Record>& records) {
  for (const auto& r : records)
    if (r.owner.size() > 4 * ptrd::dns::kMaxWireName ||
        r.target.size() > 4 * ptrd::dns::kMaxWireName)
      std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptrd::dns;
  auto msg = parseMessage(data, size);
  if (!msg) return 0;
  checkNames(msg->answers);
  checkNames(msg->authority);
  if (msg->answers.size() > size / 11 || msg->questions.size() > size / 5) std::abort();

  static Message reused;  // as the resolver does: storage kept across replies
  if (!parseMessageInto(data, size, reused)) std::abort();
  if (reused.answers.size() != msg->answers.size() || reused.rcode != msg->rcode) std::abort();

  const std::string qname = msg->questions.empty() ? "x.example." : msg->questions[0].name;
  for (uint16_t qtype : {kTypePtr, kTypeA, kTypeAaaa}) {
    AnswerStep step = interpretResponse(*msg, qname, qtype, 0);
    if (!checkReply(*msg, qname, qtype) &&
        (step.follow || step.outcome == ptrd::LookupOutcome::kAnswer))
      std::abort();
  }
  return 0;
}
