// ReconcileSession: everything `ptrd plan`, `ptrd apply` (and the daemon's pass)
// open from one config file: the config, the desired state, the provider and the
// resolver. Built once per command; any failure is a reason to exit 1.
#pragma once

#include <memory>
#include <string>

#include "providers/provider.h"
#include "core/result.h"
#include "reconciler/config.h"
#include "reconciler/desired_state.h"
#include "reconciler/resolver.h"

namespace ptrd::cmd {

struct ReconcileSession {
  ReconcilerConfig config;
  DesiredState desired;  // may be incomplete (fileErrors): the plan then holds sync resets back
  std::unique_ptr<providers::Provider> provider;
  std::unique_ptr<Resolver> resolver;
};

// Loads the config (every error as file:line:col), the mapping files, and creates
// the provider (providers::makeProvider) and the c-ares resolver on the config's
// resolvers.
Result<ReconcileSession> openSession(const std::string& configPath);

}  // namespace ptrd::cmd
