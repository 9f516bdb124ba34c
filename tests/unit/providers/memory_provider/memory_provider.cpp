#include "tests/unit/providers/memory_provider/memory_provider.h"

#include "providers/registry.h"

namespace ptrd::testing {
namespace {

using providers::ChangeResult;

constexpr size_t kMaxBatch = 100;

class MemoryProvider final : public providers::Provider {
 public:
  MemoryProvider(std::shared_ptr<MemoryAccount> account, size_t batchSize)
      : account_(std::move(account)), batchSize_(batchSize) {}

  std::string type() const override { return "memory"; }
  size_t maxBatchSize() const override { return batchSize_; }

  Result<providers::Inventory> inventory() override {
    providers::Inventory inv;
    for (const auto& [ip, a] : account_->addresses) inv.addresses.push_back(a);
    return inv;
  }

  Result<std::vector<ChangeResult>> apply(const std::vector<providers::Change>& batch) override {
    if (batch.size() > batchSize_) return Error::permanent("batch larger than batchSize");
    account_->batchSizes.push_back(batch.size());
    std::vector<ChangeResult> out;
    for (const auto& c : batch) {
      auto it = account_->addresses.find(c.ip);
      if (it == account_->addresses.end()) {
        out.push_back({c.ip, ChangeResult::Status::kNotYours, "", "not on this account", c.action});
        continue;
      }
      auto& a = it->second;
      // Reset is the platform's own default, as contract §6 asks of every provider.
      a.ptr = c.action == providers::Change::Action::kSet ? c.hostname : a.defaultPtr;
      a.custom = a.ptr != a.defaultPtr;
      if (account_->onChange) account_->onChange(c.ip, a.ptr);
      out.push_back({c.ip, ChangeResult::Status::kApplied, a.ptr, "", c.action});
    }
    return out;
  }

 private:
  std::shared_ptr<MemoryAccount> account_;
  size_t batchSize_;
};

void readSettings(providers::SettingsReader& in, providers::ProviderConfig& out) {
  in.allowOnly({"batchSize"});
  out.batchSize = kMaxBatch;
  if (in.has("batchSize")) {
    if (auto v = in.integer("batchSize", 1, kMaxBatch)) out.batchSize = *v;
  }
}

}  // namespace

void registerMemoryProvider(std::shared_ptr<MemoryAccount> account) {
  providers::ProviderType t;
  t.type = "memory";
  t.block = "memory";
  t.capabilities.maxBatchSize = kMaxBatch;
  t.capabilities.reset = providers::Capabilities::Reset::kPlatformDefault;
  t.readSettings = readSettings;
  t.make = [account](const providers::ProviderConfig& c,
                     providers::RequestObserver) -> Result<std::unique_ptr<providers::Provider>> {
    return std::unique_ptr<providers::Provider>(
        std::make_unique<MemoryProvider>(account, c.batchSize));
  };
  providers::registerProviderType(std::move(t));
}

}  // namespace ptrd::testing
