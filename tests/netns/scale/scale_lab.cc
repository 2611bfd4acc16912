// tests/netns/scale/scale_lab.cc — the lab (scale_lab.h): configuration, topology and VIP
// counting. The daemons are in scale_daemon.cc, the wire capture in wire_capture.cc.
#include "scale_lab.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "net/interfaces.h"
#include "net/netlink.h"

namespace vigil::testing::scale {

std::string scale_config(const Workload& w, int priority, const std::string& router_id) {
  std::string out = fmt::format("global_defs {{\n  router_id {}\n}}\n", router_id);
  const double advert_s = w.interval_ms / 1000.0;
  int made = 0;
  for (int k = 0; k < w.ifaces && made < w.instances; ++k) {
    for (int v = 1; v <= w.per_iface() && made < w.instances; ++v, ++made) {
      out += fmt::format(
          "vrrp_instance VI_{0}_{1} {{\n  state BACKUP\n  interface eth{0}\n  virtual_router_id {1}\n"
          "  priority {2}\n  advert_int {3}\n  version 3\n  virtual_ipaddress {{\n    10.{4}.1.{1}/16\n  }}\n}}\n",
          k, v, priority, advert_s, 100 + k);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
ScaleLab::ScaleLab(const std::string& prefix, int ifaces) : topo_(prefix, {"a", "b"}), ifaces_(ifaces) {
  const std::string sw = topo_.bridge_ns();
  // A switch does not run iptables on the frames it bridges. With br_netfilter loaded on the host
  // the bridge would (bridge-nf-call-*, per namespace), and that per-frame work runs in the
  // sender's softirq — charged to the daemon that sent the frame, for both daemons alike.
  sh(fmt::format("ip netns exec {} sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-iptables "
                 "/proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables; "
                 "do [ -e $f ] && echo 0 > $f; done; true'", sw));
  for (int k = 1; k < ifaces; ++k) {
    sh(fmt::format("ip -n {0} link add br{1} type bridge stp_state 0 forward_delay 0 mcast_snooping 0 && "
                   "ip -n {0} link set br{1} up", sw, k));
  }
  for (const char* role : {"a", "b"}) {
    const auto& n = topo_.node(role);
    for (int k = 1; k < ifaces; ++k) {
      sh(fmt::format("ip -n {0} link add eth{1} type veth peer name {2}{1} netns {3} && "
                     "ip -n {3} link set {2}{1} master br{1} up && ip -n {0} link set eth{1} up",
                     n.ns, k, role, sw));
    }
    for (int k = 0; k < ifaces; ++k) sh(fmt::format("ip -n {} addr add 10.{}.0.{}/16 dev eth{}", n.ns, 100 + k, n.index, k));
  }
  // Links come up through the kernel's linkwatch (≤ 1 s per round, slower under load): 10 s.
  bool ok = wait_until([&] {
    for (const char* role : {"a", "b"}) {
      for (int k = 1; k < ifaces; ++k) {
        std::string port = run(fmt::format("ip -n {} -d -o link show dev {}{}", sw, role, k)).out;
        if (port.find(" state UP ") == std::string::npos || port.find(" state forwarding ") == std::string::npos) {
          return false;
        }
        if (run(topo_.node(role).exec(fmt::format("ip -o link show dev eth{}", k))).out.find(" state UP ") ==
            std::string::npos) {
          return false;
        }
      }
    }
    return true;
  }, std::chrono::seconds(10));
  if (!ok) throw std::runtime_error("ScaleLab: links did not come up within 10 s");
}

void ScaleLab::flush_vips() {
  for (const char* role : {"a", "b"}) {
    for (int k = 0; k < ifaces_; ++k) {
      run(topo_.node(role).exec(fmt::format("ip addr flush dev eth{} to 10.{}.1.0/24", k, 100 + k)));
    }
  }
}

int ScaleLab::vip_count(const std::string& role) {
  NetnsScope in(topo_.node(role).ns);
  auto nl = net::Netlink::open();
  if (!nl) return -1;
  int count = 0;
  for (int k = 0; k < ifaces_; ++k) {
    auto idx = net::ifindex_of(*nl, fmt::format("eth{}", k));
    if (!idx) return -1;
    auto addrs = net::addresses_of(*nl, *idx, 0);
    if (!addrs) return -1;
    const std::string prefix = fmt::format("10.{}.1.", 100 + k);
    for (const auto& a : *addrs) {
      if (a.address.to_string().rfind(prefix, 0) == 0) ++count;
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
namespace {
bool is_vip(std::uint32_t a) { return (a >> 24) == 10 && ((a >> 16) & 0xff) >= 100 && ((a >> 8) & 0xff) == 1; }
}  // namespace

VipWatch::VipWatch(ScaleLab& lab, const std::string& role) {
  {
    NetnsScope in(lab.node(role).ns);
    fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd_ < 0) throw std::runtime_error("VipWatch: socket");
    int big = 8 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_IPV4_IFADDR;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) throw std::runtime_error("VipWatch: bind");
    // Subscribed first, then one dump: an address added in between is seen twice (a set).
    struct {
      nlmsghdr h;
      ifaddrmsg m;
    } req{};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = RTM_GETADDR;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = 1;
    req.m.ifa_family = AF_INET;
    if (::send(fd_, &req, sizeof req, 0) < 0) throw std::runtime_error("VipWatch: dump");
  }
  read_events(200);  // the dump's answer (and any early events)
  first_added_.reset();  // VIPs the dump listed were not added since the watch began
}

VipWatch::~VipWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void VipWatch::read_events(int timeout_ms) {
  std::vector<char> buf(1 << 16);
  pollfd p{fd_, POLLIN, 0};
  while (::poll(&p, 1, timeout_ms) > 0) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) return;
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, static_cast<unsigned>(n)); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) continue;
      auto* m = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
      int len = static_cast<int>(IFA_PAYLOAD(h));
      for (auto* a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type != IFA_LOCAL || RTA_PAYLOAD(a) != 4) continue;
        std::uint32_t v;
        std::memcpy(&v, RTA_DATA(a), 4);
        v = ntohl(v);
        if (!is_vip(v)) continue;
        if (h->nlmsg_type == RTM_NEWADDR) {
          if (present_.insert(v).second && !first_added_) first_added_ = std::chrono::steady_clock::now();
        } else {
          present_.erase(v);
        }
      }
    }
    timeout_ms = 0;  // drain what is queued, then return
  }
}

bool VipWatch::wait_for(int count, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (static_cast<int>(present_.size()) != count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    read_events(static_cast<int>(std::min<long>(left.count(), 50)));
  }
  return true;
}

}  // namespace vigil::testing::scale
