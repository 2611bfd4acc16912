// track/contribution.cc — the contribution rules (table in contribution.h).
#include "track/contribution.h"

#include <algorithm>

namespace vigil::track {

Contribution up_down_contribution(std::int32_t weight, bool reverse, Health health) {
  if (health == Health::unknown) return Contribution{.pending = weight == 0};
  const bool up = health == Health::up;
  if (weight == 0) return Contribution{.fault = reverse ? up : !up};
  const std::int32_t w = reverse ? -weight : weight;
  if (weight > 0) return Contribution{.delta = up ? w : 0};
  return Contribution{.delta = up ? 0 : w};
}

Contribution file_contribution(std::int64_t value, std::int64_t weight, bool reverse) {
  if (weight == 0) return Contribution{.fault = value != 0};
  // Both factors are brought into ±2^31 first, so the product cannot overflow 64 bits.
  constexpr std::int64_t kLim = 2147483647;
  const std::int64_t v = std::clamp(value, -kLim, kLim);
  const std::int64_t w = std::clamp(weight, -kLim, kLim);
  const std::int64_t product = v * w * (reverse ? -1 : 1);
  if (product <= -254) return Contribution{.fault = true};
  return Contribution{.delta = static_cast<std::int32_t>(std::min<std::int64_t>(product, 253))};
}

}  // namespace vigil::track
