#include "reconciler/source/desired_state_builder.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace ptrd::testing {
namespace {

DesiredRecord bulk(const char* ip, const char* host, uint32_t source) {
  return DesiredRecord{*IpAddress::parse(ip), host, false, DeclarationKind::kBulk, source, 1, 0};
}

// The reservation is a hint taken from a file's size: the budget bounds it, so a
// file claiming absurdly many lines cannot make the load allocate for them.
TEST(DesiredStateBuilder, ReservingMoreThanTheBudgetAllowsIsCappedNotAnAllocation) {
  DesiredStateBuilder b;
  const uint32_t source = b.addSource("m.txt", "m.txt");
  b.setBudget(10, 20);
  b.startFile();
  EXPECT_NO_THROW(b.reserveFor(UINT64_MAX / 2));
  b.add(bulk("192.0.2.2", "b.example.", source));
  b.add(bulk("192.0.2.1", "a.example.", source));
  const DesiredState s = std::move(b).finish();
  ASSERT_EQ(s.records.size(), 2u);
  EXPECT_EQ(s.records[0].hostname, "a.example.");  // still sorted by address
}

}  // namespace
}  // namespace ptrd::testing
