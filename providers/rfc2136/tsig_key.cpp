#include "providers/rfc2136/tsig_key.h"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <optional>
#include <vector>

#include "core/hostname.h"

namespace ptrd::providers::rfc2136 {
namespace {

// Far above any key file (tsig-keygen's hmac-sha512 one is ~150 bytes).
constexpr size_t kMaxKeyFileBytes = 64 * 1024;

struct Token {
  enum class Kind { kWord, kString, kPunct } kind;
  std::string text;
  int line;
};

struct Lexed {
  std::vector<Token> tokens;
  std::optional<std::string> error;  // "line N: reason"
};

Lexed lex(const std::string& s) {
  Lexed out;
  int line = 1;
  size_t i = 0;
  auto fail = [&](int at, std::string why) {
    out.error = fmt::format("{}: {}", at, why);
    return out;
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#' || (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      const int start = line;
      i += 2;
      while (i + 1 < s.size() && !(s[i] == '*' && s[i + 1] == '/')) line += s[i++] == '\n';
      if (i + 1 >= s.size()) return fail(start, "comment /* is never closed");
      i += 2;
    } else if (c == '"') {
      const int start = line;
      std::string text;
      ++i;
      while (i < s.size() && s[i] != '"' && s[i] != '\n') text += s[i++];
      if (i >= s.size() || s[i] != '"') return fail(start, "string is not closed on its line");
      ++i;
      out.tokens.push_back({Token::Kind::kString, std::move(text), start});
    } else if (c == '{' || c == '}' || c == ';') {
      out.tokens.push_back({Token::Kind::kPunct, std::string(1, c), line});
      ++i;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
      std::string text;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                              s[i] == '_' || s[i] == '.'))
        text += s[i++];
      out.tokens.push_back({Token::Kind::kWord, std::move(text), line});
    } else {
      return fail(line,
                  fmt::format("unexpected character 0x{:02x}", static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// What ldns signs with; hmac-sha224 and hmac-sha384 are not among them.
std::optional<std::string> wireAlgorithm(const std::string& a) {
  if (a == "hmac-sha256") return "hmac-sha256.";
  if (a == "hmac-sha512") return "hmac-sha512.";
  if (a == "hmac-sha1") return "hmac-sha1.";
  if (a == "hmac-md5" || a == "hmac-md5.sig-alg.reg.int") return "hmac-md5.sig-alg.reg.int.";
  return std::nullopt;
}

bool isBase64(const std::string& s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '=') {
      if (i + 2 < s.size()) return false;
      ++pad;
    } else if (pad > 0 || !(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) {
      return false;
    }
  }
  return pad <= 2 && s.size() - pad > 0;
}

class Parser {
 public:
  Parser(const std::string& path, std::vector<Token> tokens) : path_(path), t_(std::move(tokens)) {}

  Result<TsigKey> run() {
    if (t_.empty()) return Error::permanent(fmt::format("{}: holds no key statement", path_));
    TsigKey key;
    std::optional<int> algorithmLine;
    if (!word("key")) return err("expected `key \"name\" {`");
    if (i_ >= t_.size() || t_[i_].kind == Token::Kind::kPunct)
      return err("expected the key's name");
    if (t_[i_].text.empty()) return err("the key's name is empty");
    key.name = canonicalName(t_[i_++].text);
    if (!punct("{")) return err("expected `{` after the key's name");
    bool haveSecret = false;
    while (i_ < t_.size() && !(t_[i_].kind == Token::Kind::kPunct && t_[i_].text == "}")) {
      const Token& field = t_[i_];
      if (field.kind != Token::Kind::kWord) return err("expected `algorithm` or `secret`");
      ++i_;
      if (i_ >= t_.size() || t_[i_].kind == Token::Kind::kPunct)
        return errAt(i_ - 1, fmt::format("`{}` needs a value", field.text));
      const Token& value = t_[i_++];
      if (field.text == "algorithm") {
        key.algorithm = value.text;
        algorithmLine = value.line;
      } else if (field.text == "secret") {
        if (value.kind != Token::Kind::kString || !isBase64(value.text))
          return Error::permanent(
              fmt::format("{}:{}: the secret is not a quoted base64 string", path_, value.line));
        key.secret = value.text;
        haveSecret = true;
      } else {
        return Error::permanent(fmt::format("{}:{}: unknown field `{}` (algorithm, secret)", path_,
                                            field.line, field.text));
      }
      if (!punct(";")) return err(fmt::format("expected `;` after the {}", field.text));
    }
    if (!punct("}")) return err("the key's `{` is never closed");
    if (!punct(";")) return err("expected `;` after `}`");
    if (i_ < t_.size()) return err("only one key per file (ptrd signs with exactly one)");
    if (!algorithmLine)
      return Error::permanent(fmt::format("{}: key \"{}\" has no algorithm", path_, key.name));
    if (!haveSecret)
      return Error::permanent(fmt::format("{}: key \"{}\" has no secret", path_, key.name));
    auto wire = wireAlgorithm(key.algorithm);
    if (!wire) {
      return Error::permanent(
          fmt::format("{}:{}: algorithm \"{}\" is not supported (hmac-sha256, hmac-sha512, "
                      "hmac-sha1 or hmac-md5)",
                      path_, *algorithmLine, key.algorithm));
    }
    key.wireAlgorithm = *wire;
    return key;
  }

 private:
  bool word(const char* w) {
    if (i_ < t_.size() && t_[i_].kind == Token::Kind::kWord && t_[i_].text == w) return ++i_, true;
    return false;
  }
  bool punct(const char* p) {
    if (i_ < t_.size() && t_[i_].kind == Token::Kind::kPunct && t_[i_].text == p) return ++i_, true;
    return false;
  }
  Error errAt(size_t at, const std::string& why) const {
    if (at >= t_.size())
      return Error::permanent(fmt::format("{}: unexpected end of file: {}", path_, why));
    // The token itself is not shown: it could be the secret, misplaced.
    return Error::permanent(fmt::format("{}:{}: {}", path_, t_[at].line, why));
  }
  Error err(const std::string& why) const { return errAt(i_, why); }

  const std::string& path_;
  std::vector<Token> t_;
  size_t i_ = 0;
};

}  // namespace

Result<TsigKey> parseTsigKey(const std::string& path, const std::string& text) {
  auto lexed = lex(text);
  if (lexed.error) return Error::permanent(fmt::format("{}:{}", path, *lexed.error));
  return Parser(path, std::move(lexed.tokens)).run();
}

Result<TsigKey> readTsigKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::permanent(fmt::format("{}: cannot read the TSIG key file", path));
  std::string text(kMaxKeyFileBytes + 1, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  text.resize(size_t(in.gcount()));
  if (text.size() > kMaxKeyFileBytes)
    return Error::permanent(
        fmt::format("{}: larger than {} bytes: not a TSIG key file", path, kMaxKeyFileBytes));
  return parseTsigKey(path, text);
}

}  // namespace ptrd::providers::rfc2136
