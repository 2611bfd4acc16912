// net/netlink_monitor.h — follow link and address changes (RTMGRP_LINK, IPV4_IFADDR, IPV6_IFADDR),
// and optionally routes and rules (for tracked virtual routes/rules, reference §4.10).
//
//   auto mon = NetlinkMonitor::open();            // non-blocking; give mon->fd() to the loop
//   // when readable:
//   auto r = mon->drain([&](const NetlinkMessage& m) { ... LinkEvent / AddressEvent ... });
//   if (r && r->overrun) resync_with_dumps();     // the kernel dropped events (ENOBUFS)
//
// Events arrive in kernel order. An overrun means some were lost: the caller re-reads the
// state it cares about with Netlink::dump_links()/dump_addresses().
#pragma once

#include <memory>
#include <vector>

#include "net/netlink.h"

namespace vigil::net {

struct MonitorDrain {
  std::size_t events = 0;
  bool overrun = false;    // ENOBUFS: events were lost, resync
  std::size_t malformed = 0;  // datagrams the parser rejected (kept going with the next one)
};

struct MonitorGroups {
  bool links = true;      // RTMGRP_LINK
  bool addresses = true;  // RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR
  bool routes = false;    // RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE
  bool rules = false;     // RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE
};

class NetlinkMonitor {
 public:
  static constexpr std::size_t kMaxDatagramsPerPass = 64;

  static Result<NetlinkMonitor> open(MonitorGroups groups = {}, int rcvbuf = 1 << 20);
  int fd() const { return mnl_socket_get_fd(sock_.get()); }
  // The kernel drops, before queueing, every RTM_NEWADDR that answers a request of the netlink
  // socket `portid` (a notification carries the requester's port id): the echoes of our own VIP
  // adds, 1,000 of them on a mass takeover, which the loop would otherwise read one by one.
  // Deletions and everyone else's changes still arrive.
  Status ignore_new_addresses_from(std::uint32_t portid);

  template <class F>
  Result<MonitorDrain> drain(F&& on_event) {
    MonitorDrain d;
    for (std::size_t i = 0; i < kMaxDatagramsPerPass; ++i) {
      auto r = read_one(d);
      if (!r) return r.error();
      if (!*r) break;  // nothing more queued
      for (const auto& m : parsed_.messages) {
        on_event(m);
        ++d.events;
      }
    }
    return d;
  }

 private:
  explicit NetlinkMonitor(std::unique_ptr<mnl_socket, MnlSocketCloser> s);
  // Reads one datagram into parsed_; false when the socket is empty.
  Result<bool> read_one(MonitorDrain& d);
  std::unique_ptr<mnl_socket, MnlSocketCloser> sock_;
  std::vector<std::uint8_t> buf_;
  ParseResult parsed_;
};

}  // namespace vigil::net
