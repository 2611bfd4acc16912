// event/inplace_function.h — a move-only callable stored inside the object, never on the heap.
//
// InplaceFunction<R(Args...), N> holds any callable whose size is at most N bytes (and whose
// alignment is at most alignof(std::max_align_t)). A capture that is too big is a compile error,
// not a hidden allocation: the scheduler's promise that steady-state scheduling allocates nothing
// rests on this. Capture `this` and a few scalars; keep bigger state in the owning object.
//
//   InplaceFunction<void(int), 32> f = [this, id](int v) { on_value(id, v); };
//   f(42);
//
// Convenience: when Args... is not empty, a callable taking no arguments is also accepted and is
// called without them (so `[&] { ++n; }` works where `void(const Fired&)` is expected).
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace vigil::event {

template <class Signature, std::size_t Capacity>
class InplaceFunction;

template <class R, class... Args, std::size_t Capacity>
class InplaceFunction<R(Args...), Capacity> {
 public:
  InplaceFunction() noexcept = default;
  InplaceFunction(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, InplaceFunction> &&
                                     (std::is_invocable_r_v<R, D&, Args...> ||
                                      std::is_invocable_r_v<R, D&>)>>
  InplaceFunction(F&& f) {  // NOLINT(google-explicit-constructor)
    static_assert(sizeof(D) <= Capacity,
                  "callback capture too big for InplaceFunction: capture `this` or a pointer "
                  "instead of values (the scheduler never heap-allocates callbacks)");
    static_assert(alignof(D) <= alignof(std::max_align_t), "callback capture over-aligned");
    static_assert(std::is_nothrow_move_constructible_v<D>,
                  "callback must be nothrow move constructible");
    ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    invoke_ = &invoke_impl<D>;
    if constexpr (!(std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>)) {
      manage_ = &manage_impl<D>;
    }
  }

  InplaceFunction(InplaceFunction&& other) noexcept { take(other); }
  InplaceFunction& operator=(InplaceFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InplaceFunction(const InplaceFunction&) = delete;
  InplaceFunction& operator=(const InplaceFunction&) = delete;
  ~InplaceFunction() { reset(); }

  // Destroys the held callable (running its captures' destructors); leaves this empty.
  void reset() noexcept {
    if (manage_ != nullptr) manage_(Op::destroy, storage_, nullptr);
    invoke_ = nullptr;
    manage_ = nullptr;
  }

  explicit operator bool() const noexcept { return invoke_ != nullptr; }

  R operator()(Args... args) { return invoke_(storage_, std::forward<Args>(args)...); }

 private:
  enum class Op { move, destroy };

  template <class D>
  static R invoke_impl(void* p, Args... args) {
    D& f = *std::launder(static_cast<D*>(p));
    if constexpr (std::is_invocable_r_v<R, D&, Args...>) {
      return std::invoke(f, std::forward<Args>(args)...);
    } else {
      return std::invoke(f);
    }
  }

  template <class D>
  static void manage_impl(Op op, void* self, void* from) noexcept {
    if (op == Op::move) {
      D* src = std::launder(static_cast<D*>(from));
      ::new (self) D(std::move(*src));
      src->~D();
    } else {
      std::launder(static_cast<D*>(self))->~D();
    }
  }

  void take(InplaceFunction& other) noexcept {
    if (other.invoke_ == nullptr) return;
    if (other.manage_ != nullptr) {
      other.manage_(Op::move, storage_, other.storage_);
    } else {
      std::memcpy(storage_, other.storage_, Capacity);
    }
    invoke_ = other.invoke_;
    manage_ = other.manage_;
    other.invoke_ = nullptr;
    other.manage_ = nullptr;
  }

  alignas(std::max_align_t) std::byte storage_[Capacity];
  R (*invoke_)(void*, Args...) = nullptr;
  void (*manage_)(Op, void*, void*) noexcept = nullptr;
};

}  // namespace vigil::event
