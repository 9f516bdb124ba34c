// Secrets and TLS: keys come from files and are never printed (not in output,
// errors, or under faults), a world-readable key file is warned about, and TLS
// fails closed when its CA bundle is unusable -- never falling back to an
// unverified connection.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "providers/http/http_client.h"
#include "tests/lab/free_port.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

namespace fs = std::filesystem;

// "http://127.0.0.1:P" -> "http://user:s3cr3t@127.0.0.1:P" (and the scheme as given).
std::string withPassword(const std::string& url, const std::string& scheme = "http://",
                         const std::string& password = "s3cr3t") {
  return scheme + "user:" + password + "@" + url.substr(url.find("://") + 3);
}

// A TCP socket that listens on loopback and never accepts: connecting succeeds
// (the kernel completes the handshake), nothing is ever said.
class MuteListener {
 public:
  MuteListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), len) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
      throw std::runtime_error("MuteListener: bind failed");
    port_ = ntohs(sa.sin_port);
  }
  ~MuteListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1, port_ = 0;
};

class Secrets : public ReliabilityLab {
 protected:
  void expectNoSecretIn(const PtrdRun& r, const std::string& secret, const std::string& what) {
    EXPECT_EQ(r.result.out.find(secret), std::string::npos) << what << ": the secret is in stdout";
    EXPECT_EQ(r.result.err.find(secret), std::string::npos) << what << ": the secret is in stderr";
  }
};

TEST_F(Secrets, AWorldReadableKeyFileIsWarnedAbout) {
  declare(fleet());
  const std::string config = writeConfig({});
  PtrdRun quiet = ptrd({"plan", "-c", config});
  EXPECT_EQ(quiet.result.err.find("readable by every user"), std::string::npos) << quiet.result.err;
  fs::permissions(scratch_ + "/api-key", fs::perms::others_read, fs::perm_options::add);
  PtrdRun loud = ptrd({"plan", "-c", config});
  EXPECT_NE(loud.result.err.find("secret file " + scratch_ +
                                 "/api-key is readable by every user (mode 0604)"),
            std::string::npos)
      << loud.result.err;
  EXPECT_EQ(loud.result.exit_code, quiet.result.exit_code) << "a warning, not a refusal";
  expectNoSecretIn(loud, pdns_->apiKey(), "plan");
}

TEST_F(Secrets, KeysNeverShowInOutputOrErrorsEvenUnderFaults) {
  startNoc();
  declare(fleet());
  const std::string token = noc_->token();
  std::string config = writeConfig({.provider = "noc"});
  // Faults whose error paths print provider answers and request descriptions.
  for (const Json& fault : {Json{{"garbage_rate", 1.0}}, Json{{"error_rate", 1.0}},
                            Json{{"truncate_rate", 1.0}}, Json{{"job_fail_share", 1.0}}}) {
    noc_->setFaults(fault);
    expectNoSecretIn(ptrd({"apply", "-c", config, "-o", "json", "--verify-timeout", "1"}), token,
                     fault.dump());
    expectNoSecretIn(ptrd({"plan", "-c", config}), token, fault.dump());
    noc_->setFaults({{"garbage_rate", 0.0},
                     {"error_rate", 0.0},
                     {"truncate_rate", 0.0},
                     {"job_fail_share", 0.0}});
  }
  // A wrong token: the 401 is reported, the token it sent is not.
  std::ofstream(scratch_ + "/token") << "wrong-" << token << "\n";
  PtrdRun denied = ptrd({"apply", "-c", config});
  EXPECT_EQ(denied.result.exit_code, 1);
  EXPECT_NE(denied.result.err.find("401"), std::string::npos) << denied.result.err;
  expectNoSecretIn(denied, token, "401");
  // Same for PowerDNS's X-API-Key.
  std::ofstream(scratch_ + "/api-key") << "wrong-" << pdns_->apiKey() << "\n";
  PtrdRun pdnsDenied = ptrd({"apply", "-c", writeConfig({})});
  EXPECT_EQ(pdnsDenied.result.exit_code, 1);
  expectNoSecretIn(pdnsDenied, pdns_->apiKey(), "PowerDNS 401");
  // There is no way to pass a secret as an argument (argv is visible to every user).
  PtrdRun argv = ptrd({"apply", "-c", config, "--token", token});
  EXPECT_NE(argv.result.exit_code, 0);
}

// A password in the provider URL (curl sends it as Basic auth) is shown nowhere:
// not in plan output, not in a config error quoting the URL, not in an HTTP
// error whose password holds a raw '/'.
TEST_F(Secrets, PasswordInProviderUrlNeverShowsInPlanOutputOrErrors) {
  declare(fleet());
  PtrdRun ok = ptrd({"plan", "-c", writeConfig({.url = withPassword(pdns_->apiUrl())})});
  EXPECT_NE(ok.result.exit_code, 1) << ok.result.out << ok.result.err;
  expectNoSecretIn(ok, "s3cr3t", "plan");
  PtrdRun badScheme =
      ptrd({"plan", "-c", writeConfig({.url = withPassword(pdns_->apiUrl(), "HTTP://")})});
  EXPECT_EQ(badScheme.result.exit_code, 1);
  EXPECT_NE(badScheme.result.err.find("must start with http://"), std::string::npos)
      << badScheme.result.err;
  expectNoSecretIn(badScheme, "s3cr3t", "config error");
  PtrdRun slash = ptrd(
      {"plan", "-c", writeConfig({.url = withPassword(pdns_->apiUrl(), "http://", "s3cr3t/x")})});
  EXPECT_EQ(slash.result.exit_code, 1);
  expectNoSecretIn(slash, "s3cr3t", "HTTP error");
}

// The daemon: /status and the log never show it, including the reload error of
// a config whose URL is refused.
TEST_F(Secrets, PasswordInProviderUrlNeverShowsInDaemonStatusOrLogs) {
  declare(fleet());
  const int port = lab::freePort();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  const std::string config = writeConfig({.url = withPassword(pdns_->apiUrl()), .listen = listen});
  lab::ChildProcess daemon({PTRD_BINARY, "run", "-c", config, "--backoff-max", "1"},
                           scratch_ + "/run.out", scratch_ + "/run.err");
  ASSERT_TRUE(eventually(std::chrono::seconds(30),
                         [&] {
                           return httpGet(port, "/status").find("\"result\": \"success\"") !=
                                  std::string::npos;
                         }))
      << httpGet(port, "/status") << lab::readFile(scratch_ + "/run.err");
  writeConfig({.url = withPassword(pdns_->apiUrl(), "ftp://"), .listen = listen});
  std::string status;
  ASSERT_TRUE(eventually(std::chrono::seconds(30),
                         [&] {
                           status = httpGet(port, "/status");
                           return status.find("must start with http://") != std::string::npos;
                         }))
      << status << lab::readFile(scratch_ + "/run.err");
  EXPECT_EQ(status.find("s3cr3t"), std::string::npos) << status;
  // The status page's data says the same, redacted the same way.
  const std::string summary = httpGet(port, "/status/summary");
  EXPECT_NE(summary.find("must start with http://"), std::string::npos) << summary;
  for (const std::string& page : {summary, httpGet(port, "/status/rows"), httpGet(port, "/")})
    EXPECT_EQ(page.find("s3cr3t"), std::string::npos) << page;
  daemon.stop();
  const std::string log =
      lab::readFile(scratch_ + "/run.err") + lab::readFile(scratch_ + "/run.out");
  EXPECT_NE(log.find("must start with http://"), std::string::npos) << log;
  EXPECT_EQ(log.find("s3cr3t"), std::string::npos) << log;
}

// A token file whose content would add an HTTP header is refused before any
// request, naming the file and not its content.
TEST_F(Secrets, TokenFileWithALineBreakInsideIsRefused) {
  startNoc();
  declare(fleet());
  const std::string config = writeConfig({.provider = "noc"});
  std::ofstream(scratch_ + "/token") << noc_->token() << "\r\nX-Injected: yes\n";
  PtrdRun r = ptrd({"plan", "-c", config});
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("secret file " + scratch_ + "/token holds a control character"),
            std::string::npos)
      << r.result.err;
  expectNoSecretIn(r, noc_->token(), "control character");
  expectNoSecretIn(r, "X-Injected", "control character");
}

// A running daemon holds the token in memory: no core file may be written and
// no other process of its user may read its memory (/proc/PID/mem, environ):
// once it is non-dumpable the kernel hands those files to root. As root the
// daemon runs as nobody so the ownership tells the two apart.
TEST_F(Secrets, TheRunningDaemonIsNotDumpable) {
  declare(fleet());
  const int port = lab::freePort();
  const std::string config = writeConfig({.listen = "127.0.0.1:" + std::to_string(port)});
  std::vector<std::string> argv{PTRD_BINARY, "run", "-c", config};
  uid_t uid = geteuid();
  if (uid == 0) {
    uid = 65534;
    for (const auto& e : fs::recursive_directory_iterator(scratch_))
      ::lchown(e.path().c_str(), uid, uid);
    ::lchown(scratch_.c_str(), uid, uid);
    argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  }
  lab::ChildProcess daemon(argv, scratch_ + "/run.out", scratch_ + "/run.err");
  const std::string proc = "/proc/" + std::to_string(daemon.pid());
  // Serving /status means main() is past its startup hardening.
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return !httpGet(port, "/status").empty();
  })) << lab::readFile(scratch_ + "/run.err");
  struct stat st {};
  ASSERT_EQ(::stat((proc + "/environ").c_str(), &st), 0);
  EXPECT_NE(lab::readFile(proc + "/status").find("Uid:\t" + std::to_string(uid)),
            std::string::npos);
  EXPECT_EQ(st.st_uid, 0u) << "/proc/PID/environ belongs to the daemon's user: it is dumpable";
  const std::string limits = lab::readFile(proc + "/limits");
  EXPECT_NE(limits.find("Max core file size        0                    0"), std::string::npos)
      << limits;
}

TEST(Tls, AnUnreadableCaFileFailsClosed) {
  MuteListener server;
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/api/v1/servers";
  for (const std::string ca : {"/nonexistent/ca.pem", "/dev/null"}) {
    auto client = providers::http::makeCurlClient({ca, std::chrono::milliseconds(3000), {}});
    auto start = std::chrono::steady_clock::now();
    auto r = client->send({.operation = "t", .method = "GET", .url = url});
    ASSERT_FALSE(r) << ca << ": must not get an answer";
    // Fails while setting up TLS -- not by timing out on a connection that went
    // ahead without verification.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500)) << ca;
    EXPECT_NE(r.error().message.find("certificate"), std::string::npos)
        << ca << ": " << r.error().message;
  }
}

TEST_F(Secrets, ConfigCaFileReachesTheHttpsClient) {
  MuteListener server;
  declare(fleet());
  std::ofstream(scratch_ + "/ca.pem") << "not a certificate\n";
  const std::string config =
      writeConfig({.url = "https://127.0.0.1:" + std::to_string(server.port()),
                   .requestTimeout = "3s",
                   .extra = "caFile: ca.pem"});
  PtrdRun r = ptrd({"plan", "-c", config});
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("certificate"), std::string::npos)
      << "the configured bundle was used and refused\n"
      << r.result.err;
  EXPECT_LT(r.took, std::chrono::milliseconds(2500)) << "failed closed, not by timeout";
}

}  // namespace
}  // namespace ptrd::reliability
