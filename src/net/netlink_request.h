// net/netlink_request.h — what vigil asks rtnetlink to change: addresses, routes, rules.
//
// The specs are plain values (filled from the config by the daemon); build_*() turns one into
// the bytes of one netlink request (pure, no syscalls). NetlinkBatch (netlink.h) sends many at
// once. Every request carries vigil's protocol tag (RTPROT_KEEPALIVED = 18, the value keepalived
// uses and iproute2 names "keepalived"), so `ip route show proto keepalived` lists ours.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/result.h"
#include "vrrp/types.h"

namespace vigil::net {

inline constexpr std::uint8_t kProtoKeepalived = 18;

// `ip addr add ADDRESS/PREFIX dev IF [brd B] [peer P] [scope S] [label L] [nodad] [noprefixroute]
//  [home] [preferred_lft N]`
struct AddressSpec {
  int ifindex = 0;
  vrrp::IpAddress address;
  std::uint8_t prefix = 32;
  std::string label = {};                          // IPv4 only, <= 15 chars
  std::uint8_t scope = 0;                          // RT_SCOPE_*: 0 universe(global), 200 site, 253 link, 254 host
  std::optional<vrrp::IpAddress> broadcast = {};   // IPv4 only
  std::optional<vrrp::IpAddress> peer = {};
  bool nodad = false;                              // IPv6
  bool noprefixroute = false;
  bool home = false;                               // IPv6 IFA_F_HOMEADDRESS
  std::optional<std::uint32_t> preferred_lft = {}; // seconds; 0 = deprecated; unset = forever
  std::uint8_t proto = kProtoKeepalived;           // IFA_PROTO (sent only where supported)
  friend bool operator==(const AddressSpec&, const AddressSpec&) = default;
};

enum class RouteType : std::uint8_t { unicast = 1, blackhole = 6, unreachable = 7, prohibit = 8, throw_ = 9 };

// `ip route add [type] DST/PREFIX [via GW] [dev IF] [src S] [table T] [metric M] [scope S]`
struct RouteSpec {
  vrrp::Family family = vrrp::Family::inet;
  std::optional<vrrp::IpAddress> dst = {};  // unset = default route
  std::uint8_t dst_prefix = 0;
  std::optional<vrrp::IpAddress> gateway = {};
  int oif = 0;                              // 0 = no dev
  std::uint32_t table = 254;                // RT_TABLE_MAIN
  std::optional<std::uint32_t> metric = {};
  std::optional<std::uint8_t> scope = {};   // unset: link for a unicast route without gateway, else universe
  RouteType type = RouteType::unicast;
  std::optional<vrrp::IpAddress> src = {};  // preferred source (RTA_PREFSRC)
  std::uint8_t protocol = kProtoKeepalived;
  friend bool operator==(const RouteSpec&, const RouteSpec&) = default;
};

// `ip rule add [from F] [to T] [fwmark M[/MASK]] [iif I] [oif O] [priority P] table T`
struct RuleSpec {
  vrrp::Family family = vrrp::Family::inet;
  std::optional<vrrp::IpAddress> from = {};
  std::uint8_t from_prefix = 0;
  std::optional<vrrp::IpAddress> to = {};
  std::uint8_t to_prefix = 0;
  std::uint32_t table = 254;
  std::optional<std::uint32_t> priority = {};
  std::optional<std::uint32_t> fwmark = {};
  std::optional<std::uint32_t> fwmask = {};
  std::string iif = {};
  std::string oif = {};
  std::uint8_t protocol = kProtoKeepalived;
  friend bool operator==(const RuleSpec&, const RuleSpec&) = default;
};

enum class Op : std::uint8_t { add, replace, remove };

// One request's bytes (nlmsg_seq left 0: the sender numbers them). Errors are ours (bad spec).
Result<std::vector<std::uint8_t>> build_address(Op op, const AddressSpec& spec, bool with_ifa_proto);
Result<std::vector<std::uint8_t>> build_route(Op op, const RouteSpec& spec);
Result<std::vector<std::uint8_t>> build_rule(Op op, const RuleSpec& spec);
// RTM_GETLINK for one interface (by index if > 0, else by name) or a dump of all (both unset).
std::vector<std::uint8_t> build_get_link(int ifindex, const std::string& name);
// RTM_GETADDR dump; family AF_UNSPEC/AF_INET/AF_INET6.
std::vector<std::uint8_t> build_get_addresses(int family);
// RTM_GETROUTE / RTM_GETRULE dumps; family AF_INET/AF_INET6 (AF_UNSPEC: both).
std::vector<std::uint8_t> build_get_routes(int family);
std::vector<std::uint8_t> build_get_rules(int family);
// RTM_NEWLINK creating a macvlan `name` on `parent` with `mac` (mode private = 1).
Result<std::vector<std::uint8_t>> build_macvlan(const std::string& name, int parent,
                                                const std::vector<std::uint8_t>& mac, std::uint32_t mode);
// RTM_NEWLINK setting IPv6 addrgenmode none (no automatic link-local) on an existing link; the
// kernel refuses it inside the creating request (EAFNOSUPPORT), so it is a second step.
std::vector<std::uint8_t> build_set_addrgen_none(int ifindex);
std::vector<std::uint8_t> build_del_link(int ifindex);
// RTM_NEWLINK setting IFF_UP (up) or clearing it.
std::vector<std::uint8_t> build_set_link_up(int ifindex, bool up);

// True if the running kernel stores IFA_PROTO (Linux 6.1+). `release` is uname().release.
// Netlink::open() first looks for the kernel's own tags in an address dump, then asks this.
// Older kernels ignore the unknown attribute in (non-strict) requests, so sending it there is
// harmless; the probe only says whether `ip addr` will show the tag.
bool kernel_supports_ifa_proto(std::string_view release);

}  // namespace vigil::net
