// Secrets and TLS: keys come from files and are never printed (not in output,
// errors, or under faults), a world-readable key file is warned about, and TLS
// fails closed when its CA bundle is unusable -- never falling back to an
// unverified connection.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "providers/http/http_client.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

namespace fs = std::filesystem;

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
  EXPECT_NE(loud.result.err.find("secret file " + scratch_ + "/api-key is readable by every user (mode 0604)"),
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
    expectNoSecretIn(ptrd({"apply", "-c", config, "-o", "json", "--verify-timeout", "1"}), token, fault.dump());
    expectNoSecretIn(ptrd({"plan", "-c", config}), token, fault.dump());
    noc_->setFaults({{"garbage_rate", 0.0}, {"error_rate", 0.0}, {"truncate_rate", 0.0}, {"job_fail_share", 0.0}});
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
    EXPECT_NE(r.error().message.find("certificate"), std::string::npos) << ca << ": " << r.error().message;
  }
}

TEST_F(Secrets, ConfigCaFileReachesTheHttpsClient) {
  MuteListener server;
  declare(fleet());
  std::ofstream(scratch_ + "/ca.pem") << "not a certificate\n";
  const std::string config = writeConfig(
      {.url = "https://127.0.0.1:" + std::to_string(server.port()), .requestTimeout = "3s", .extra = "caFile: ca.pem"});
  PtrdRun r = ptrd({"plan", "-c", config});
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("certificate"), std::string::npos) << "the configured bundle was used and refused\n"
                                                        << r.result.err;
  EXPECT_LT(r.took, std::chrono::milliseconds(2500)) << "failed closed, not by timeout";
}

}  // namespace
}  // namespace ptrd::reliability
