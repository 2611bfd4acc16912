// Building adverts (and the IPv4 header keepalived puts in front of them) into caller buffers.
#include <cstring>

#include "vrrp/packet.h"

namespace vigil::vrrp {

namespace {

void store16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v & 0xFF);
}

std::optional<EncodeError> check_fields(const AdvertFields& f) {
  if (f.addresses.size() > kMaxAddresses) return EncodeError::too_many_addresses;
  for (const IpAddress& a : f.addresses) {
    if (a.family() != f.family) return EncodeError::family_mismatch;
  }
  const auto cs = f.interval.count();
  if (f.version == Version::v2) {
    if (f.family != Family::inet || f.auth_type == AuthType::ah) return EncodeError::unsupported;
    if (cs % 100 != 0 || cs < 100 || cs > 255 * 100) return EncodeError::bad_interval;
  } else {
    if (f.auth_type != AuthType::none) return EncodeError::unsupported;
    if (cs < 1 || cs > 0x0FFF) return EncodeError::bad_interval;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(EncodeError e) {
  switch (e) {
    case EncodeError::buffer_too_small: return "buffer too small";
    case EncodeError::too_many_addresses: return "more than 255 addresses";
    case EncodeError::family_mismatch: return "address family mismatch";
    case EncodeError::bad_interval: return "advert interval not representable";
    case EncodeError::unsupported: return "unsupported version/auth combination";
  }
  return "unknown encode error";
}

Expected<std::size_t, EncodeError> encode(const AdvertFields& f, const IpAddress& source,
                                               const IpAddress& destination,
                                               const ChecksumRule& rule,
                                               std::span<std::uint8_t> out) {
  if (auto err = check_fields(f)) return unexpected(*err);
  if (source.family() != f.family || destination.family() != f.family) {
    return unexpected(EncodeError::family_mismatch);
  }
  const std::size_t size = message_size(f.version, f.family, f.addresses.size());
  if (out.size() < size) return unexpected(EncodeError::buffer_too_small);

  WireHeader h{};
  h.version_type = static_cast<std::uint8_t>(static_cast<unsigned>(f.version) << 4 |
                                             kTypeAdvertisement);
  h.vrid = f.vrid.value;
  h.priority = f.priority.value;
  h.count = static_cast<std::uint8_t>(f.addresses.size());
  const auto cs = static_cast<unsigned>(f.interval.count());
  if (f.version == Version::v2) {
    h.word1_hi = static_cast<std::uint8_t>(f.auth_type);
    h.word1_lo = static_cast<std::uint8_t>(cs / 100);
  } else {
    h.word1_hi = static_cast<std::uint8_t>(cs >> 8);  // reserved bits stay 0
    h.word1_lo = static_cast<std::uint8_t>(cs & 0xFF);
  }
  std::uint8_t* p = out.data();
  std::memcpy(p, &h, sizeof h);
  p += sizeof h;
  for (const IpAddress& a : f.addresses) {
    std::memcpy(p, a.data(), a.size());
    p += a.size();
  }
  if (f.version == Version::v2) {
    if (f.auth_type == AuthType::pass) {
      std::memcpy(p, f.auth_data.data(), kAuthDataSize);
    } else {
      std::memset(p, 0, kAuthDataSize);
    }
  }
  const IpAddress group = rule.group.value_or(IpAddress::vrrp_group(f.family));
  const std::uint16_t sum =
      vrrp_checksum(f.version, out.first(size), source, destination, rule.mode, group);
  store16(out.data() + kChecksumOffset, sum);
  return size;
}

Expected<std::size_t, EncodeError> encode_ipv4(const AdvertFields& f, const Ipv4Fields& ip,
                                                    const ChecksumRule& rule,
                                                    std::span<std::uint8_t> out) {
  if (f.family != Family::inet) return unexpected(EncodeError::family_mismatch);
  if (out.size() < kIpv4HeaderSize) return unexpected(EncodeError::buffer_too_small);
  auto body = encode(f, ip.source, ip.destination, rule, out.subspan(kIpv4HeaderSize));
  if (!body) return body;
  const std::size_t total = kIpv4HeaderSize + *body;

  WireIpv4Header h{};
  h.version_ihl = 0x45;
  h.tos = ip.tos;
  store16(h.total_length, static_cast<std::uint16_t>(total));
  store16(h.id, ip.id);
  h.ttl = ip.ttl;
  h.protocol = kIpProtoVrrp;
  std::memcpy(h.source, ip.source.data(), 4);
  std::memcpy(h.destination, ip.destination.data(), 4);
  std::memcpy(out.data(), &h, sizeof h);
  store16(out.data() + 10, ipv4_header_checksum(out.first(kIpv4HeaderSize)));
  return total;
}

}  // namespace vigil::vrrp
