// net/netlink_message.h — typed rtnetlink messages and a pure parser for them.
//
//   ParseResult r = parse_netlink(bytes);   // bytes: what one recv() on a NETLINK_ROUTE socket gave
//   for (const auto& m : r.messages)
//     if (auto* l = std::get_if<LinkEvent>(&m)) ...   // RTM_NEWLINK / RTM_DELLINK
//
// parse_netlink() is a pure function over bytes (no syscalls, no libmnl: it reads every field
// with memcpy, so unaligned or hostile input is safe) — fuzz/netlink_parse feeds it anything.
// Malformed input never asserts or throws: parsing stops and ParseResult::error says why; the
// messages decoded before that point are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "vrrp/types.h"

namespace vigil::net {

// RTM_NEWLINK (added, or changed: the kernel does not say which) / RTM_DELLINK.
struct LinkEvent {
  bool deleted = false;
  int ifindex = 0;
  std::string name;                  // IFLA_IFNAME
  unsigned flags = 0;                // IFF_* (IFF_UP = admin up, IFF_LOWER_UP = carrier)
  std::uint8_t oper_state = 0;       // IFLA_OPERSTATE (IF_OPER_UP = 6)
  std::uint16_t type = 0;            // ARPHRD_* (1 = Ethernet)
  std::vector<std::uint8_t> mac;     // IFLA_ADDRESS (6 bytes for Ethernet)
  std::uint32_t mtu = 0;             // IFLA_MTU
  int parent_ifindex = 0;            // IFLA_LINK (e.g. a macvlan's lower device)
  std::string kind;                  // IFLA_INFO_KIND ("macvlan", "veth", "bridge"...)
  std::optional<std::uint32_t> macvlan_mode;  // IFLA_MACVLAN_MODE (MACVLAN_MODE_PRIVATE = 1)

  bool admin_up() const;             // IFF_UP
  bool oper_up() const;              // operstate UP, or (operstate unknown and IFF_RUNNING)
};

// RTM_NEWADDR / RTM_DELADDR.
struct AddressEvent {
  bool deleted = false;
  int ifindex = 0;
  vrrp::Family family = vrrp::Family::inet;
  vrrp::IpAddress address;                 // IFA_LOCAL if present, else IFA_ADDRESS
  std::optional<vrrp::IpAddress> peer;     // IFA_ADDRESS when it differs from IFA_LOCAL
  std::optional<vrrp::IpAddress> broadcast;
  std::uint8_t prefix = 0;
  std::uint8_t scope = 0;                  // RT_SCOPE_* (0 universe, 253 link, 254 host)
  std::uint32_t flags = 0;                 // IFA_F_* (IFA_FLAGS if present)
  std::string label;                       // IFA_LABEL (IPv4)
  std::uint8_t proto = 0;                  // IFA_PROTO (Linux 6.1+), 0 if absent
  std::optional<std::uint32_t> preferred_lft;  // IFA_CACHEINFO
  std::optional<std::uint32_t> valid_lft;
};

// RTM_NEWROUTE / RTM_DELROUTE (to notice a virtual route deleted by someone else).
struct RouteEvent {
  bool deleted = false;
  vrrp::Family family = vrrp::Family::inet;
  std::optional<vrrp::IpAddress> dst;      // unset = default route
  std::uint8_t dst_prefix = 0;
  std::optional<vrrp::IpAddress> gateway;
  std::optional<vrrp::IpAddress> prefsrc;
  int oif = 0;
  std::uint32_t table = 0;                 // RTA_TABLE if present, else rtm_table
  std::optional<std::uint32_t> metric;     // RTA_PRIORITY
  std::uint8_t protocol = 0;               // RTPROT_* (18 = keepalived/vigil)
  std::uint8_t scope = 0;
  std::uint8_t type = 0;                   // RTN_* (1 unicast, 6 blackhole, 7 unreachable, 8 prohibit)
};

// RTM_NEWRULE / RTM_DELRULE.
struct RuleEvent {
  bool deleted = false;
  vrrp::Family family = vrrp::Family::inet;
  std::optional<vrrp::IpAddress> from;
  std::uint8_t from_prefix = 0;
  std::optional<vrrp::IpAddress> to;
  std::uint8_t to_prefix = 0;
  std::uint32_t table = 0;
  std::optional<std::uint32_t> priority;
  std::optional<std::uint32_t> fwmark;
  std::optional<std::uint32_t> fwmask;
  std::string iif;
  std::string oif;
  std::uint8_t protocol = 0;
  std::uint8_t action = 0;                 // FR_ACT_* (1 = to table)
};

// NLMSG_ERROR: error == 0 is a positive acknowledgement. error is a positive errno.
struct AckMessage {
  std::uint32_t seq = 0;
  int error = 0;
  std::string ext_message;  // NLMSGERR_ATTR_MSG (extended ack), if the kernel sent one
};

// NLMSG_DONE: the end of a dump.
struct DoneMessage {
  std::uint32_t seq = 0;
  int error = 0;
};

using NetlinkMessage =
    std::variant<LinkEvent, AddressEvent, RouteEvent, RuleEvent, AckMessage, DoneMessage>;

struct ParseResult {
  std::vector<NetlinkMessage> messages;
  std::vector<std::uint32_t> seqs;   // nlmsg_seq of each entry in `messages`
  std::size_t ignored = 0;           // well-formed messages of types we do not decode
  bool dump_interrupted = false;     // NLM_F_DUMP_INTR seen: the table changed mid-dump, redo it
  std::optional<std::string> error;  // set when parsing stopped on malformed input
};

ParseResult parse_netlink(std::span<const std::uint8_t> bytes);

}  // namespace vigil::net
