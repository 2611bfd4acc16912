// daemon/result.h — Result<T, E>: a value or an error, spelled like std::expected.
//
// Not std::expected because libstdc++ 12's <expected> needs C++20 concepts level 202002, which
// clang 14 (the fuzz toolchain) does not claim; src/vrrp and src/net made the same call. This one
// holds move-only values (Pidfile). Swap for std::expected once every toolchain has it.
#pragma once

#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace vigil::daemon {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& e) {
  return {std::forward<E>(e)};
}

template <class T, class E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(Unexpected<E> u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() {
    if (!has_value()) std::abort();  // broken invariant: checked before use
    return std::get<0>(v_);
  }
  const T& value() const {
    if (!has_value()) std::abort();
    return std::get<0>(v_);
  }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const E& error() const { return std::get<1>(v_); }
  template <class U>
  T value_or(U&& fallback) const {
    return has_value() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(Unexpected<E> u) : error_(std::move(u.error)) {}  // NOLINT: implicit
  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const E& error() const { return *error_; }

 private:
  std::optional<E> error_;
};

}  // namespace vigil::daemon
