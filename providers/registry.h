// The provider registry: maps a config's `provider.type` to the folder that
// implements it. Adding a provider is one folder (its Provider, its settings
// reader, its capabilities) plus one line in registry.cpp, and its tests.
//
// The reconciler and cmd reach providers only through this table: they read a
// provider's capabilities instead of testing its name.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "providers/provider.h"
#include "providers/settings.h"

namespace ptrd::providers {

// What a provider type can do, known before any instance exists.
struct Capabilities {
  // Largest batchSize the platform takes (a larger one is a config error).
  size_t maxBatchSize = 500;
  // Changes run as jobs that outlive the request: in-flight jobs are journaled
  // (the daemon wants a state file) and resumed after a restart.
  bool asyncJobs = false;
  // The platform checks forward DNS itself; its refusal is blocked_forward.
  bool serverForwardCheck = false;
  // What a reset asks of the platform.
  enum class Reset {
    kDeleteOrTemplate,  // delete the PTR, or write the configured defaultTemplate
    kPlatformDefault,   // the platform's own default name (or none where it has none)
  };
  Reset reset = Reset::kPlatformDefault;
  // Response headers it honours for rate limits (Retry-After, RateLimit-*, ...).
  std::vector<std::string> rateLimitHeaders;
  // How long a journaled job may still be resumed (the API's idempotency window).
  std::chrono::seconds resumeWindow{0};
};

struct ProviderType {
  std::string type;   // `type:` in the config, e.g. "hetzner-cloud"
  std::string block;  // the nested settings block's key, e.g. "hetznerCloud"
  Capabilities capabilities;
  // Reads and validates the provider's settings (flat or nested) into `out`;
  // out.type is already set.
  std::function<void(SettingsReader& in, ProviderConfig& out)> readSettings;
  std::function<Result<std::unique_ptr<Provider>>(const ProviderConfig&, RequestObserver)> make;
};

// Null for a type nobody registered.
const ProviderType* findProviderType(std::string_view type);

// The known types for messages, in registration order: "powerdns or noc".
std::string knownProviderTypes();

// Adds a type at run time through the same table the built-in ones are in
// (tests register in-memory providers this way). Call before any lookup on
// another thread; a type already known is replaced.
void registerProviderType(ProviderType type);

// makeProvider() (provider.h) creates one through this table.

}  // namespace ptrd::providers
