#include "runtime/channel.h"

namespace vigil::runtime {

net::Result<std::unique_ptr<Channel>> Channel::open(const ChannelKey& key, int rcvbuf) {
  net::VrrpSocketOptions rx_opts{.family = key.family,
                                 .ifindex = key.recv_ifindex,
                                 .group = key.group,
                                 .unicast_source = key.unicast_source,
                                 .rcvbuf = rcvbuf};
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
  return true;
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
