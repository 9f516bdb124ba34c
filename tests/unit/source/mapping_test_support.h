// What the mapping-loader tests share: a PTRMappings header and every error of
// a load as text.
#pragma once

#include <string>
#include <vector>

#include "reconciler/source/desired_state.h"

namespace ptrd::testing {

inline constexpr const char* kHeader =
    "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: t\nspec:\n";

inline std::vector<std::string> errorTexts(const DesiredState& d) {
  std::vector<std::string> out;
  for (const auto& e : d.fileErrors) out.push_back(e.str());
  for (const auto& i : d.invalid) out.push_back(i.diagnostic.str());
  return out;
}

}  // namespace ptrd::testing
