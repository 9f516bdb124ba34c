// ReconcileSession: everything `ptrd plan`, `ptrd apply` and the daemon's passes
// open from one config file: the config, the desired state, the provider and the
// resolver. The one place that turns a config into live connections.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "providers/job_journal.h"
#include "providers/provider.h"
#include "providers/provider_wait.h"
#include "reconciler/config/config.h"
#include "reconciler/source/desired_state.h"
#include "reconciler/dns/resolver.h"

namespace ptrd {

// What a long-running caller (the daemon) hooks into the connections; all
// empty for the one-shot commands.
struct SessionHooks {
  providers::RequestObserver onRequest;  // every provider HTTP request
  std::function<void(std::string_view qtype, LookupOutcome outcome)> onQuery;  // every DNS query
  std::shared_ptr<providers::JobJournal> journal;  // async providers record jobs in it
  std::shared_ptr<providers::ProviderWait> wait;   // lets SIGTERM cut provider waits short
};

struct SessionConnections {
  std::unique_ptr<providers::Provider> provider;
  std::unique_ptr<Resolver> resolver;
};

// The provider (through the registry) and the c-ares resolver on the config's
// resolvers; the Error names which of the two failed.
Result<SessionConnections> connectSession(const ReconcilerConfig& config,
                                          const SessionHooks& hooks = {});

struct ReconcileSession {
  ReconcilerConfig config;
  DesiredState desired;  // may be incomplete (fileErrors): the plan then holds sync resets back
  std::unique_ptr<providers::Provider> provider;
  std::unique_ptr<Resolver> resolver;
};

// Loads the config (every error as file:line:col) and the mapping files, then
// connectSession()s.
Result<ReconcileSession> openSession(const std::string& configPath);

}  // namespace ptrd
