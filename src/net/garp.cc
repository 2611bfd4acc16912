#include "net/garp.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vigil::net {
namespace {

constexpr Mac kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr Mac kAllNodesMac = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};

template <std::size_t N>
class Writer {
 public:
  explicit Writer(std::array<std::uint8_t, N>& out) : out_(out) {}
  void bytes(const std::uint8_t* p, std::size_t n) {
    std::memcpy(out_.data() + pos_, p, n);
    pos_ += n;
  }
  template <std::size_t M>
  void bytes(const std::array<std::uint8_t, M>& a) { bytes(a.data(), M); }
  void u8(std::uint8_t v) { out_[pos_++] = v; }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void addr(const vrrp::IpAddress& a) { bytes(a.data(), a.size()); }

 private:
  std::array<std::uint8_t, N>& out_;
  std::size_t pos_ = 0;
};

std::uint32_t add16(std::uint32_t acc, const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i + 1 < n; i += 2) acc += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) acc += static_cast<std::uint32_t>(p[n - 1] << 8);
  return acc;
}

std::uint16_t fold(std::uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc);
}

vrrp::IpAddress all_nodes() {
  return vrrp::IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
}

}  // namespace

// RFC 826 / RFC 5227 §3 announcement layout, request form (what keepalived sends).
std::array<std::uint8_t, kGarpFrameSize> build_garp_frame(const Mac& mac, const vrrp::IpAddress& vip4) {
  std::array<std::uint8_t, kGarpFrameSize> f{};
  Writer w(f);
  w.bytes(kBroadcast);     // Ethernet destination
  w.bytes(mac);            // Ethernet source
  w.u16(ETH_P_ARP);
  w.u16(1);                // hardware type: Ethernet
  w.u16(ETH_P_IP);         // protocol type
  w.u8(6);                 // hardware size
  w.u8(4);                 // protocol size
  w.u16(1);                // opcode: request
  w.bytes(mac);            // sender MAC
  w.addr(vip4);            // sender IP
  w.bytes(kBroadcast);     // target MAC (keepalived: all ones, not zeros)
  w.addr(vip4);            // target IP
  return f;
}

// RFC 4861 §4.4 / §7.2.6 unsolicited neighbour advertisement.
std::array<std::uint8_t, kNaFrameSize> build_na_frame(const Mac& mac, const vrrp::IpAddress& vip6, bool router) {
  constexpr std::uint16_t kIcmpLen = 24 + 8;  // NA + target link-layer option
  std::array<std::uint8_t, kNaFrameSize> f{};
  Writer w(f);
  w.bytes(kAllNodesMac);
  w.bytes(mac);
  w.u16(ETH_P_IPV6);
  w.u32(0x60000000);        // version 6, traffic class 0, flow label 0
  w.u16(kIcmpLen);          // payload length
  w.u8(58);                 // next header: ICMPv6
  w.u8(255);                // hop limit (RFC 4861 requires 255)
  w.addr(vip6);             // source: the VIP
  w.addr(all_nodes());      // destination ff02::1
  w.u8(136);                // type: neighbour advertisement
  w.u8(0);                  // code
  w.u16(0);                 // checksum, filled below
  w.u32((router ? 0x80000000u : 0u) | 0x20000000u);  // R, S=0, O=1
  w.addr(vip6);             // target address
  w.u8(2);                  // option: target link-layer address
  w.u8(1);                  // length in units of 8 bytes
  w.bytes(mac);
  // ICMPv6 checksum over the pseudo-header {src, dst, length, next header} and the message.
  constexpr std::size_t kIcmp = 14 + 40;
  std::uint32_t acc = add16(0, f.data() + 14 + 8, 32);  // src + dst
  acc += kIcmpLen;
  acc += 58;
  acc = add16(acc, f.data() + kIcmp, kIcmpLen);
  std::uint16_t sum = fold(acc);
  f[kIcmp + 2] = static_cast<std::uint8_t>(sum >> 8);
  f[kIcmp + 3] = static_cast<std::uint8_t>(sum);
  return f;
}

Result<GarpSender> GarpSender::open(int ifindex, const Mac& mac) {
  if (ifindex <= 0) return make_error(EINVAL, "GARP socket: no interface index");
  // Protocol 0: the socket receives nothing, it only sends.
  Fd fd{::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (!fd) return errno_error("socket(AF_PACKET)");
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = ifindex;
  sll.sll_protocol = 0;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sll), sizeof sll) != 0) {
    return errno_error(fmt::format("bind(AF_PACKET, ifindex {})", ifindex));
  }
  return GarpSender(std::move(fd), ifindex, mac);
}

Status GarpSender::send_frame(std::span<const std::uint8_t> frame) {
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = ifindex_;
  sll.sll_halen = 6;
  std::memcpy(sll.sll_addr, frame.data(), 6);
  ssize_t n = ::sendto(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT,
                       reinterpret_cast<const sockaddr*>(&sll), sizeof sll);
  if (n < 0) return errno_error(fmt::format("sendto(AF_PACKET, ifindex {})", ifindex_));
  return {};
}

void GarpSender::send_frames(std::span<const std::span<const std::uint8_t>> frames, std::span<Status> results) {
  constexpr std::size_t kMax = 16;
  std::array<sockaddr_ll, kMax> to{};
  std::array<iovec, kMax> iov{};
  std::array<mmsghdr, kMax> msgs{};
  std::size_t done = 0;
  while (done < frames.size()) {
    const std::size_t n = std::min(kMax, frames.size() - done);
    for (std::size_t i = 0; i < n; ++i) {
      const auto frame = frames[done + i];
      to[i] = sockaddr_ll{};
      to[i].sll_family = AF_PACKET;
      to[i].sll_ifindex = ifindex_;
      to[i].sll_halen = 6;
      std::memcpy(to[i].sll_addr, frame.data(), 6);
      iov[i] = iovec{const_cast<std::uint8_t*>(frame.data()), frame.size()};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_name = &to[i];
      msgs[i].msg_hdr.msg_namelen = sizeof to[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(fd_.get(), msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
    if (sent <= 0) {  // the first frame failed: record it, carry on with the next
      results[done] = errno_error(fmt::format("sendmmsg(AF_PACKET, ifindex {})", ifindex_));
      ++done;
      continue;
    }
    for (int i = 0; i < sent; ++i) results[done + static_cast<std::size_t>(i)] = Status{};
    done += static_cast<std::size_t>(sent);
  }
}

Status GarpSender::send_garp(const vrrp::IpAddress& vip4) {
  if (!vip4.is_v4()) return make_error(EINVAL, "GARP for a non-IPv4 address");
  auto f = build_garp_frame(mac_, vip4);
  return send_frame(f);
}

Status GarpSender::send_na(const vrrp::IpAddress& vip6, bool router) {
  if (vip6.is_v4()) return make_error(EINVAL, "NA for a non-IPv6 address");
  auto f = build_na_frame(mac_, vip6, router);
  return send_frame(f);
}

}  // namespace vigil::net
