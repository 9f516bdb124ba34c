#include "reconciler/plan/record_state.h"

namespace ptrd {

const char* stateName(RecordState s) {
  switch (s) {
    case RecordState::kInSync:
      return "in_sync";
    case RecordState::kSet:
      return "set";
    case RecordState::kReset:
      return "reset";
    case RecordState::kBlockedForward:
      return "blocked_forward";
    case RecordState::kNotOwned:
      return "not_owned";
    case RecordState::kInvalid:
      return "invalid";
    case RecordState::kLookupError:
      return "lookup_error";
    case RecordState::kPropagating:
      return "propagating";
  }
  return "invalid";
}

std::optional<RecordState> parseState(std::string_view name) {
  for (RecordState s : kAllRecordStates) {
    if (name == stateName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace ptrd
