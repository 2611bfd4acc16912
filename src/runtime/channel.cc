#include "runtime/channel.h"

#include <sys/socket.h>

#include <tuple>

namespace vigil::runtime {

net::Result<std::unique_ptr<Channel>> Channel::open(const ChannelKey& key, int rcvbuf) {
  net::VrrpSocketOptions rx_opts{.family = key.family,
                                 .ifindex = key.recv_ifindex,
                                 .group = key.group,
                                 .unicast_source = key.unicast_source,
                                 .rcvbuf = rcvbuf,
                                 // TTL and destination come from the IPv4 header we read
                                 .ipv4_packet_info = false};
  auto rx = net::VrrpReceiver::open(rx_opts);
  if (!rx) return rx.error();
  net::VrrpSocketOptions tx_opts{.family = key.family,
                                 .ifindex = key.send_ifindex,
                                 .group = key.group,
                                 .unicast_source = key.unicast_source,
                                 .source6 = key.source6};
  auto tx = net::VrrpSender::open(tx_opts);
  if (!tx) return tx.error();
  return std::unique_ptr<Channel>(new Channel(key, std::move(*rx), std::move(*tx)));
}

bool Channel::attach(RtInstance& in) {
  RtInstance*& slot = by_vrid_[in.key.vrid];
  if (slot != nullptr && slot != &in) return false;
  if (slot == nullptr) ++users_;
  slot = &in;
  in.channel = this;
  size_buffers();
  return true;
}

// Socket buffers sized to the instances sharing them: every user may have an advert (and, in a
// mass failover, a priority-0 advert) queued at once, and the send side takes a whole pass's
// adverts in one sendmmsg. kBytesPerUser covers a small advert's kernel truesize with room
// for two per instance; below the kernel's defaults nothing is changed. SO_*BUFFORCE (the daemon
// has CAP_NET_ADMIN) passes net.core.[rw]mem_max; without the capability the plain option caps
// at the sysctl. Grown in steps of 64 users, never shrunk.
void Channel::size_buffers() {
  constexpr std::size_t kBytesPerUser = 4096, kStep = 64;
  const std::size_t step = (users_ + kStep - 1) / kStep;
  if (step <= buffer_step_) return;
  buffer_step_ = step;
  const int bytes = static_cast<int>(step * kStep * kBytesPerUser);
  for (auto [fd, force, plain] : {std::tuple{rx_.fd(), SO_RCVBUFFORCE, SO_RCVBUF},
                                  std::tuple{tx_.fd(), SO_SNDBUFFORCE, SO_SNDBUF}}) {
    int current = 0;
    socklen_t len = sizeof current;
    if (::getsockopt(fd, SOL_SOCKET, plain, &current, &len) == 0 && current >= 2 * bytes) continue;
    if (::setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) != 0) {
      ::setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof bytes);
    }
  }
}

void Channel::detach(RtInstance& in) {
  RtInstance*& slot = by_vrid_[in.key.vrid];
  if (slot == &in) {
    slot = nullptr;
    --users_;
  }
  in.channel = nullptr;
}

}  // namespace vigil::runtime
