#include "providers/secret_file.h"

#include <fmt/format.h>

namespace ptrd::providers {

Result<std::string> secretFromFileContent(const std::string& path, std::string content) {
  if (!content.empty() && content.back() == '\n') content.pop_back();
  if (content.empty()) return Error::permanent(fmt::format("secret file {} is empty", path));
  for (size_t i = 0; i < content.size(); ++i) {
    const auto c = static_cast<unsigned char>(content[i]);
    if (c < 0x20 || c == 0x7f) {
      // The position and code, never the content: enough to find it in an editor.
      return Error::permanent(fmt::format(
          "secret file {} holds a control character (0x{:02x} at byte {}); only one trailing "
          "newline is allowed (a CR or LF inside would go into the HTTP header)",
          path, c, i + 1));
    }
  }
  return content;
}

}  // namespace ptrd::providers
