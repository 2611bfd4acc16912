// runtime/channel.h — one VRRP socket pair shared by the instances that speak on the same
// (family, interface, unicast source or multicast group) — keepalived's "sock" (reference §2.6).
//
//   auto ch = Channel::open(key);                   // receiver + sender, non-blocking
//   ch->attach(instance);                           // dispatch by VRID
//   ch->drain([&](RtInstance* in, const net::RecvPacket& p) { ... });  // when readable
//
// Buffers grow with the users (size_buffers). The engine watches rx_fd() with one persistent read task. A drain pass reads at most
// kPacketsPerPass packets (flood mitigation: the socket stays readable and the loop comes back
// after serving everything else); packets for a VRID nobody here runs are counted on the
// channel (vrid_errors) and dropped.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include "event/handle.h"
#include "net/recv_batch.h"
#include "net/vrrp_socket.h"
#include "runtime/rt_instance.h"

namespace vigil::runtime {

struct ChannelKey {
  vrrp::Family family = vrrp::Family::inet;
  int send_ifindex = 0;       // the instance's interface, or its VMAC
  int recv_ifindex = 0;       // the configured interface (a VMAC's parent receives)
  std::optional<vrrp::IpAddress> unicast_source{};  // set = unicast mode
  std::optional<vrrp::IpAddress> source6{};         // IPv6 source (link-local or configured)
  vrrp::IpAddress group{};
  friend bool operator==(const ChannelKey&, const ChannelKey&) = default;
};

class Channel {
 public:
  static constexpr std::size_t kPacketsPerPass = 64;

  static net::Result<std::unique_ptr<Channel>> open(const ChannelKey& key, int rcvbuf = 0);

  const ChannelKey& key() const { return key_; }
  int rx_fd() const { return rx_.fd(); }
  net::VrrpSender& sender() { return tx_; }

  // False if another instance already has this VRID here.
  bool attach(RtInstance& in);
  void detach(RtInstance& in);
  bool empty() const { return users_ == 0; }
  RtInstance* find(vrrp::Vrid vrid) const { return by_vrid_[vrid.value]; }

  // Reads up to kPacketsPerPass packets; on_packet(instance or nullptr, packet).
  template <class F>
  net::Result<net::DrainResult> drain(F&& on_packet) {
    return batch_.drain(rx_.fd(), key_.family, kPacketsPerPass,
                        [&](const net::RecvPacket& p) { on_packet(p); });
  }

  vrrp::RxCounters router_rx{};  // drops before an instance is known (decode, unknown VRID)
  event::TaskHandle read_task;  // watches rx_fd(), except while the engine reads a burst

 private:
  Channel(const ChannelKey& key, net::VrrpReceiver rx, net::VrrpSender tx)
      : key_(key), rx_(std::move(rx)), tx_(std::move(tx)) {}
  void size_buffers();  // SO_RCVBUF/SO_SNDBUF grown with the number of users
  ChannelKey key_;
  net::VrrpReceiver rx_;
  net::VrrpSender tx_;
  net::RecvBatch batch_{32, 2048};
  std::array<RtInstance*, 256> by_vrid_{};
  std::size_t users_ = 0;
  std::size_t buffer_step_ = 0;  // users/64 the buffers were last sized for
};

}  // namespace vigil::runtime
