#include "reconciler/apply/session.h"

#include <fmt/format.h>

#include "reconciler/dns/cares_resolver.h"
#include "reconciler/source/mapping_loader.h"

namespace ptrd {

Result<SessionConnections> connectSession(const ReconcilerConfig& config,
                                          const SessionHooks& hooks) {
  providers::ProviderConfig pc = config.provider;
  pc.jobJournal = hooks.journal;
  pc.wait = hooks.wait;
  auto provider = providers::makeProvider(pc, hooks.onRequest);
  if (!provider)
    return Error::permanent(fmt::format("provider {}: {}", pc.type, provider.error().message));
  CaresOptions options;
  options.servers = config.resolvers;
  options.on_query = hooks.onQuery;
  auto resolver = CaresResolver::create(options);
  if (!resolver) return Error::permanent(fmt::format("resolver: {}", resolver.error().message));
  return SessionConnections{std::move(*provider), std::move(*resolver)};
}

Result<ReconcileSession> openSession(const std::string& configPath) {
  // The secrets are read next: a missing one is reported at its line and column.
  auto config = loadConfig(configPath, ConfigChecks{true});
  if (!config) return config.error();
  ReconcileSession s;
  s.config = std::move(*config);
  s.desired = loadMappings(s.config.mappings);
  auto conns = connectSession(s.config);
  if (!conns) return conns.error();
  s.provider = std::move(conns->provider);
  s.resolver = std::move(conns->resolver);
  return s;
}

}  // namespace ptrd
