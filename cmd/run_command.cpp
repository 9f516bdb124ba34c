// `ptrd run -c CONFIG`: the daemon (contract §3). Wires the real world into
// reconciler/daemon/daemon_loop.h -- system clock, c-ares, the provider with its request
// observer and job journal, metrics, the HTTP endpoint, signals -- and runs it.
// Exit 0 after a clean shutdown; 1 when it cannot start.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "cmd/commands.h"
#include "cmd/log_level.h"
#include "cmd/version.h"
#include "providers/registry.h"
#include "reconciler/config/config.h"
#include "reconciler/daemon/daemon_loop.h"
#include "reconciler/daemon/drain.h"
#include "reconciler/daemon/file_job_journal.h"
#include "reconciler/telemetry/http_endpoint.h"
#include "reconciler/apply/session.h"
#include "reconciler/daemon/signals.h"

namespace ptrd::cmd {
namespace {

constexpr const char* kDefaultStateFile = "/var/lib/ptrd/state.json";

struct RunArgs {
  std::string config;
  std::string logFormat = "logfmt";
  std::string stateFile;
  bool once = false;
  bool dryRun = false;
  double shutdownSeconds = 25;
  double backoffBaseSeconds = 1;
  double backoffMaxSeconds = 300;
};

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(int64_t(seconds * 1000));
}

// Flag, then config, then the default when its directory is writable; "" = none.
std::string chooseStateFile(const RunArgs& args, const ReconcilerConfig& config, Logger& log) {
  if (!args.stateFile.empty()) return args.stateFile;
  if (!config.provider.stateFile.empty()) return config.provider.stateFile;
  // Only providers with asynchronous jobs have anything in flight to keep.
  const providers::ProviderType* type = providers::findProviderType(config.provider.type);
  if (!type || !type->capabilities.asyncJobs) return "";
  const auto dir = std::filesystem::path(kDefaultStateFile).parent_path();
  if (::access(dir.c_str(), W_OK) == 0) return kDefaultStateFile;
  log.warn("no writable state file: bulk jobs in flight will not survive a restart",
           {{"hint", "set provider.stateFile or --state-file"}, {"tried", kDefaultStateFile}});
  return "";
}

Connector realConnector(DaemonMetrics& metrics, StatusBoard& status, Clock& clock,
                        std::shared_ptr<providers::JobJournal> journal,
                        std::shared_ptr<providers::ProviderWait> wait) {
  return [&metrics, &status, &clock, journal,
          wait](const ReconcilerConfig& config) -> Result<PassConnections> {
    SessionHooks hooks;
    hooks.journal = journal;
    hooks.wait = wait;  // SIGTERM cuts provider waits short
    hooks.onRequest = [&metrics, &status, &clock, type = config.provider.type](
                          const std::string& op, int code, double seconds) {
      metrics.providerRequest(type, op, code, seconds);
      status.heartbeat(clock.now());
    };
    hooks.onQuery = [&metrics, &status, &clock](std::string_view qtype, LookupOutcome outcome) {
      metrics.dnsQuery(qtype, outcomeName(outcome));
      status.heartbeat(clock.now());
    };
    auto conns = connectSession(config, hooks);
    if (!conns) return conns.error();
    return PassConnections{std::shared_ptr<providers::Provider>(std::move(conns->provider)),
                           std::shared_ptr<Resolver>(std::move(conns->resolver))};
  };
}

int runDaemon(const RunArgs& args) {
  Logger log(args.logFormat == "json" ? LogFormat::kJson : LogFormat::kLogfmt);
  log.setMinLevel(chosenLogLevel());
  // A daemon that cannot read its config at start fails loudly; later broken
  // edits keep the last good one.
  auto config = loadConfig(args.config);
  if (!config) {
    log.error("config failed to load",
              {{"config", args.config}, {"error", config.error().message}});
    return 1;
  }
  SignalThread::block();  // before any thread starts, so only the signal thread takes them

  SystemDaemonClock clock;
  StdRandomGenerator random;
  WakeSignal signal;
  DaemonMetrics metrics(PTRD_VERSION, PTRD_REVISION);
  StatusBoard status(std::chrono::minutes(5));

  std::shared_ptr<FileJobJournal> journal;
  if (std::string path = chooseStateFile(args, *config, log); !path.empty()) {
    auto opened = FileJobJournal::open(path, [&log, path](const std::string& e) {
      log.error("cannot write the state file", {{"state_file", path}, {"error", e}});
    });
    if (!opened) {
      log.error("state file unusable", {{"error", opened.error().message}});
      return 1;
    }
    journal = *opened;
    log.info("state file", {{"state_file", path}, {"pending_jobs", journal->pending().size()}});
  }

  DaemonHttp http(metrics, status, clock);
  if (auto s = http.start(config->listen); !s) {
    log.error("cannot serve HTTP", {{"listen", config->listen}, {"error", s.error().message}});
    return 1;
  }
  log.info("starting", {{"version", PTRD_VERSION},
                        {"config", args.config},
                        {"listen", config->listen},
                        {"provider", config->provider.type},
                        {"dry_run", args.dryRun}});

  DaemonOptions options;
  options.once = args.once;
  options.dryRun = args.dryRun;
  options.backoffBase = ms(args.backoffBaseSeconds);
  options.backoffMax = ms(args.backoffMaxSeconds);
  auto providerWait = std::make_shared<DaemonProviderWait>(clock, signal);
  DaemonLoop loop(args.config, options,
                  DaemonDeps{clock, random, log, metrics, status, signal,
                             realConnector(metrics, status, clock, journal, providerWait), journal,
                             providerWait});
  SignalThread signals(signal, log, ms(args.shutdownSeconds));
  const int rc = loop.run();
  signals.finish();
  http.stop();
  return rc;
}

}  // namespace

void addRunCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "The daemon: reconcile every interval");
  sub->footer(
      "Reconciles every `interval` (jittered), at once when the config or a mapping file\n"
      "changes or on SIGHUP, and after failures with jittered exponential backoff. A file\n"
      "that fails to load keeps the last good state (ptrd_config_last_reload_successful 0).\n"
      "Serves /metrics, /healthz, /readyz and /status on `listen`. SIGTERM/SIGINT finish the\n"
      "batch in hand and exit 0. Bulk jobs in flight (async providers) are kept in the state file "
      "and\n"
      "resumed after a restart instead of being submitted again.\n"
      "\n"
      "Exit status: 0 after a clean shutdown (with --once: 0 if the pass succeeded), 1 when\n"
      "it cannot start (config, state file, listen address).");
  sub->add_option("-c,--config", args->config, "ReconcilerConfig file")->required();
  sub->add_option("--log-format", args->logFormat, "Log line format")
      ->check(CLI::IsMember({"logfmt", "json"}));
  sub->add_option("--state-file", args->stateFile,
                  fmt::format("Job journal (default: provider.stateFile, else {} if writable)",
                              kDefaultStateFile));
  sub->add_flag("--once", args->once, "Run one pass and exit (0 if it succeeded)");
  sub->add_flag("--dry-run", args->dryRun,
                "Observe, plan, export metrics and /status; never call the provider's write\n"
                "operations (nor resume journaled jobs)");
  sub->add_option("--shutdown-timeout", args->shutdownSeconds,
                  "Seconds to finish the batch in hand on SIGTERM")
      ->check(CLI::Range(0.0, 3600.0));
  sub->add_option("--backoff-base", args->backoffBaseSeconds,
                  "First retry delay after a failed pass (seconds)")
      ->check(CLI::Range(0.001, 3600.0));
  sub->add_option("--backoff-max", args->backoffMaxSeconds, "Longest retry delay (seconds)")
      ->check(CLI::Range(0.001, 86400.0));
  sub->callback([args, &exit_code] { exit_code = runDaemon(*args); });
}

}  // namespace ptrd::cmd
