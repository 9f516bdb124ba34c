// Turns bulk text (a *.txt/*.csv file, or a `bulk: |` block in YAML) into
// declarations, with each error at its line and column in the file itself.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "reconciler/desired_state_builder.h"

namespace ptrd {

struct BulkOrigin {
  std::string file;
  uint32_t firstLine = 1;  // file line of the text's first line
  // Columns the file adds before a text line (a YAML block's indentation); null = 0.
  std::function<uint32_t(uint32_t file_line)> indentOf;
  bool csvHeaderAllowed = false;  // skip a first line "ip,hostname"
};

void addBulkMappings(std::string_view text, const BulkOrigin& origin, uint32_t source,
                     DesiredStateBuilder& builder);

}  // namespace ptrd
