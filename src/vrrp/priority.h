// vrrp/priority.h — effective priority from the base priority and tracker weights (reference §4.5).
#pragma once

#include <algorithm>
#include <cstdint>

#include "vrrp/types.h"

namespace vigil::vrrp {

// effective = clamp(base + Σ weights, 1, 254); an address owner (255) ignores weights entirely.
// RFC 5798 §5.2.4: 255 is reserved for the owner, 0 for "master stopping", so a weighted
// non-owner can never reach either.
constexpr Priority effective_priority(Priority base, std::int32_t weight_total) {
  if (base.is_owner()) return base;
  const std::int64_t total = static_cast<std::int64_t>(base.value) + weight_total;
  return Priority{static_cast<std::uint8_t>(std::clamp<std::int64_t>(total, 1, 254))};
}

}  // namespace vigil::vrrp
