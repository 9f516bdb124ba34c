// Result<T>: a value or an Error, the way errors cross module boundaries in ptrd.
// It lives in core/ because both sides of the provider seam return it.
//
// g++ 12 in C++20 mode has no std::expected, so this is the small subset we need.
// An Error says what kind of failure it is, so callers decide retry policy
// without parsing text:
//   transient     retrying may help (timeouts, 5xx, a garbled answer); the next
//                 pass tries again, a batch is not split over it
//   rate-limited  the server said to come back later (429) and the wait did not
//                 fit the request's deadline; transient for everyone else
//   auth          the server refused the credentials (401/403): every further
//                 request would be refused too, so the pass stops at once
//   rejected      the server refused the batch's content (400/422): splitting
//                 the batch finds the change it objects to
//   permanent     anything else retrying cannot fix (bad config, 404)
//
//   Result<int> parsePort(std::string_view s);
//   auto r = parsePort("53");
//   if (!r) return r.error();
//   use(*r);
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ptrd {

struct Error {
  enum class Kind { kPermanent, kTransient, kRateLimited, kAuth, kRejected };
  std::string message;
  Kind kind = Kind::kPermanent;

  static Error permanent(std::string m) { return Error{std::move(m), Kind::kPermanent}; }
  static Error transient(std::string m) { return Error{std::move(m), Kind::kTransient}; }
  static Error rateLimited(std::string m) { return Error{std::move(m), Kind::kRateLimited}; }
  static Error auth(std::string m) { return Error{std::move(m), Kind::kAuth}; }
  static Error rejected(std::string m) { return Error{std::move(m), Kind::kRejected}; }
  // Worth trying again later (next pass): the failure says nothing about the request.
  bool isTransient() const { return kind == Kind::kTransient || kind == Kind::kRateLimited; }
  bool isAuth() const { return kind == Kind::kAuth; }
  bool isRejected() const { return kind == Kind::kRejected; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status okStatus() {
  return Ok{};
}

}  // namespace ptrd
