#include "reconciler/daemon/signals.h"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <optional>

namespace ptrd {
namespace {

sigset_t handledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void SignalThread::block() {
  sigset_t set = handledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalThread::SignalThread(WakeSignal& signal, Logger& log, std::chrono::milliseconds drainLimit)
    : signal_(signal), log_(log), drainLimit_(drainLimit), thread_([this] { run(); }) {}

void SignalThread::finish() {
  finished_ = true;
  if (thread_.joinable()) thread_.join();
}

void SignalThread::run() {
  const sigset_t set = handledSignals();
  std::optional<std::chrono::steady_clock::time_point> drainDeadline;
  // Short timed waits so finish() is noticed without a signal of our own.
  const timespec tick{0, 100'000'000};
  while (!finished_) {
    if (drainDeadline && std::chrono::steady_clock::now() > *drainDeadline) {
      log_.error(
          "shutdown: the pass in hand did not finish in time; exiting (jobs in flight resume from "
          "the state file)");
      std::_Exit(0);
    }
    const int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig == SIGHUP) {
      log_.info("SIGHUP: reload requested");
      signal_.wake();
    } else if (sig == SIGTERM || sig == SIGINT) {
      log_.info(sig == SIGTERM ? "SIGTERM: finishing the batch in hand, then exiting"
                               : "SIGINT: finishing the batch in hand, then exiting");
      signal_.requestStop();
      if (!drainDeadline) drainDeadline = std::chrono::steady_clock::now() + drainLimit_;
    }
  }
}

}  // namespace ptrd
