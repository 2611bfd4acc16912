#include "advert_capture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace vigil::daemon::test {

AdvertCapture::AdvertCapture(const std::string& netns, const std::string& ifname) {
  const int here = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int there = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
  if (here >= 0 && there >= 0 && ::setns(there, CLONE_NEWNET) == 0) {
    fd_ = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_IP));
    sockaddr_ll sa{};
    sa.sll_family = AF_PACKET;
    sa.sll_protocol = htons(ETH_P_IP);
    sa.sll_ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
    const int on = 1;
    const int big = 4 << 20;
    if (fd_ >= 0 && (sa.sll_ifindex == 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
                     ::setsockopt(fd_, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0)) {
      ::close(fd_);
      fd_ = -1;
    }
    if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    (void)::setns(here, CLONE_NEWNET);
  }
  if (here >= 0) ::close(here);
  if (there >= 0) ::close(there);
}

AdvertCapture::~AdvertCapture() {
  if (fd_ >= 0) ::close(fd_);
}

void AdvertCapture::poll() {
  if (fd_ < 0) return;
  for (;;) {
    unsigned char pkt[2048];
    alignas(cmsghdr) char ctrl[256];
    iovec iov{pkt, sizeof pkt};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl;
    msg.msg_controllen = sizeof ctrl;
    const ssize_t n = ::recvmsg(fd_, &msg, 0);
    if (n <= 0) return;
    // IPv4 header: protocol at 9, header length in the low nibble of byte 0; VRRP's VRID is the
    // second byte of its header.
    if (n < 22 || pkt[9] != 112) continue;
    const std::size_t ihl = static_cast<std::size_t>(pkt[0] & 0x0f) * 4;
    if (static_cast<std::size_t>(n) < ihl + 2) continue;
    const int vrid = pkt[ihl + 1];
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        seen_.emplace_back(vrid, std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
      }
    }
  }
}

const std::vector<std::chrono::nanoseconds>& AdvertCapture::times(int vrid) {
  poll();
  out_.clear();
  for (const auto& [v, t] : seen_) {
    if (v == vrid) out_.push_back(t);
  }
  return out_;
}

std::chrono::nanoseconds AdvertCapture::max_gap(int vrid) {
  const auto& t = times(vrid);
  std::chrono::nanoseconds gap{0};
  for (std::size_t i = 1; i < t.size(); ++i) gap = std::max(gap, t[i] - t[i - 1]);
  return gap;
}

}  // namespace vigil::daemon::test
