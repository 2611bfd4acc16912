// track/result.h — Result<T>: a value or an Error saying what failed, for everything in src/track
// that can fail because of the environment (fork, exec, inotify, netlink, a missing user).
//
//   Result<pid_t> r = spawner.spawn(argv, creds);
//   if (!r) log(r.error().str());     // "clone(/usr/bin/chk): Resource temporarily unavailable"
//
// Not std::expected: clang 14 (the fuzz toolchain) cannot use libstdc++ 12's <expected>.
// Calling value() on an error is a broken invariant and aborts.
#pragma once

#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace vigil::track {

struct Error {
  int code = 0;         // errno, or 0 when the error is ours
  std::string message;  // what we were doing
  std::string str() const;
};

// Error from the current errno: "<what>: <strerror>".
Error errno_error(std::string what);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  void check() const {
    if (!has_value()) std::abort();
  }
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace vigil::track
