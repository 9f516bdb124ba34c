// SignalThread: SIGTERM/SIGINT/SIGHUP for the daemon without work in signal
// handlers. The signals are blocked in every thread (block() must run before any
// thread is started) and a dedicated thread takes them with sigtimedwait():
//   SIGHUP          -> signal.wake()         (a pass now, re-reading everything)
//   SIGTERM, SIGINT -> signal.requestStop()  (finish the batch in hand, exit 0)
// If the loop has not finished `drainLimit` after the stop, the process exits 0
// anyway (std::_Exit): jobs in flight are in the state file and resume on the
// next start, and Kubernetes would SIGKILL soon after.
//
//   SignalThread::block();
//   SignalThread signals(wake, log, 25s);
//   int rc = loop.run();
//   signals.finish();
#pragma once

#include <atomic>
#include <chrono>
#include <thread>

#include "core/daemon_clock.h"
#include "reconciler/telemetry/logger.h"

namespace ptrd {

class SignalThread {
 public:
  static void block();
  SignalThread(WakeSignal& signal, Logger& log, std::chrono::milliseconds drainLimit);
  ~SignalThread() { finish(); }
  SignalThread(const SignalThread&) = delete;
  SignalThread& operator=(const SignalThread&) = delete;
  // The loop has returned: stop watching (and cancel the drain deadline).
  void finish();

 private:
  void run();
  WakeSignal& signal_;
  Logger& log_;
  std::chrono::milliseconds drainLimit_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace ptrd
