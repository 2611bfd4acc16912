// codec_pcap.h — a tiny pcap (libpcap classic format) reader/writer for the codec tests, and a
// splitter that finds VRRP packets in Ethernet frames.
//
// File format: a 24-byte global header (magic, version, zone, sigfigs, snaplen, linktype), then
// per packet a 16-byte record header (ts_sec, ts_usec, incl_len, orig_len) and incl_len bytes.
// The magic tells the byte order (and micro- vs nanosecond stamps, which we do not need).
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "vrrp/types.h"

namespace vigil::vrrp::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Pcap {
  std::uint32_t linktype = 0;
  std::vector<Bytes> frames;
};

inline std::uint32_t load32(const std::uint8_t* p, bool big_endian) {
  return big_endian ? (std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 |
                       std::uint32_t{p[2]} << 8 | p[3])
                    : (std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 |
                       std::uint32_t{p[1]} << 8 | p[0]);
}

inline Pcap parse_pcap(const Bytes& file) {
  if (file.size() < 24) throw std::runtime_error("pcap: short global header");
  const std::uint32_t magic_le = load32(file.data(), false);
  bool big = false;
  if (magic_le == 0xa1b2c3d4 || magic_le == 0xa1b23c4d) {
    big = false;
  } else if (load32(file.data(), true) == 0xa1b2c3d4 || load32(file.data(), true) == 0xa1b23c4d) {
    big = true;
  } else {
    throw std::runtime_error("pcap: bad magic");
  }
  Pcap p;
  p.linktype = load32(file.data() + 20, big);
  std::size_t off = 24;
  while (off + 16 <= file.size()) {
    const std::uint32_t incl = load32(file.data() + off + 8, big);
    off += 16;
    if (off + incl > file.size()) throw std::runtime_error("pcap: truncated record");
    p.frames.emplace_back(file.begin() + static_cast<std::ptrdiff_t>(off),
                          file.begin() + static_cast<std::ptrdiff_t>(off + incl));
    off += incl;
  }
  return p;
}

inline void put32le(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// A pcap file (microsecond stamps, little endian, Ethernet) holding the given frames.
inline Bytes write_pcap(const std::vector<Bytes>& frames) {
  Bytes out;
  put32le(out, 0xa1b2c3d4);
  put32le(out, 2 | (4u << 16));  // version 2.4
  put32le(out, 0);
  put32le(out, 0);
  put32le(out, 65535);
  put32le(out, 1);               // LINKTYPE_ETHERNET
  std::uint32_t t = 0;
  for (const Bytes& f : frames) {
    put32le(out, ++t);
    put32le(out, 0);
    put32le(out, static_cast<std::uint32_t>(f.size()));
    put32le(out, static_cast<std::uint32_t>(f.size()));
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

// One VRRP packet found in an Ethernet frame.
struct VrrpFrame {
  Family family = Family::inet;
  std::span<const std::uint8_t> ip_packet;  // IPv4: header + payload (exactly Total Length)
  std::span<const std::uint8_t> message;    // the VRRP message
  IpAddress source;
  IpAddress destination;
  std::uint8_t ttl = 0;                     // TTL or hop limit
};

// Returns the VRRP packet carried by an Ethernet frame, if it carries one (IPv4 protocol 112,
// or IPv6 next header 112 without extension headers).
inline std::optional<VrrpFrame> vrrp_in_frame(const Bytes& frame) {
  if (frame.size() < 14) return std::nullopt;
  const unsigned ethertype = frame[12] << 8 | frame[13];
  std::span<const std::uint8_t> ip(frame.data() + 14, frame.size() - 14);
  VrrpFrame v;
  if (ethertype == 0x0800 && ip.size() >= 20 && ip[9] == 112) {
    const std::size_t ihl = (ip[0] & 0x0F) * 4u;
    const std::size_t total = ip[2] << 8 | ip[3];
    v.family = Family::inet;
    v.ip_packet = ip.first(total);
    v.message = ip.subspan(ihl, total - ihl);
    v.source = IpAddress::from_bytes(Family::inet, ip.data() + 12);
    v.destination = IpAddress::from_bytes(Family::inet, ip.data() + 16);
    v.ttl = ip[8];
    return v;
  }
  if (ethertype == 0x86DD && ip.size() >= 40 && ip[6] == 112) {
    const std::size_t len = ip[4] << 8 | ip[5];
    v.family = Family::inet6;
    v.ip_packet = ip.first(40 + len);
    v.message = ip.subspan(40, len);
    v.source = IpAddress::from_bytes(Family::inet6, ip.data() + 8);
    v.destination = IpAddress::from_bytes(Family::inet6, ip.data() + 24);
    v.ttl = ip[7];
    return v;
  }
  return std::nullopt;
}

inline Bytes from_hex(std::string_view hex) {
  Bytes out;
  int hi = -1;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;  // spaces and separators
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

}  // namespace vigil::vrrp::testing
