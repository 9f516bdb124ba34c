#include "reconciler/plan/policy.h"

#include <fmt/format.h>

#include "core/hostname.h"

namespace ptrd {
const char* policyName(Policy p) {
  return p == Policy::kSync ? "sync" : "upsert-only";
}

Result<Policy> parsePolicy(std::string_view text) {
  if (text == "upsert-only") return Policy::kUpsertOnly;
  if (text == "sync") return Policy::kSync;
  return Error::permanent(fmt::format("unknown policy \"{}\" (use upsert-only or sync)", text));
}

std::string normalisedPtr(const std::string& name) {
  return name.empty() ? name : canonicalName(name);
}

bool carriesCustomPtr(const providers::OwnedAddress& owned) {
  if (owned.custom) return true;
  if (owned.defaultPtr.empty()) return false;
  return normalisedPtr(owned.ptr) != normalisedPtr(owned.defaultPtr);
}

bool resetsUndeclared(Policy p, const providers::OwnedAddress& owned) {
  return p == Policy::kSync && carriesCustomPtr(owned);
}

}  // namespace ptrd
