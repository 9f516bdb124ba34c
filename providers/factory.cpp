// makeProvider(): the one place that knows every provider by its config name.
#include <fmt/format.h>

#include "providers/noc/noc_provider.h"
#include "providers/powerdns/powerdns_provider.h"
#include "providers/provider.h"

namespace ptrd::providers {

Result<std::unique_ptr<Provider>> makeProvider(const ProviderConfig& config, RequestObserver observer) {
  if (config.type == "powerdns") return powerdns::makePowerDnsProvider(config, std::move(observer));
  if (config.type == "noc") return noc::makeNocProvider(config, std::move(observer));
  return Error::permanent(fmt::format("unknown provider '{}' (known: powerdns, noc)", config.type));
}

}  // namespace ptrd::providers
