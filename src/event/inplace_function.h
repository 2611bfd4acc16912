// event/inplace_function.h — a move-only callable stored inside the object, never on the heap.
//
// InplaceFunction<R(Args...), N> holds any callable whose size is at most N bytes (and whose
// alignment is at most a pointer's). A capture that is too big is a compile error,
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
    static_assert(alignof(D) <= alignof(void*), "callback capture over-aligned (max: pointer alignment)");
    static_assert(std::is_nothrow_move_constructible_v<D>,
                  "callback must be nothrow move constructible");
    ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    ops_ = &kOps<D>;
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
    if (ops_ != nullptr && ops_->manage != nullptr) ops_->manage(Op::destroy, storage_, nullptr);
    ops_ = nullptr;
  }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  R operator()(Args... args) { return ops_->invoke(storage_, std::forward<Args>(args)...); }

 private:
  enum class Op { move, destroy };
  // One static table per stored type, so the object carries a single pointer besides the
  // buffer. manage == nullptr: trivially copyable and destructible (moved with memcpy).
  struct Ops {
    R (*invoke)(void*, Args...);
    void (*manage)(Op, void*, void*) noexcept;
  };
  template <class D>
  static constexpr bool kTrivial = std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>;

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

  template <class D>
  static constexpr Ops kOps{&invoke_impl<D>, kTrivial<D> ? nullptr : &manage_impl<D>};

  void take(InplaceFunction& other) noexcept {
    if (other.ops_ == nullptr) return;
    if (other.ops_->manage != nullptr) {
      other.ops_->manage(Op::move, storage_, other.storage_);
    } else {
      std::memcpy(storage_, other.storage_, Capacity);
    }
    ops_ = other.ops_;
    other.ops_ = nullptr;
  }

  const Ops* ops_ = nullptr;
  alignas(void*) std::byte storage_[Capacity];
};

}  // namespace vigil::event
