#include "tests/reliability/reliability_lab.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/ip_address.h"
#include "tests/lab/nsd_server.h"  // makeTempDir

namespace ptrd::reliability {

bool eventually(std::chrono::milliseconds limit, const std::function<bool()>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(
        std::chrono::milliseconds(50));  // a poll interval, not a wait for a condition
  }
  return true;
}

std::string httpGet(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1, 0);
  c.set_read_timeout(5, 0);
  auto r = c.Get(path.c_str());
  return r ? r->body : std::string();
}

std::string reverseOf(const std::string& ip) {
  return IpAddress::parse(ip)->reverseName();
}
std::string hostFor(int n) {
  return "host-" + std::to_string(n) + ".example.com.";
}

namespace {
std::string ipFor(int n) {
  return "203.0.113." + std::to_string(n);
}
std::string strayFor(int n) {
  return "stray-" + std::to_string(n) + ".example.org.";
}
}  // namespace

int countRequests(const Json& log, const std::string& method, const std::string& pathPrefix,
                  int status) {
  int n = 0;
  for (const auto& r : log) {
    n += r["method"] == method && r["path"].get<std::string>().starts_with(pathPrefix) &&
         (status < 0 || r["status"] == status);
  }
  return n;
}

void ReliabilityLab::SetUp() {
  scratch_ = lab::makeTempDir("ptrd-rel-");
  pdns_ = std::make_unique<lab::PdnsServer>();
  pdns_->createZone(kReverseZone);
  pdns_->createZone(kForwardZone);
  std::vector<lab::PdnsRecord> forward;
  for (int n = 1; n <= 8; ++n) forward.push_back({hostFor(n), "A", ipFor(n)});
  pdns_->setRecords(kForwardZone, forward);
  pdns_->setRecords(kReverseZone, {{reverseOf(ipFor(1)), "PTR", hostFor(1)},
                                   {reverseOf(ipFor(2)), "PTR", hostFor(2)},
                                   {reverseOf(ipFor(9)), "PTR", strayFor(9)},
                                   {reverseOf(ipFor(10)), "PTR", strayFor(10)}});
  std::filesystem::copy_file(pdns_->apiKeyFile(), scratch_ + "/api-key");
  std::filesystem::permissions(scratch_ + "/api-key", std::filesystem::perms::owner_read |
                                                          std::filesystem::perms::owner_write);
}

void ReliabilityLab::TearDown() {
  noc_.reset();
  pdns_.reset();
  std::error_code ec;
  std::filesystem::remove_all(scratch_, ec);
}

void ReliabilityLab::startNoc() {
  // Same starting picture as the PowerDNS lab: 1-2 in sync, 3-8 on the
  // platform default, 9-10 carrying a customer's custom PTR.
  std::string account;
  for (int n = 1; n <= 10; ++n) {
    std::string def = std::to_string(n) + ".static.noc.example.net.";
    std::string ptr = n <= 2 ? hostFor(n) : n >= 9 ? strayFor(n) : def;
    account += ipFor(n) + " vps-" + std::to_string(n) + " " + def + " " + ptr + "\n";
  }
  noc_ = std::make_unique<lab::NocEmulatorProcess>(*pdns_, lab::withAccount(account));
  std::filesystem::copy_file(noc_->tokenFile(), scratch_ + "/token");
  std::filesystem::permissions(scratch_ + "/token", std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);
}

std::map<std::string, std::string> ReliabilityLab::fleet() const {
  std::map<std::string, std::string> f;
  for (int n = 1; n <= 8; ++n) f[ipFor(n)] = hostFor(n);
  return f;
}

void ReliabilityLab::writeFile(const std::string& name, const std::string& text) const {
  std::filesystem::create_directories(std::filesystem::path(scratch_ + "/" + name).parent_path());
  std::ofstream(scratch_ + "/" + name) << text;
}

void ReliabilityLab::declare(const std::map<std::string, std::string>& records) {
  std::string text =
      "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: fleet\nspec:\n  "
      "records:\n";
  for (const auto& [ip, host] : records) text += "    - {ip: " + ip + ", hostname: " + host + "}\n";
  writeFile("mappings/fleet.yaml", text);
}

std::string ReliabilityLab::writeConfig(const ConfigOptions& o) {
  const bool noc = o.provider == "noc";
  std::string url = !o.url.empty() ? o.url : noc ? noc_->url() : pdns_->apiUrl();
  std::string resolvers;
  for (const auto& r :
       o.resolvers.empty() ? std::vector<std::string>{pdns_->dnsAddress()} : o.resolvers)
    resolvers += (resolvers.empty() ? "\"" : ", \"") + r + "\"";
  std::string text =
      "apiVersion: ptrd.io/v1alpha1\nkind: ReconcilerConfig\nspec:\n  mappings: [mappings/]\n"
      "  provider:\n    type: " +
      o.provider + "\n    url: \"" + url + "\"\n" +
      (noc ? "    tokenFile: token\n    jobTimeout: " + o.jobTimeout + "\n"
           : "    apiKeyFile: api-key\n") +
      "    batchSize: " + std::to_string(o.batchSize) +
      "\n"
      "    requestTimeout: " +
      o.requestTimeout + "\n" + (o.extra.empty() ? "" : "    " + o.extra + "\n") +
      "  resolvers: [" + resolvers +
      "]\n"
      "  policy: " +
      o.policy +
      "\n"
      "  maxChangePercent: 100\n" +
      (o.listen.empty() ? "" : "  listen: \"" + o.listen + "\"\n");
  writeFile("ptrd.yaml", text);
  return scratch_ + "/ptrd.yaml";
}

PtrdRun ReliabilityLab::ptrd(std::vector<std::string> args, std::chrono::milliseconds limit) {
  args.insert(args.begin(), PTRD_BINARY);
  PtrdRun run;
  auto start = std::chrono::steady_clock::now();
  run.result = lab::runCommand(args, scratch_, limit);
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  run.doc = Json::parse(run.result.out, nullptr, /*allow_exceptions=*/false);
  if (run.doc.is_discarded()) run.doc = nullptr;
  return run;
}

std::map<std::string, std::string> ReliabilityLab::plannedChanges(const std::string& config) {
  PtrdRun plan = ptrd({"plan", "-c", config, "-o", "json"});
  EXPECT_NE(plan.result.exit_code, 1) << plan.result.out << plan.result.err;
  std::map<std::string, std::string> out;
  if (plan.doc.is_null()) return out;
  for (const auto& c : plan.doc["changes"])  // "to" is null for a reset that deletes
    out[c["ip"].get<std::string>()] = c["to"].is_null() ? "" : c["to"].get<std::string>();
  return out;
}

void ReliabilityLab::expectOnlyPlannedChanges(
    const Snapshot& before, const Snapshot& after,
    const std::map<std::string, std::string>& planned) const {
  std::map<std::string, std::string> plannedByName;
  for (const auto& [ip, to] : planned) plannedByName[reverseOf(ip)] = to;
  std::set<std::string> names;
  for (const auto& [n, v] : before) names.insert(n);
  for (const auto& [n, v] : after) names.insert(n);
  for (const auto& name : names) {
    auto b = before.find(name), a = after.find(name);
    std::vector<std::string> was = b == before.end() ? std::vector<std::string>{} : b->second;
    std::vector<std::string> now = a == after.end() ? std::vector<std::string>{} : a->second;
    if (was == now) continue;
    auto p = plannedByName.find(name);
    ASSERT_NE(p, plannedByName.end()) << name << " changed but is not in the plan";
    // A reset's target may be empty (deleted) or the provider's default.
    if (!p->second.empty()) {
      EXPECT_EQ(now, std::vector<std::string>{p->second})
          << name << " holds something the plan never asked for";
    }
  }
}

void ReliabilityLab::expectConverges(const std::string& config) {
  PtrdRun again = ptrd({"apply", "-c", config, "-o", "json", "--verify-timeout", "5"});
  EXPECT_EQ(again.result.exit_code, 0) << "the pass after the fault must converge\n"
                                       << again.result.out << again.result.err;
  for (const auto& [ip, host] : fleet()) EXPECT_EQ(ptrOf(ip), host) << ip;
}

std::string ReliabilityLab::ptrOf(const std::string& ip) const {
  auto s = snapshot();
  auto it = s.find(reverseOf(ip));
  return it == s.end() || it->second.empty() ? "" : it->second.front();
}

}  // namespace ptrd::reliability
