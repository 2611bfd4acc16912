#include "vrrp/checksum.h"

namespace vigil::vrrp {

// Sums 32-bit big-endian words into a 64-bit accumulator and folds at the end: since
// 2^16 = 1 (mod 2^16 - 1), that equals the 16-bit one's-complement sum (RFC 1071 §2(B)).
void InternetChecksum::add(std::span<const std::uint8_t> bytes) {
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  for (; n >= 4; p += 4, n -= 4) {
    sum_ += std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
  }
  if (n >= 2) {
    sum_ += static_cast<std::uint32_t>(p[0] << 8 | p[1]);
    p += 2;
    n -= 2;
  }
  if (n == 1) sum_ += static_cast<std::uint32_t>(p[0] << 8);  // pad with a zero byte
}

std::uint16_t InternetChecksum::finish() const {
  std::uint64_t s = sum_;
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<std::uint16_t>(~s & 0xFFFF);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  InternetChecksum c;
  c.add(bytes);
  return c.finish();
}

namespace {

// Sums bytes of a buffer except the 16-bit field at `skip` (an even offset), as if it were zero.
void add_skipping(InternetChecksum& c, std::span<const std::uint8_t> bytes, std::size_t skip) {
  if (bytes.size() <= skip) {
    c.add(bytes);
    return;
  }
  c.add(bytes.first(skip));
  if (bytes.size() > skip + 2) c.add(bytes.subspan(skip + 2));
}

}  // namespace

std::uint16_t vrrp_checksum(Version version, std::span<const std::uint8_t> message,
                            const IpAddress& source, const IpAddress& destination,
                            V3Checksum mode, const IpAddress& group) {
  InternetChecksum c;
  if (version == Version::v3) {
    const auto len = static_cast<std::uint32_t>(message.size());
    if (source.is_v4()) {
      if (mode != V3Checksum::as_v2) {
        const IpAddress& dst = mode == V3Checksum::old_unicast ? group : destination;
        c.add({source.data(), 4});
        c.add({dst.data(), 4});
        c.add_u16(kIpProtoVrrp);  // zero byte, then protocol
        c.add_u16(static_cast<std::uint16_t>(len));
      }
    } else {
      c.add({source.data(), 16});
      c.add({destination.data(), 16});
      c.add_u16(static_cast<std::uint16_t>(len >> 16));
      c.add_u16(static_cast<std::uint16_t>(len & 0xFFFF));
      c.add_u16(kIpProtoVrrp);  // three zero bytes, then next header
    }
  }
  add_skipping(c, message, kChecksumOffset);
  return c.finish();
}

std::uint16_t ipv4_header_checksum(std::span<const std::uint8_t> header) {
  InternetChecksum c;
  add_skipping(c, header, 10);
  return c.finish();
}

}  // namespace vigil::vrrp
