// Logger: one line per event, logfmt (default) or JSON, to stderr.
//
//   ts=2024-05-01T12:00:00.123Z level=info msg="change applied" ip=203.0.113.10
//   hostname=mail.example.com.
//   {"ts":"2024-05-01T12:00:00.123Z","level":"info","msg":"change applied","ip":"203.0.113.10",...}
//
// A field given as a number (or bool) stays one in JSON ("failures":3), so log
// queries can compare it; logfmt prints it as text either way.
// Per-record events carry `ip` and `hostname` fields so a log search finds every
// event of one address. Secrets never reach it: callers pass only names, paths
// and provider messages, and providers keep tokens out of their error texts;
// userinfo in any URL of a message or value is redacted (providers/url_redaction.h).
// Thread-safe: each line is written with one fwrite under a mutex.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
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

// One field's value: text, or a number / bool that JSON keeps typed.
class LogValue {
 public:
  enum class Kind { kText, kSigned, kUnsigned, kDouble, kBool };
  LogValue(std::string text) : text_(std::move(text)) {}  // NOLINT: implicit by design
  LogValue(const char* text) : text_(text) {}             // NOLINT
  LogValue(std::string_view text) : text_(text) {}        // NOLINT
  LogValue(bool b) : text_(b ? "true" : "false"), kind_(Kind::kBool) {}  // NOLINT
  template <std::signed_integral T>
  LogValue(T n) : text_(std::to_string(n)), kind_(Kind::kSigned), signed_(n) {}  // NOLINT
  template <std::unsigned_integral T>
  requires(!std::same_as<T, bool>) LogValue(T n)
      : text_(std::to_string(n)), kind_(Kind::kUnsigned), unsigned_(n) {}  // NOLINT
  LogValue(double d);                                                      // NOLINT

  const std::string& text() const { return text_; }
  Kind kind() const { return kind_; }
  int64_t asSigned() const { return signed_; }
  uint64_t asUnsigned() const { return unsigned_; }
  double asDouble() const { return double_; }

 private:
  std::string text_;
  Kind kind_ = Kind::kText;
  int64_t signed_ = 0;
  uint64_t unsigned_ = 0;
  double double_ = 0;
};

using LogFields = std::vector<std::pair<std::string, LogValue>>;

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
