// Logger: one line per event, logfmt (default) or JSON, to stderr.
//
//   ts=2024-05-01T12:00:00.123Z level=info msg="change applied" ip=203.0.113.10
//   hostname=mail.example.com.
//   {"ts":"2024-05-01T12:00:00.123Z","level":"info","msg":"change applied","ip":"203.0.113.10",...}
//
// Per-record events carry `ip` and `hostname` fields so a log search finds every
// event of one address. Secrets never reach it: callers pass only names, paths
// and provider messages, and providers keep tokens out of their error texts;
// userinfo in any URL of a message or value is redacted (providers/url_redaction.h).
// Thread-safe: each line is written with one fwrite under a mutex.
#pragma once

#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ptrd {

enum class LogFormat { kLogfmt, kJson };
enum class LogLevel { kDebug, kInfo, kWarn, kError };

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Logger {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;
  explicit Logger(LogFormat format = LogFormat::kLogfmt, std::FILE* out = stderr,
                  WallClock now = {});

  void log(LogLevel level, std::string_view msg, const LogFields& fields = {});
  void debug(std::string_view msg, const LogFields& fields = {}) {
    log(LogLevel::kDebug, msg, fields);
  }
  void info(std::string_view msg, const LogFields& fields = {}) {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, const LogFields& fields = {}) {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, const LogFields& fields = {}) {
    log(LogLevel::kError, msg, fields);
  }
  void setMinLevel(LogLevel level) { min_ = level; }

  // The line log() would write (without the newline); exposed for tests.
  std::string format(LogLevel level, std::string_view msg, const LogFields& fields) const;

 private:
  LogFormat format_;
  std::FILE* out_;
  WallClock now_;
  LogLevel min_ = LogLevel::kInfo;
  std::mutex mu_;
};

}  // namespace ptrd
