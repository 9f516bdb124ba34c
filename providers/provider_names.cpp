#include "providers/provider.h"

namespace ptrd::providers {

const char* statusName(ChangeResult::Status s) {
  switch (s) {
    case ChangeResult::Status::kApplied:
      return "applied";
    case ChangeResult::Status::kInvalid:
      return "invalid";
    case ChangeResult::Status::kNotYours:
      return "not_yours";
    case ChangeResult::Status::kFailed:
      return "failed";
    case ChangeResult::Status::kRefusedForward:
      return "refused_forward";
  }
  return "failed";
}

const char* actionName(Change::Action a) {
  return a == Change::Action::kSet ? "set" : "reset";
}

}  // namespace ptrd::providers
