#include "vrrp/types.h"

#include <arpa/inet.h>  // inet_pton/inet_ntop: pure text conversion, no kernel call

#include <algorithm>

namespace vigil::vrrp {

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> b) {
  IpAddress a;
  a.family_ = Family::inet;
  std::copy(b.begin(), b.end(), a.bytes_.begin());
  return a;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& b) {
  IpAddress a;
  a.family_ = Family::inet6;
  a.bytes_ = b;
  return a;
}

IpAddress IpAddress::from_bytes(Family family, const std::uint8_t* bytes) {
  IpAddress a;
  a.family_ = family;
  // Two constant-length copies rather than one of a run-time length: this runs per received
  // advert (source, destination, each address looked at) and the compiler inlines these.
  if (family == Family::inet) {
    std::copy(bytes, bytes + 4, a.bytes_.begin());
  } else {
    std::copy(bytes, bytes + 16, a.bytes_.begin());
  }
  return a;
}

IpAddress IpAddress::vrrp_group(Family family) {
  if (family == Family::inet) return v4({224, 0, 0, 18});
  std::array<std::uint8_t, 16> b{};
  b[0] = 0xFF;
  b[1] = 0x02;
  b[15] = 0x12;
  return v6(b);
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::copy(text.begin(), text.end(), buf);
  std::array<std::uint8_t, 4> b4{};
  if (inet_pton(AF_INET, buf, b4.data()) == 1) return v4(b4);
  std::array<std::uint8_t, 16> b6{};
  if (inet_pton(AF_INET6, buf, b6.data()) == 1) return v6(b6);
  return std::nullopt;
}

bool IpAddress::is_multicast() const {
  return is_v4() ? (bytes_[0] & 0xF0) == 0xE0 : bytes_[0] == 0xFF;
}

bool IpAddress::is_link_local() const {
  return is_v4() ? (bytes_[0] == 169 && bytes_[1] == 254)
                 : (bytes_[0] == 0xFE && (bytes_[1] & 0xC0) == 0x80);
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

}  // namespace vigil::vrrp
