#include "tests/lab/nsd_server.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/lab/dns_probe.h"
#include "tests/lab/free_port.h"

namespace ptrd::lab {
namespace {

constexpr int kPortAttempts = 5;

std::string zoneFileName(const NsdZone& z) {
  return z.name + ".zone";
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string makeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
  return templ;
}

NsdServer::NsdServer(NsdOptions options) : options_(std::move(options)) {
  bool has_good = false;
  for (const auto& z : options_.zones) has_good = has_good || !z.broken;
  if (!has_good)
    throw std::runtime_error(
        "NsdServer: need at least one loadable zone (for the readiness probe)");
  dir_ = makeTempDir("ptrd-nsd-");
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    if (startOnce()) return;
  }
  std::string log = readFile(dir_ + "/nsd.log") + readFile(dir_ + "/stderr.log");
  std::filesystem::remove_all(dir_);
  throw std::runtime_error("NsdServer: NSD did not start; log:\n" + log);
}

NsdServer::~NsdServer() {
  process_.reset();  // stops NSD by PID before its files go away
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void NsdServer::writeFiles() const {
  std::string conf = "server:\n";
  conf += "  ip-address: 127.0.0.1@" + std::to_string(port_) + "\n";
  if (options_.ipv6) conf += "  ip-address: ::1@" + std::to_string(port_) + "\n";
  for (const auto& l : options_.extra_listeners) conf += "  ip-address: " + l + "\n";
  conf += std::string("  do-ip6: ") + (options_.ipv6 ? "yes" : "no") + "\n";
  conf += "  username: \"\"\n  chroot: \"\"\n  database: \"\"\n";
  conf += "  zonesdir: \"" + dir_ + "\"\n";
  conf += "  zonelistfile: \"" + dir_ + "/zone.list\"\n";
  conf += "  xfrdfile: \"" + dir_ + "/xfrd.state\"\n";
  conf += "  xfrdir: \"" + dir_ + "\"\n";
  conf += "  pidfile: \"" + dir_ + "/nsd.pid\"\n";
  conf += "  logfile: \"" + dir_ + "/nsd.log\"\n";
  conf += "  server-count: " + std::to_string(options_.server_count) + "\n";
  // No response rate limiting: Debian's NSD limits error answers (REFUSED,
  // NXDOMAIN) to 200 a second per source by default, and one test process
  // asking a few thousand would see random drops -- timeouts no test means.
  conf += "  rrl-ratelimit: 0\n";
  conf += "  verbosity: 1\n";
  conf += "remote-control:\n  control-enable: no\n";
  for (const auto& z : options_.zones) {
    conf += "zone:\n  name: \"" + z.name + "\"\n  zonefile: \"" + zoneFileName(z) + "\"\n";
    std::string text;
    if (z.broken) {
      text = "this is not a zone file !!!\n";
    } else {
      text = "$ORIGIN " + z.name + ".\n$TTL 60\n";
      text += "@ SOA ns1.lab.test. hostmaster.lab.test. 1 3600 600 86400 30\n";
      text += "@ NS ns1.lab.test.\n";
      text += z.records;
    }
    writeText(dir_ + "/" + zoneFileName(z), text);
  }
  writeText(dir_ + "/nsd.conf", conf);
}

bool NsdServer::startOnce() {
  std::vector<std::string> addrs = {"127.0.0.1"};
  if (options_.ipv6) addrs.push_back("::1");
  port_ = freePort(addrs);
  writeFiles();
  std::error_code ec;
  std::filesystem::remove(dir_ + "/nsd.log", ec);
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"nsd", "-d", "-c", dir_ + "/nsd.conf"}, "", dir_ + "/stderr.log");
  std::string probe_zone;
  for (const auto& z : options_.zones)
    if (!z.broken) probe_zone = z.name;
  bool up = waitUntilAnswering("127.0.0.1", port_, probe_zone, options_.start_limit,
                               [this] { return !process_->poll().has_value(); });
  if (up) return true;
  bool exited = process_->poll().has_value();
  process_.reset();
  std::string log = readFile(dir_ + "/nsd.log") + readFile(dir_ + "/stderr.log");
  // Lost the race for the port: another process bound it after freePort().
  if (exited && log.find("in use") != std::string::npos) return false;
  throw std::runtime_error("NsdServer: NSD did not answer on port " + std::to_string(port_) +
                           "; log:\n" + log);
}

}  // namespace ptrd::lab
