// Startup hardening every ptrd command runs first: the process holds a bearer
// token or API key in memory, so it must not leave it in a core dump, nor let
// another process of the same user read its memory through /proc or ptrace.
//
//   if (auto s = hardenProcess(); !s) die(s.error().message);
#pragma once

#include "core/result.h"

namespace ptrd {

// prctl(PR_SET_DUMPABLE, 0) (no core dump; /proc/PID/mem, environ and ptrace
// closed to the same uid) and RLIMIT_CORE 0 (soft and hard, so a child cannot
// raise it back). An Error names the call that failed.
Status hardenProcess();

}  // namespace ptrd
