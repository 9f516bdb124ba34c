// Turns bulk text (a *.txt/*.csv file, or a `bulk: |` block in YAML) into
// declarations, with each error at its line and column in the file itself.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "reconciler/source/bulk_line.h"
#include "reconciler/source/desired_state_builder.h"

namespace ptrd {

struct BulkOrigin {
  std::string file;
  uint32_t firstLine = 1;  // file line of the text's first line
  // Columns the file adds before a text line (a YAML block's indentation); null = 0.
  std::function<uint32_t(uint32_t file_line)> indentOf;
  bool csvHeaderAllowed = false;  // skip a first line "ip,hostname"
};

// One line of bulk text that is not blank, and where it sits in the file.
struct BulkEntry {
  uint32_t line = 0;    // file line
  uint32_t indent = 0;  // columns the file adds before the text line
  BulkLine fields;      // kEntry or kError
};

// The one walk over bulk text, shared by mapping files and `ptrd check -f`:
// numbers the lines, skips blank and comment lines and, with
// origin.csvHeaderAllowed, a first entry that is a CSV header ("ip,hostname").
// `visit` returns false to stop.
void walkBulkText(std::string_view text, const BulkOrigin& origin, bool allowIpOnly,
                  const std::function<bool(const BulkEntry&)>& visit);

void addBulkMappings(std::string_view text, const BulkOrigin& origin, uint32_t source,
                     DesiredStateBuilder& builder);

}  // namespace ptrd
