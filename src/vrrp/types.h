// vrrp/types.h — the typed values every part of the VRRP engine speaks in.
//
// Pure data, no syscalls. Priorities, VRIDs and intervals are distinct types so a priority can
// never be passed where a VRID is expected; durations are std::chrono, never raw integers.
// Time is a std::chrono::steady_clock::time_point supplied by the caller (CLOCK_MONOTONIC in the
// daemon, a manual clock in tests): nothing in src/vrrp reads a clock.
#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::vrrp {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::microseconds;       // keepalived's internal unit is usec
using Centiseconds = std::chrono::duration<std::int64_t, std::centi>;  // VRRPv3 interval unit

enum class Version : std::uint8_t { v2 = 2, v3 = 3 };
enum class Family : std::uint8_t { inet = 4, inet6 = 6 };

// Virtual router identifier, 1..255 on the wire (0 never valid).
struct Vrid {
  std::uint8_t value = 0;
  friend constexpr auto operator<=>(Vrid, Vrid) = default;
};

// VRRP priority: 0 = master is stopping, 1..254 = backup-capable, 255 = address owner.
struct Priority {
  std::uint8_t value = 0;
  static constexpr std::uint8_t kStop = 0;
  static constexpr std::uint8_t kDefault = 100;
  static constexpr std::uint8_t kOwner = 255;
  constexpr bool is_owner() const { return value == kOwner; }
  constexpr bool is_stop() const { return value == kStop; }
  friend constexpr auto operator<=>(Priority, Priority) = default;
};

enum class AuthType : std::uint8_t { none = 0, pass = 1, ah = 2 };

// An IPv4 or IPv6 address held in network byte order. Ordering is numeric on the bytes, which is
// what RFC 5798 §6.4.3's "primary IP address is greater" comparison means.
class IpAddress {
 public:
  constexpr IpAddress() = default;
  static IpAddress v4(std::array<std::uint8_t, 4> b);
  static IpAddress v6(const std::array<std::uint8_t, 16>& b);
  // Copies 4 (inet) or 16 (inet6) bytes in network order, e.g. straight from a packet.
  static IpAddress from_bytes(Family family, const std::uint8_t* bytes);
  // The VRRP multicast group: 224.0.0.18 or ff02::12 (RFC 5798 §5.1.1.2 / §5.1.2.2).
  static IpAddress vrrp_group(Family family);
  // Parses dotted-quad or RFC 4291 text; nullopt if it is neither.
  static std::optional<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::inet; }
  std::size_t size() const { return is_v4() ? 4 : 16; }
  const std::uint8_t* data() const { return bytes_.data(); }
  bool is_multicast() const;
  bool is_link_local() const;  // fe80::/10 or 169.254/16
  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::inet;
  std::array<std::uint8_t, 16> bytes_{};  // IPv4 uses the first 4 bytes, the rest stay zero
};

}  // namespace vigil::vrrp
