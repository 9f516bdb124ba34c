#include "reconciler/daemon/process_hardening.h"

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace ptrd {

Status hardenProcess() {
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0)
    return Error::permanent(fmt::format("setrlimit(RLIMIT_CORE, 0): {}", std::strerror(errno)));
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    return Error::permanent(fmt::format("prctl(PR_SET_DUMPABLE, 0): {}", std::strerror(errno)));
  return okStatus();
}

}  // namespace ptrd
