// Secrets kept out of text and headers (issue #10 case 10): URL userinfo is
// redacted wherever a URL is shown, a secret file with a control character is
// refused, the process cannot dump core, and the journal's temporary file never
// follows a planted symlink.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "providers/http/http_client.h"
#include "providers/secret_file.h"
#include "providers/url_redaction.h"
#include "reconciler/daemon/file_job_journal.h"
#include "reconciler/telemetry/logger.h"
#include "reconciler/daemon/process_hardening.h"
#include "reconciler/telemetry/status.h"
#include "tests/unit/support/temp_dir.h"

namespace ptrd::testing {
namespace {

using providers::redactUrlUserinfo;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(UrlRedaction, UserinfoInAUrlIsRedacted) {
  EXPECT_EQ(redactUrlUserinfo("http://user:s3cr3t@127.0.0.1:8081/api"),
            "http://REDACTED@127.0.0.1:8081/api");
  EXPECT_EQ(redactUrlUserinfo("https://tok@h/x"), "https://REDACTED@h/x");
  EXPECT_EQ(redactUrlUserinfo("url \"HTTP://u:s3cr3t@h\" must start with http://"),
            "url \"HTTP://REDACTED@h\" must start with http://");
  // Two URLs in one message, and one without userinfo left alone.
  EXPECT_EQ(redactUrlUserinfo("a http://a:b@x/1 b https://y/2 c ftp://c:d@z"),
            "a http://REDACTED@x/1 b https://y/2 c ftp://REDACTED@z");
  EXPECT_EQ(redactUrlUserinfo("no url here"), "no url here");
  EXPECT_EQ(redactUrlUserinfo("http://h:8081/path?q=1"), "http://h:8081/path?q=1");
}

TEST(UrlRedaction, AnUnencodedSlashOrAtSignInThePasswordStillLeavesNoPart) {
  // A password written raw, not percent-encoded: everything up to the last '@'
  // of the URL goes, so no piece of it survives.
  EXPECT_THAT(redactUrlUserinfo("http://user:s3/cr3t@127.0.0.1:1/api"), Not(HasSubstr("cr3t")));
  EXPECT_THAT(redactUrlUserinfo("http://user:s3@cr3t@127.0.0.1:1/api"), Not(HasSubstr("cr3t")));
  EXPECT_THAT(redactUrlUserinfo("http://user:s3?cr3t@h"), Not(HasSubstr("cr3t")));
  EXPECT_THAT(redactUrlUserinfo("http://user:s3#cr3t@h"), Not(HasSubstr("cr3t")));
}

TEST(UrlRedaction, HttpErrorsNeverShowAPasswordWithASlash) {
  auto client = providers::http::makeCurlClient({"", std::chrono::milliseconds(1000), {}});
  providers::http::Request req;
  req.url = "http://user:s3/cr3t@127.0.0.1:1/api";
  auto r = client->send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, Not(HasSubstr("cr3t")));
}

TEST(UrlRedaction, LogLinesAndStatusNeverCarryUrlPasswords) {
  Logger json(LogFormat::kJson), logfmt(LogFormat::kLogfmt);
  const LogFields f{{"error", "GET http://u:s3cr3t@h/api failed"}};
  EXPECT_THAT(json.format(LogLevel::kInfo, "via http://u:s3cr3t@h", f), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(logfmt.format(LogLevel::kInfo, "via http://u:s3cr3t@h", f), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(logfmt.format(LogLevel::kInfo, "m", f), HasSubstr("http://REDACTED@h/api"));

  PassStatus st;
  st.error = "provider http://u:s3cr3t@h unreachable";
  st.reloadErrors = {"ptrd.yaml:7:10: provider url \"ftp://u:s3cr3t@h\" must start with http://"};
  const std::string out = renderStatusJson(st, "ptrd.yaml");
  EXPECT_THAT(out, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(out, HasSubstr("ftp://REDACTED@h"));
}

class SecretFile : public ::testing::Test {
 protected:
  Result<std::string> read(const std::string& content) {
    path = dir.write("token", content);
    std::filesystem::permissions(path, std::filesystem::perms::owner_read);
    return providers::http::readSecretFile(path);
  }
  TempDir dir;
  std::string path;
};

TEST_F(SecretFile, OneTrailingNewlineIsDropped) {
  auto r = read("tok-123\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "tok-123");
  r = read("tok-123");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "tok-123");
}

TEST_F(SecretFile, AControlCharacterIsRefusedNamingTheFileNotTheContent) {
  for (const std::string& bad :
       std::vector<std::string>{"Xq7\r\nX-Injected: 1\n", "Xq7\n\n", "Xq7\r\n", "Xq\t7\n",
                                "Xq7\x7f", std::string("Xq\0k", 4), "Xq7\nX-Injected: 1"}) {
    auto r = read(bad);
    ASSERT_FALSE(r.ok()) << "accepted a secret with a control character";
    EXPECT_FALSE(r.error().isTransient());
    EXPECT_THAT(r.error().message, HasSubstr(path));
    EXPECT_THAT(r.error().message, HasSubstr("control character"));
    EXPECT_THAT(r.error().message, Not(HasSubstr("Xq")));
    EXPECT_THAT(r.error().message, Not(HasSubstr("Injected")));
  }
}

TEST_F(SecretFile, AnEmptyFileIsRefused) {
  for (const std::string empty : {"", "\n"}) {
    auto r = read(empty);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, HasSubstr("empty"));
  }
}

TEST(ProcessHardening, TheProcessBecomesNonDumpableWithNoCoreLimit) {
  // In a child, so the test process itself keeps its settings.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const Status s = hardenProcess();
    rlimit core{};
    getrlimit(RLIMIT_CORE, &core);
    const bool ok =
        s.ok() && prctl(PR_GET_DUMPABLE) == 0 && core.rlim_cur == 0 && core.rlim_max == 0;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "dumpable or RLIMIT_CORE not cleared";
}

TEST(JournalTempFile, APlantedSymlinkAtTheOldTempPathIsNotFollowed) {
  TempDir dir;
  const std::string path = (dir.path() / "state.json").string();
  const std::string victim = dir.write("victim", "precious\n");
  // The temporary name ptrd used to pick (path.tmp.PID), planted by someone else.
  std::filesystem::create_symlink(victim, path + ".tmp." + std::to_string(::getpid()));
  ASSERT_TRUE(writeFileAtomically(path, "{\"jobs\": []}\n").ok());
  std::ifstream in(victim);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "precious\n");
  std::ifstream state(path);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(state)), {}), "{\"jobs\": []}\n");
  EXPECT_FALSE(std::filesystem::is_symlink(path));
}

}  // namespace
}  // namespace ptrd::testing
