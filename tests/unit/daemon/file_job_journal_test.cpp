// The job journal's file: atomic, durable writes and what a restarted daemon
// does with it (resume the job, never submit its changes again).
#include "reconciler/daemon/file_job_journal.h"

#include <gmock/gmock.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/unit/daemon/daemon_test_fixture.h"

namespace ptrd::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<std::string> filesIn(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FileJobJournal, EveryStepIsOnDiskBeforeTheCallReturns) {
  TempDir dir;
  const std::string path = (dir.path() / "state.json").string();
  auto j = FileJobJournal::open(path);
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_FALSE(fs::exists(path));  // nothing recorded, nothing written

  (*j)->recordSubmitting("k1", R"({"entries":[{"ip":"203.0.113.10","ptr":"a.example.com"}]})");
  {  // a process that died right after the POST finds the key and the body
    auto again = FileJobJournal::open(path);
    ASSERT_TRUE(again.ok());
    auto p = (*again)->pending();
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].idempotencyKey, "k1");
    EXPECT_EQ(p[0].jobId, "");
    EXPECT_THAT(p[0].body, HasSubstr("203.0.113.10"));
  }
  (*j)->recordSubmitting("k1", "retry body is ignored");  // retries of one submission
  (*j)->recordJob("k1", "j-42");
  (*j)->recordSubmitting("k2", "{}");
  {
    auto again = FileJobJournal::open(path);
    auto p = (*again)->pending();
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].jobId, "j-42");
    EXPECT_THAT(p[0].body, HasSubstr("203.0.113.10"));
    EXPECT_EQ(p[1].idempotencyKey, "k2");
  }
  (*j)->done("k1");
  (*j)->done("k2");
  EXPECT_TRUE((*FileJobJournal::open(path))->pending().empty());
  EXPECT_EQ(filesIn(dir.path()),
            std::vector<std::string>{"state.json"});  // no temp file left behind
}

TEST(FileJobJournal, ARenameReplacesTheFileWholeNeverInPlace) {
  TempDir dir;
  const std::string path = dir.write("f", "old");
  struct stat before {
  }, after{};
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(writeFileAtomically(path, "new content").ok());
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);  // a new file renamed over the old one
  EXPECT_EQ(after.st_mode & 0777, 0600u);
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(s, "new content");
}

TEST(FileJobJournal, AFileThatDoesNotParseIsAnErrorNotAnEmptyJournal) {
  TempDir dir;
  auto j = FileJobJournal::open(dir.write("state.json", "{\"jobs\": [tru"));
  ASSERT_FALSE(j.ok());
  EXPECT_THAT(j.error().message, HasSubstr("state.json"));
}

TEST(FileJobJournal, TheSubmissionTimeIsStoredAndReadBack) {
  TempDir dir;
  const std::string path = (dir.path() / "state.json").string();
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'123));
  auto j = FileJobJournal::open(path, {}, [at] { return at; });
  ASSERT_TRUE(j.ok());
  (*j)->recordSubmitting("k1", "{}");
  auto p = (*FileJobJournal::open(path))->pending();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].submittedAt, at);
}

TEST(FileJobJournal, AnEntryWithoutOrWithAnAbsurdSubmissionTimeReadsAsTheEpoch) {
  TempDir dir;
  for (const std::string at :
       {"", R"("submitted_at": -5, )", R"("submitted_at": 9223372036854775807, )"}) {
    auto j = FileJobJournal::open(dir.write(
        "state.json",
        R"({"version": 1, "jobs": [{)" + at + R"("idempotency_key": "k", "body": "{}"}]})"));
    ASSERT_TRUE(j.ok()) << j.error().message;
    ASSERT_EQ((*j)->pending().size(), 1u);
    EXPECT_EQ((*j)->pending()[0].submittedAt, std::chrono::system_clock::time_point{}) << at;
  }
}

TEST(FileJobJournal, AWriteFailureIsReported) {
  TempDir dir;
  std::string seen;
  auto j = FileJobJournal::open((dir.path() / "no/such/dir/state.json").string(),
                                [&](const std::string& e) { seen = e; });
  ASSERT_TRUE(j.ok());
  (*j)->recordSubmitting("k", "{}");
  EXPECT_THAT(seen, HasSubstr("no/such/dir"));
}

class JournalResumeTest : public DaemonFixture {
 protected:
  void SetUp() override {
    auto j = FileJobJournal::open((dir.path() / "state.json").string(), {},
                                  [this] { return clock.wallNow(); });
    ASSERT_TRUE(j.ok());
    fileJournal = *j;
    journal = fileJournal;
    // What the killed process left: the job for 203.0.113.10 was accepted as j-7.
    fileJournal->recordSubmitting("ptrd-x-1-abc",
                                  R"({"entries":[{"ip":"203.0.113.10","ptr":"web.example.com"}]})");
    fileJournal->recordJob("ptrd-x-1-abc", "j-7");
  }
  std::shared_ptr<FileJobJournal> fileJournal;
};

TEST_F(JournalResumeTest, ARestartPollsTheJournaledJobInsteadOfSubmittingAgain) {
  provider.onResume =
      [this](const providers::JournaledJob& job) -> Result<std::vector<providers::ChangeResult>> {
    // The portal finishes the job: the account now shows it.
    fake.own("203.0.113.10", "web.example.com.", "10.static.example.net.");
    resolver.ptr[*IpAddress::parse("203.0.113.10")] = "web.example.com.";
    journal->done(job.idempotencyKey);
    return std::vector<providers::ChangeResult>{
        {"203.0.113.10", providers::ChangeResult::Status::kApplied, "web.example.com.", ""}};
  };
  make();
  ASSERT_TRUE(turn());
  EXPECT_TRUE(loop->lastPassSucceeded());
  ASSERT_EQ(provider.resumed.size(), 1u);
  EXPECT_EQ(provider.resumed[0].jobId, "j-7");
  EXPECT_EQ(provider.resumed[0].idempotencyKey, "ptrd-x-1-abc");
  EXPECT_EQ(provider.applies, 0);  // nothing submitted twice
  EXPECT_TRUE(fileJournal->pending().empty());
  EXPECT_TRUE((*FileJobJournal::open(fileJournal->path()))->pending().empty());
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_changes_total{action=\"set\",result=\"applied\"} 1"));
}

TEST_F(JournalResumeTest, AJobThatCannotBeReadYetBlocksPlanningAndStaysJournaled) {
  provider.onResume =
      [](const providers::JournaledJob&) -> Result<std::vector<providers::ChangeResult>> {
    return Error::transient("HTTP 503");
  };
  make();
  ASSERT_TRUE(turn());
  EXPECT_FALSE(loop->lastPassSucceeded());
  EXPECT_EQ(provider.applies, 0);  // planning now would queue the same changes again
  EXPECT_EQ(fileJournal->pending().size(), 1u);
}

TEST_F(JournalResumeTest, AJobThePortalForgotIsDroppedAndThePlanDecides) {
  provider.onResume =
      [](const providers::JournaledJob&) -> Result<std::vector<providers::ChangeResult>> {
    return Error::permanent("NOC API reading job j-7: not_found");
  };
  make();
  ASSERT_TRUE(turn());
  EXPECT_TRUE(loop->lastPassSucceeded());
  EXPECT_TRUE(fileJournal->pending().empty());
  EXPECT_EQ(provider.applies, 1);  // level-based: the inventory still differs, so it is set now
  EXPECT_THAT(logs(), HasSubstr("dropping a journaled job"));
}

// Issue #10 case 9: a journaled submission is replayed only within the portal's
// idempotency window and only when this pass's plan still wants exactly it.
TEST_F(JournalResumeTest, AJournaledJobPastTheIdempotencyWindowIsDroppedNotReplayed) {
  clock.advance(std::chrono::hours(24) + std::chrono::seconds(1));
  make();
  ASSERT_TRUE(turn());
  EXPECT_TRUE(provider.resumed.empty()) << "a job older than the portal's window was replayed";
  EXPECT_TRUE(fileJournal->pending().empty());
  EXPECT_EQ(provider.applies, 1);  // the plan decides: the record still differs
  EXPECT_THAT(logs(), HasSubstr("not replaying a journaled job"));
  EXPECT_THAT(logs(), HasSubstr("ptrd-x-1-abc"));
  EXPECT_THAT(logs(), HasSubstr("past the provider's idempotency window"));
}

TEST_F(JournalResumeTest, AJobJustInsideTheWindowIsStillResumed) {
  clock.advance(std::chrono::hours(24) - std::chrono::seconds(1));
  make();
  ASSERT_TRUE(turn());
  ASSERT_EQ(provider.resumed.size(), 1u);
}

TEST_F(JournalResumeTest, AJournalEntryWithoutASubmissionTimeIsTreatedAsTooOld) {
  // The journal format before submitted_at existed.
  dir.write("state.json",
            R"({"version": 1, "jobs": [{"idempotency_key": "ptrd-old-1", "job_id": "j-3",
    "body": "{\"entries\":[{\"ip\":\"203.0.113.10\",\"ptr\":\"web.example.com\"}]}"}]})");
  auto j = FileJobJournal::open((dir.path() / "state.json").string(), {},
                                [this] { return clock.wallNow(); });
  ASSERT_TRUE(j.ok()) << j.error().message;
  journal = *j;
  make();
  ASSERT_TRUE(turn());
  EXPECT_TRUE(provider.resumed.empty());
  EXPECT_TRUE(journal->pending().empty());
  EXPECT_THAT(logs(), HasSubstr("ptrd-old-1"));
  EXPECT_THAT(logs(), HasSubstr("no submission time"));
}

TEST_F(JournalResumeTest, AJournaledJobThePlanNoLongerWantsIsDroppedNotReplayed) {
  // The mapping moved 203.0.113.10 to another name since the job was journaled.
  dir.write("mappings/web.yaml", mappingYaml("203.0.113.10", "mail.example.com"));
  resolver.forward[{"mail.example.com.", IpAddress::Family::kV4}] = {
      *IpAddress::parse("203.0.113.10")};
  std::vector<std::string> sent;
  provider.onApply = [&](const std::vector<providers::Change>& b) {
    for (const auto& c : b) sent.push_back(c.hostname);
  };
  make();
  ASSERT_TRUE(turn());
  EXPECT_TRUE(provider.resumed.empty()) << "replayed a change the mapping no longer declares";
  EXPECT_EQ(sent, std::vector<std::string>{"mail.example.com."});
  EXPECT_TRUE(fileJournal->pending().empty());
  EXPECT_THAT(logs(), HasSubstr("the plan now wants 203.0.113.10 to set mail.example.com."));
}

TEST_F(JournalResumeTest, AJournaledJobIsNotReplayedPastTheForwardGate) {
  resolver.forward.erase({"web.example.com.", IpAddress::Family::kV4});  // the A record went away
  make();
  ASSERT_TRUE(turn());
  EXPECT_TRUE(provider.resumed.empty()) << "replayed a change the FCrDNS gate blocks";
  EXPECT_EQ(provider.applies, 0);
  EXPECT_TRUE(fileJournal->pending().empty());
  EXPECT_THAT(logs(), HasSubstr("the plan no longer changes 203.0.113.10 (blocked_forward)"));
}

TEST_F(JournalResumeTest, AJournaledJobIsNotReplayedWhenTheSafetyCapRefuses) {
  dir.write("ptrd.yaml", configYaml() + "  maxChanges: 1\n");
  dir.write("mappings/api.yaml", mappingYaml("203.0.113.11", "api.example.com"));
  make();
  ASSERT_TRUE(turn());
  EXPECT_TRUE(provider.resumed.empty()) << "replayed a change the safety cap holds back";
  EXPECT_EQ(provider.applies, 0);
  EXPECT_THAT(logs(), HasSubstr("the safety cap holds this pass's changes back"));
}

}  // namespace
}  // namespace ptrd::testing
