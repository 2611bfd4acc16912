// vrrp/packet_result.h — Expected<T, E>: the codec's "value or reason" return type.
//
// It spells like std::expected (has_value, operator bool, value, value_or, error, *, ->) so it
// can become `template <class T, class E> using Expected = std::expected<T, E>;` once every
// toolchain has <expected>. Today clang 14 (the fuzz toolchain) cannot use libstdc++ 12's
// <expected>: the header requires C++20 concepts level 202002, which clang 14 does not claim.
//
// Meant for the codec's small, trivially copyable values (Advert, Ipv4View, sizes) and enum
// errors: both members are stored, nothing is allocated. value() on an error is a broken
// invariant and aborts.
#pragma once

#include <cstdlib>
#include <type_traits>
#include <utility>

namespace vigil::vrrp {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
constexpr Unexpected<E> unexpected(E e) {
  return Unexpected<E>{e};
}

template <class T, class E>
class [[nodiscard]] Expected {
  static_assert(std::is_trivially_copyable_v<E>, "errors are small enums or codes");

 public:
  constexpr Expected() = default;  // a default T, like std::expected
  constexpr Expected(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  constexpr Expected(Unexpected<E> u) : error_(u.error), ok_(false) {}  // NOLINT

  constexpr bool has_value() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }

  constexpr const T& value() const {
    if (!ok_) std::abort();
    return value_;
  }
  constexpr T& value() {
    if (!ok_) std::abort();
    return value_;
  }
  template <class U>
  constexpr T value_or(U&& fallback) const {
    return ok_ ? value_ : static_cast<T>(std::forward<U>(fallback));
  }
  constexpr const T& operator*() const { return value(); }
  constexpr T& operator*() { return value(); }
  constexpr const T* operator->() const { return &value(); }
  constexpr T* operator->() { return &value(); }

  // Only meaningful when !has_value().
  constexpr E error() const { return error_; }

 private:
  T value_{};
  E error_{};
  bool ok_ = true;
};

}  // namespace vigil::vrrp
