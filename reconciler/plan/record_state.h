// RecordState: the per-IP words of contract §4, shared by plans, logs and metrics.
//
// The spelling returned by stateName() is part of the user contract (plan JSON
// keys, ptrd_records{state=...}); never rename one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ptrd {

enum class RecordState : uint8_t {
  kInSync,          // provider PTR equals desired
  kSet,             // differs, forward DNS of the desired name contains the IP
  kReset,           // back to the provider's default PTR
  kBlockedForward,  // differs, but the desired name does not resolve to the IP
  kNotOwned,        // the provider does not list the IP on this account
  kInvalid,         // the declaration failed validation
  kLookupError,     // DNS or provider could not be read reliably
  kPropagating,     // provider has the new value, DNS does not show it yet
};

inline constexpr std::array<RecordState, 8> kAllRecordStates = {
    RecordState::kInSync,         RecordState::kSet,        RecordState::kReset,
    RecordState::kBlockedForward, RecordState::kNotOwned,   RecordState::kInvalid,
    RecordState::kLookupError,    RecordState::kPropagating};

// "in_sync", "set", "reset", "blocked_forward", "not_owned", "invalid",
// "lookup_error", "propagating".
const char* stateName(RecordState s);
std::optional<RecordState> parseState(std::string_view name);

}  // namespace ptrd
