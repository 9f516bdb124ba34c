// `ptrd check`'s targets: a bulk file read whole (larger than one read), and
// dedupeTargets keeping the first declaration of a repeated IP in input order.
#include "cmd/check_targets.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "tests/unit/support/temp_dir.h"

namespace ptrd::cmd {
namespace {

CheckTarget target(const char* ip, const char* declared = "") {
  return CheckTarget{*IpAddress::parse(ip), declared};
}

std::vector<std::string> texts(const std::vector<CheckTarget>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets) out.push_back(t.ip.str() + " " + t.declared);
  return out;
}

TEST(CheckTargets, AFileLargerThanOneReadIsReadWhole) {
  // ~40 bytes a line, 5000 lines: several of the reader's 64 KiB chunks.
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += fmt::format("10.0.{}.{} Host-{}-{}.Example.NET\n", i / 256, i % 256, i / 256, i % 256);
  testing::TempDir dir;
  auto targets = targetsFromFile(dir.write("fleet.txt", text));
  ASSERT_TRUE(targets.ok()) << targets.error().message;
  ASSERT_EQ(targets->size(), 5000u);
  EXPECT_EQ(texts({targets->front()}).front(), "10.0.0.0 host-0-0.example.net.");
  EXPECT_EQ(texts({targets->back()}).front(), "10.0.19.135 host-19-135.example.net.");
}

TEST(CheckTargets, ABrokenLastLineIsAnErrorWithItsLine) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += fmt::format("10.1.{}.{}\n", i / 256, i % 256);
  text += "10.1.300.1 bad.example.net\n";
  testing::TempDir dir;
  const std::string path = dir.write("fleet.txt", text);
  auto targets = targetsFromFile(path);
  ASSERT_FALSE(targets.ok());
  EXPECT_EQ(targets.error().message.rfind(path + ":3001:1: invalid IP \"10.1.300.1\"", 0), 0u)
      << targets.error().message;
}

TEST(CheckTargets, AnAscendingListWithoutRepeatsIsKeptAsIs) {
  auto out = dedupeTargets({target("10.0.0.1", "a.example.net."), target("10.0.0.2"),
                            target("10.0.1.0", "c.example.net."), target("2001:db8::1")});
  EXPECT_EQ(texts(out), (std::vector<std::string>{"10.0.0.1 a.example.net.", "10.0.0.2 ",
                                                  "10.0.1.0 c.example.net.", "2001:db8::1 "}));
}

TEST(CheckTargets, RepeatsKeepTheFirstDeclarationInInputOrder) {
  // Ascending but for an adjacent repeat, and unsorted with a distant repeat.
  auto adjacent = dedupeTargets({target("10.0.0.1", "a.example.net."),
                                 target("10.0.0.1", "b.example.net."), target("10.0.0.2")});
  EXPECT_EQ(texts(adjacent), (std::vector<std::string>{"10.0.0.1 a.example.net.", "10.0.0.2 "}));
  auto unsorted = dedupeTargets({target("10.0.0.9", "z.example.net."), target("10.0.0.1"),
                                 target("10.0.0.9", "y.example.net."), target("10.0.0.5")});
  EXPECT_EQ(texts(unsorted),
            (std::vector<std::string>{"10.0.0.9 z.example.net.", "10.0.0.1 ", "10.0.0.5 "}));
  // Unsorted without repeats: the same list, in its order.
  auto distinct = dedupeTargets({target("10.0.0.3"), target("10.0.0.1"), target("10.0.0.2")});
  EXPECT_EQ(texts(distinct), (std::vector<std::string>{"10.0.0.3 ", "10.0.0.1 ", "10.0.0.2 "}));
}

}  // namespace
}  // namespace ptrd::cmd
