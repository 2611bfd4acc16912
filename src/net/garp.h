// net/garp.h — gratuitous ARP and unsolicited neighbour advertisement, as keepalived sends them.
//
// The frames are built byte for byte like keepalived 2.2.7's (shared/captures/README.md):
//   GARP: Ethernet broadcast, ARP *request* (op 1), sender = target = VIP, sender MAC = interface
//         (or VMAC) MAC, target MAC ff:ff:ff:ff:ff:ff. 42 bytes.
//   NA:   Ethernet 33:33:00:00:00:01, IPv6 src = the VIP itself, dst ff02::1, hop limit 255,
//         traffic class 0, flow label 0; ICMPv6 136 with Override set, Solicited clear, Router =
//         net.ipv6.conf.<if>.forwarding; option 2 (target link-layer address) = the MAC. 86 bytes.
// Both leave on an AF_PACKET socket so the source MAC and the NA's source address (a VIP that
// may not be usable as a source yet) are exactly what we wrote — an ICMPv6 raw socket would let
// the kernel pick the source and the flow label.
//
//   auto tx = GarpSender::open(ifindex, mac);     // once per interface/VMAC
//   tx->send_garp(vip4);  tx->send_na(vip6, ipv6_forwarding(ifname).value_or(false));
//   tx->send_frames(frames, results);             // a burst: frames built by build_*_frame
//
// Repeat counts, delays and rate limiting are the daemon's job (reference §4.11).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "net/fd.h"
#include "net/result.h"
#include "vrrp/types.h"

namespace vigil::net {

using Mac = std::array<std::uint8_t, 6>;

inline constexpr std::size_t kGarpFrameSize = 42;
inline constexpr std::size_t kNaFrameSize = 86;

std::array<std::uint8_t, kGarpFrameSize> build_garp_frame(const Mac& mac, const vrrp::IpAddress& vip4);
std::array<std::uint8_t, kNaFrameSize> build_na_frame(const Mac& mac, const vrrp::IpAddress& vip6,
                                                      bool router);

class GarpSender {
 public:
  // A send-only packet socket on `ifindex`; `mac` is the source (interface or VMAC MAC).
  static Result<GarpSender> open(int ifindex, const Mac& mac);
  int fd() const { return fd_.get(); }
  Status send_garp(const vrrp::IpAddress& vip4);
  Status send_na(const vrrp::IpAddress& vip6, bool router);
  // Several ready-built frames (each starting with its Ethernet header) with sendmmsg; the
  // destination MAC of each is its own. results[i] is frame i's outcome (results.size() ≥ frames).
  void send_frames(std::span<const std::span<const std::uint8_t>> frames, std::span<Status> results);

 private:
  GarpSender(Fd fd, int ifindex, const Mac& mac) : fd_(std::move(fd)), ifindex_(ifindex), mac_(mac) {}
  Status send_frame(std::span<const std::uint8_t> frame);
  Fd fd_;
  int ifindex_;
  Mac mac_;
};

}  // namespace vigil::net
