// Policy: what ptrd may do to addresses nobody declared (contract §2).
//
//   upsert-only  never touches an undeclared address;
//   sync         resets an owned, undeclared address that carries a custom PTR,
//                so the repository is the whole truth for the account.
//
// Like external-dns's plan/policy.go this is a small strategy applied by the
// planner; it knows nothing about DNS or the forward gate.
#pragma once

#include <string>
#include <string_view>

#include "providers/provider.h"
#include "core/result.h"

namespace ptrd {

enum class Policy { kUpsertOnly, kSync };

const char* policyName(Policy p);  // "upsert-only" | "sync"
Result<Policy> parsePolicy(std::string_view text);

// A PTR target in normal form; empty stays empty (canonicalName("") would be the
// root ".", and an absent PTR must never compare equal to one).
std::string normalisedPtr(const std::string& name);

// True when the address's PTR is not the provider's default. When the provider
// knows its default we compare names too; when it does not we trust its custom
// flag alone, so a reset can never ping-pong against an unknown default.
bool carriesCustomPtr(const providers::OwnedAddress& owned);

// Whether the policy resets this owned address that no mapping declares.
bool resetsUndeclared(Policy p, const providers::OwnedAddress& owned);

}  // namespace ptrd
