// A provider that keeps its account in memory: the proof that a provider is one
// folder plus one registration. Tests register it as type "memory" through the
// same table the real providers are in (providers/registry.h), then go through
// config -> registry -> provider like `ptrd apply` does.
//
//   auto account = std::make_shared<MemoryAccount>();
//   registerMemoryProvider(account);   // provider: {type: memory, memory: {batchSize: 2}}
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "providers/provider.h"

namespace ptrd::testing {

// What the in-memory platform holds; shared by every provider made from it.
struct MemoryAccount {
  std::map<std::string, providers::OwnedAddress> addresses;  // by canonical IP text
  std::vector<size_t> batchSizes;                            // of every apply()
  // Told after each applied change (tests make it visible in their fake DNS).
  std::function<void(const std::string& ip, const std::string& ptr)> onChange;

  void own(const std::string& ip, const std::string& ptr, const std::string& defaultPtr) {
    addresses[ip] = providers::OwnedAddress{ip, ptr, defaultPtr, ptr != defaultPtr};
  }
};

// Registers type "memory" (settings: batchSize, 1..100) on `account`.
void registerMemoryProvider(std::shared_ptr<MemoryAccount> account);

}  // namespace ptrd::testing
