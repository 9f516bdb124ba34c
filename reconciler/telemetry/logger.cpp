#include "reconciler/telemetry/logger.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "providers/url_redaction.h"

namespace ptrd {
namespace {

const char* levelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// logfmt: bare when the value is a plain token, else double-quoted with \" \\ \n escaped.
void appendLogfmt(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += '=';
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      plain = false;
  }
  if (plain) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\x{:02x}", c);
    else
      out += c;
  }
  out += '"';
}

std::string timestamp(std::chrono::system_clock::time_point t) {
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(t)), ms);
}

}  // namespace

Logger::Logger(LogFormat format, std::FILE* out, WallClock now)
    : format_(format),
      out_(out),
      now_(now ? std::move(now) : WallClock([] { return std::chrono::system_clock::now(); })) {}

LogValue::LogValue(double d) : text_(fmt::format("{}", d)), kind_(Kind::kDouble), double_(d) {}

// Every message and value passes the URL redaction: a provider URL with a
// password may reach a line through any error text, so the check is here, once,
// rather than at each caller.
std::string Logger::format(LogLevel level, std::string_view msg, const LogFields& fields) const {
  using providers::redactUrlUserinfo;
  const std::string ts = timestamp(now_());
  if (format_ == LogFormat::kJson) {
    nlohmann::ordered_json j;
    j["ts"] = ts;
    j["level"] = levelName(level);
    j["msg"] = redactUrlUserinfo(msg);
    for (const auto& [k, v] : fields) {
      switch (v.kind()) {
        case LogValue::Kind::kSigned:
          j[k] = v.asSigned();
          break;
        case LogValue::Kind::kUnsigned:
          j[k] = v.asUnsigned();
          break;
        case LogValue::Kind::kDouble:
          j[k] = v.asDouble();
          break;
        case LogValue::Kind::kBool:
          j[k] = v.text() == "true";
          break;
        case LogValue::Kind::kText:
          j[k] = redactUrlUserinfo(v.text());
          break;
      }
    }
    // Invalid UTF-8 in a provider message must not throw: replace it.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out;
  appendLogfmt(out, "ts", ts);
  appendLogfmt(out, "level", levelName(level));
  appendLogfmt(out, "msg", redactUrlUserinfo(msg));
  for (const auto& [k, v] : fields) appendLogfmt(out, k, redactUrlUserinfo(v.text()));
  return out;
}

void Logger::log(LogLevel level, std::string_view msg, const LogFields& fields) {
  if (level < min_) return;
  std::string line = format(level, msg, fields);
  line += '\n';
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace ptrd
