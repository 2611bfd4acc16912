// config/heap_optional.h — HeapOptional<T>: std::optional's interface, the value on the heap.
//
// For settings the model has in every instance but almost no file writes (the seven notify
// scripts of a vrrp_instance): an empty one is a null pointer, 8 bytes instead of
// sizeof(std::optional<Command>) = 112, so a 1,000-instance configuration does not carry
// 800 KB of empty commands. Code written against std::optional keeps working: `if (x)`, `*x`,
// `x->cmd`, `x = value`, `x = std::nullopt`, and an implicit conversion to std::optional<T>
// (a copy) for functions that take one.
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace vigil::config {

template <class T>
class HeapOptional {
 public:
  HeapOptional() = default;
  HeapOptional(std::nullopt_t) {}                                     // NOLINT: as optional
  HeapOptional(const T& v) : p_(std::make_unique<T>(v)) {}            // NOLINT
  HeapOptional(T&& v) : p_(std::make_unique<T>(std::move(v))) {}      // NOLINT
  HeapOptional(const std::optional<T>& v) { if (v) p_ = std::make_unique<T>(*v); }  // NOLINT
  HeapOptional(const HeapOptional& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  HeapOptional(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(const HeapOptional& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  HeapOptional& operator=(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }
  HeapOptional& operator=(const std::optional<T>& v) { return *this = HeapOptional(v); }
  HeapOptional& operator=(std::optional<T>&& v) {
    if (v) emplace(std::move(*v)); else p_.reset();
    return *this;
  }
  HeapOptional& operator=(T v) {
    emplace(std::move(v));
    return *this;
  }

  template <class... A>
  T& emplace(A&&... args) {
    p_ = std::make_unique<T>(std::forward<A>(args)...);
    return *p_;
  }
  void reset() { p_.reset(); }

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  const T& operator*() const { return *p_; }
  T& operator*() { return *p_; }
  const T* operator->() const { return p_.get(); }
  T* operator->() { return p_.get(); }
  const T& value() const { return p_ ? *p_ : throw std::bad_optional_access(); }
  operator std::optional<T>() const {  // NOLINT: a copy, for code that takes std::optional
    return p_ ? std::optional<T>(*p_) : std::nullopt;
  }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace vigil::config
