// ReconcilerConfig: the reconciler's configuration file (contract §2).
//
//   apiVersion: ptrd.io/v1alpha1
//   kind: ReconcilerConfig
//   spec:
//     mappings: ["mappings/"]          # relative to this file
//     provider: {type: ..., url: ..., apiKeyFile: ...}   # the provider reads its own block
//     resolvers: ["127.0.0.1:5300"]
//     policy: upsert-only
//     ...
//
// Read as strictly as mapping files: every error is `file:line:col: reason`,
// unknown fields, kinds and apiVersions are errors, and so are wrong types (a
// quoted "20" is not a number). Paths (mappings, key files, CA file, state file)
// are resolved against the config file's directory, so the file means the same
// thing from any working directory. Secrets stay in their files: only the paths
// are read here.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "core/result.h"
#include "core/diagnostic.h"
#include "reconciler/plan/planner.h"

namespace ptrd {

// A config file larger than this is refused unread: a real one is a few hundred bytes.
inline constexpr uint64_t kMaxConfigBytes = uint64_t(1) << 20;

struct ReconcilerConfig {
  std::string file;                    // the config file itself
  std::vector<std::string> mappings;   // resolved paths
  providers::ProviderConfig provider;  // paths resolved; apiKeyFile holds the secret file
  std::vector<std::string> resolvers;  // "host:port"; empty = the system resolver
  Policy policy = Policy::kUpsertOnly;
  bool requireForwardMatch = true;
  SafetyLimits limits;  // maxChangePercent 20, maxChanges 1000
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  std::string listen = "127.0.0.1:9153";
  // Daemon: DNS queries per second its steady-state FCrDNS re-checks may spend
  // (README "Running the daemon").
  double dnsQueriesPerSecond = 100;

  PlanOptions planOptions(bool allowLargeChange = false) const;
};

// What parsing may look at besides the text.
struct ConfigChecks {
  // Secret files must exist and be regular files (checked, never opened). On for
  // plan and apply, which read them next anyway; off for `ptrd validate`, which
  // runs in CI and on examples where the secrets are not mounted, and for the
  // daemon, whose provider reports an unreadable secret when it connects.
  bool secretFiles = false;
};

// Parses config text; `file` names it in errors and anchors relative paths. The
// provider block is read by the provider its `type` names (providers/registry.h).
// Returns the config when errors stays empty.
ReconcilerConfig parseConfig(const std::string& text, const std::string& file,
                             std::vector<Diagnostic>& errors, ConfigChecks checks = {});

// Reads and parses the file; the Error lists every diagnostic, one a line.
Result<ReconcilerConfig> loadConfig(const std::string& path, ConfigChecks checks = {});

}  // namespace ptrd
