#include "providers/registry.h"

#include <fmt/format.h>

#include <algorithm>

#include "providers/aws_ec2/ec2_provider.h"
#include "providers/hetzner_robot/robot_provider.h"
#include "providers/linode/linode_provider.h"
#include "providers/hetzner_cloud/hcloud_provider.h"
#include "providers/noc/noc_provider.h"
#include "providers/ovh/ovh_provider.h"
#include "providers/powerdns/powerdns_provider.h"
#include "providers/rfc2136/rfc2136_provider.h"
#include "providers/vultr/vultr_provider.h"

namespace ptrd::providers {
namespace {

std::vector<ProviderType>& table() {
  // One line per provider folder.
  static std::vector<ProviderType> types = {
      powerdns::providerType(), noc::providerType(),           rfc2136::providerType(),
      linode::providerType(),   hetzner_robot::providerType(), hetzner_cloud::providerType(),
      aws_ec2::providerType(),  ovh::providerType(),           vultr::providerType(),
  };
  return types;
}

}  // namespace

const ProviderType* findProviderType(std::string_view type) {
  const auto& t = table();
  auto it = std::find_if(t.begin(), t.end(), [&](const ProviderType& p) { return p.type == type; });
  return it == t.end() ? nullptr : &*it;
}

std::string knownProviderTypes() {
  const auto& t = table();
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i > 0) out += i + 1 == t.size() ? " or " : ", ";
    out += t[i].type;
  }
  return out;
}

void registerProviderType(ProviderType type) {
  auto& t = table();
  auto it =
      std::find_if(t.begin(), t.end(), [&](const ProviderType& p) { return p.type == type.type; });
  if (it != t.end())
    *it = std::move(type);
  else
    t.push_back(std::move(type));
}

Result<std::unique_ptr<Provider>> makeProvider(const ProviderConfig& config,
                                               RequestObserver observer) {
  const ProviderType* p = findProviderType(config.type);
  if (!p)
    return Error::permanent(
        fmt::format("unknown provider '{}' ({})", config.type, knownProviderTypes()));
  return p->make(config, std::move(observer));
}

}  // namespace ptrd::providers
