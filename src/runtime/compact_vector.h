// runtime/compact_vector.h — a vector that is one pointer wide, for the per-instance lists.
//
//   CompactVector<net::AddressSpec> specs;   // sizeof == 8; empty: no allocation
//   specs.push_back(spec);
//   for (const auto& s : specs) ...;  std::span<const net::AddressSpec> view = specs;
//
// An RtInstance carries eleven lists (VIPs, their texts and no_track flags, peers, virtual
// routes and rules, …), almost all of them empty or one element long. As std::vector (24 bytes,
// 40 for vector<bool>) they were ~300 bytes of every instance — 0.3 MB of the VRRP child at
// 1,000 instances. Here the size and capacity live in the heap block in front of the elements,
// so an empty list costs 8 bytes and no allocation. Contiguous (std::span converts from it),
// move-only semantics as cheap as std::vector's: moving keeps the elements where they are, so
// spans over them (vrrp::Expectations, AdvertFields) stay valid across a move.
// Elements must be nothrow-movable; capacity grows ×2 from 1 (the builder pushes one or two).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace vigil::runtime {

template <class T>
class CompactVector {
  static_assert(std::is_nothrow_move_constructible_v<T>);
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  CompactVector() noexcept = default;
  CompactVector(CompactVector&& o) noexcept : block_(std::exchange(o.block_, nullptr)) {}
  CompactVector& operator=(CompactVector&& o) noexcept {
    if (this != &o) {
      destroy();
      block_ = std::exchange(o.block_, nullptr);
    }
    return *this;
  }
  CompactVector(const CompactVector& o) {
    try {
      reserve(o.size());
      for (const T& v : o) push_back(v);
    } catch (...) {
      destroy();
      throw;
    }
  }
  CompactVector& operator=(const CompactVector& o) {
    if (this != &o) {
      CompactVector copy(o);
      *this = std::move(copy);
    }
    return *this;
  }
  ~CompactVector() { destroy(); }

  std::size_t size() const noexcept { return block_ ? block_->size : 0; }
  bool empty() const noexcept { return size() == 0; }
  std::size_t capacity() const noexcept { return block_ ? block_->capacity : 0; }

  T* data() noexcept { return block_ ? elements(block_) : nullptr; }
  const T* data() const noexcept { return block_ ? elements(block_) : nullptr; }
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size(); }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size(); }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }
  T& front() noexcept { return data()[0]; }
  const T& front() const noexcept { return data()[0]; }
  T& back() noexcept { return data()[size() - 1]; }
  const T& back() const noexcept { return data()[size() - 1]; }

  void reserve(std::size_t n) {
    if (n > capacity()) reallocate(n);
  }
  template <class... A>
  T& emplace_back(A&&... args) {
    if (size() == capacity()) reallocate(capacity() == 0 ? 1 : 2 * capacity());
    T* slot = elements(block_) + block_->size;
    ::new (static_cast<void*>(slot)) T(std::forward<A>(args)...);
    ++block_->size;
    return *slot;
  }
  void push_back(const T& v) { emplace_back(v); }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  // Empties the list and gives its memory back.
  void clear() noexcept { destroy(); }

  friend bool operator==(const CompactVector& a, const CompactVector& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!(a[i] == b[i])) return false;
    }
    return true;
  }

 private:
  struct Header {
    std::uint32_t size;
    std::uint32_t capacity;
  };
  // The elements start at the first multiple of alignof(T) past the header.
  static constexpr std::size_t kOffset = (sizeof(Header) + alignof(T) - 1) / alignof(T) * alignof(T);
  static T* elements(Header* h) noexcept {
    return std::launder(reinterpret_cast<T*>(reinterpret_cast<std::byte*>(h) + kOffset));
  }
  static const T* elements(const Header* h) noexcept {
    return std::launder(reinterpret_cast<const T*>(reinterpret_cast<const std::byte*>(h) + kOffset));
  }

  void reallocate(std::size_t cap) {
    void* raw = ::operator new(kOffset + cap * sizeof(T));
    auto* h = ::new (raw) Header{0, static_cast<std::uint32_t>(cap)};
    if (block_ != nullptr) {
      T* from = elements(block_);
      T* to = elements(h);
      for (std::uint32_t i = 0; i < block_->size; ++i) {
        ::new (static_cast<void*>(to + i)) T(std::move(from[i]));
        from[i].~T();
      }
      h->size = block_->size;
      ::operator delete(block_);
    }
    block_ = h;
  }
  void destroy() noexcept {
    if (block_ == nullptr) return;
    T* e = elements(block_);
    for (std::uint32_t i = 0; i < block_->size; ++i) e[i].~T();
    ::operator delete(block_);
    block_ = nullptr;
  }

  Header* block_ = nullptr;
};

}  // namespace vigil::runtime
