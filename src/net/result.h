// net/result.h — how src/net (and src/track) report kernel errors: Result<T> holds a value or an
// Error.
//
// Every call into the kernel returns a Result (or Status = Result<void>); nothing in src/net throws
// across its API and nothing crashes on an environment error (EPERM, ENODEV, EEXIST...). The Error
// carries the errno and a message saying what we were doing, e.g.
//   "setsockopt(SO_BINDTODEVICE, eth0): No such device (errno 19)".
// Calling value() on an error is a broken invariant and aborts loudly.
//
// Why not std::expected: libstdc++ 12 only enables <expected> for compilers with C++20 concepts
// level 202002, which clang 14 (our fuzz toolchain) does not claim, so vigil_net would not build in
// the fuzz preset. This type keeps the same spelling (has_value, value, error, *, ->) so it can be
// swapped for std::expected later.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vigil::net {

struct Error {
  int code = 0;         // errno value (netlink errors are turned positive); 0 = not from the kernel
  std::string message;  // what failed, e.g. "bind(224.0.0.18)"
  std::string str() const;
};

// Error from the current errno, with `what` as the message.
Error errno_error(std::string what);
// Error with an explicit errno value (0 when the error is ours, e.g. a malformed reply).
Error make_error(int code, std::string what);

[[noreturn]] void die_bad_result_access(const Error& e);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  void check() const {
    if (!has_value()) die_bad_result_access(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}  // NOLINT: implicit by design
  bool has_value() const { return !e_.has_value(); }
  explicit operator bool() const { return has_value(); }
  void value() const {
    if (e_) die_bad_result_access(*e_);
  }
  const Error& error() const { return *e_; }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

}  // namespace vigil::net
