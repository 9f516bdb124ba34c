#include "cmd/reconcile_session.h"

#include <fmt/format.h>

#include "reconciler/cares_resolver.h"
#include "reconciler/mapping_loader.h"

namespace ptrd::cmd {

Result<ReconcileSession> openSession(const std::string& configPath) {
  auto config = loadConfig(configPath);
  if (!config) return config.error();
  ReconcileSession s;
  s.config = std::move(*config);
  s.desired = loadMappings(s.config.mappings);
  auto provider = providers::makeProvider(s.config.provider, {});
  if (!provider)
    return Error::permanent(
        fmt::format("provider {}: {}", s.config.provider.type, provider.error().message));
  s.provider = std::move(*provider);
  CaresOptions options;
  options.servers = s.config.resolvers;
  auto resolver = CaresResolver::create(options);
  if (!resolver) return Error::permanent(fmt::format("resolver: {}", resolver.error().message));
  s.resolver = std::move(*resolver);
  return s;
}

}  // namespace ptrd::cmd
