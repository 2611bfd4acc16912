#include "net/netlink_request.h"

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace vigil::net {
namespace {

constexpr std::size_t kMaxRequest = 1024;  // every request we build is far smaller

// Builds one request into an aligned scratch buffer with libmnl, then copies it out.
class Builder {
 public:
  Builder(std::uint16_t type, std::uint16_t flags) {
    nlh_ = mnl_nlmsg_put_header(buf_);
    nlh_->nlmsg_type = type;
    nlh_->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
  }
  template <class T>
  T* header() {
    return static_cast<T*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(T)));
  }
  void put(std::uint16_t type, const void* data, std::size_t len) {
    ok_ = ok_ && mnl_attr_put_check(nlh_, sizeof buf_, type, len, data);
  }
  void put_addr(std::uint16_t type, const vrrp::IpAddress& a) { put(type, a.data(), a.size()); }
  void put_u32(std::uint16_t type, std::uint32_t v) { ok_ = ok_ && mnl_attr_put_u32_check(nlh_, sizeof buf_, type, v); }
  void put_u8(std::uint16_t type, std::uint8_t v) { ok_ = ok_ && mnl_attr_put_u8_check(nlh_, sizeof buf_, type, v); }
  void put_str(std::uint16_t type, const std::string& s) {
    ok_ = ok_ && mnl_attr_put_strz_check(nlh_, sizeof buf_, type, s.c_str());
  }
  nlattr* nest_start(std::uint16_t type) {
    nlattr* n = mnl_attr_nest_start_check(nlh_, sizeof buf_, type);
    ok_ = ok_ && n != nullptr;
    return n;
  }
  void nest_end(nlattr* n) {
    if (n != nullptr) mnl_attr_nest_end(nlh_, n);
  }
  Result<std::vector<std::uint8_t>> finish() {
    if (!ok_) return make_error(EMSGSIZE, "netlink request too large");
    auto* p = reinterpret_cast<const std::uint8_t*>(buf_);
    return std::vector<std::uint8_t>(p, p + nlh_->nlmsg_len);
  }

 private:
  alignas(8) char buf_[kMaxRequest] = {};
  nlmsghdr* nlh_ = nullptr;
  bool ok_ = true;
};

std::uint16_t change_flags(Op op) {
  switch (op) {
    case Op::add: return NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    case Op::replace: return NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
    case Op::remove: return NLM_F_ACK;
  }
  return NLM_F_ACK;
}

std::uint8_t af(vrrp::Family f) { return f == vrrp::Family::inet ? AF_INET : AF_INET6; }

Status check_family(const std::optional<vrrp::IpAddress>& a, vrrp::Family f, const char* what) {
  if (a && a->family() != f) return make_error(EINVAL, std::string(what) + ": address family mismatch");
  return {};
}

std::uint8_t max_prefix(vrrp::Family f) { return f == vrrp::Family::inet ? 32 : 128; }

}  // namespace

Result<std::vector<std::uint8_t>> build_address(Op op, const AddressSpec& s, bool with_ifa_proto) {
  vrrp::Family f = s.address.family();
  if (s.prefix > max_prefix(f)) return make_error(EINVAL, "address: prefix too long");
  if (s.label.size() > 15) return make_error(EINVAL, "address: label longer than 15 characters");
  if (auto st = check_family(s.peer, f, "address peer"); !st) return st.error();
  if (auto st = check_family(s.broadcast, f, "address broadcast"); !st) return st.error();
  Builder b(op == Op::remove ? RTM_DELADDR : RTM_NEWADDR, change_flags(op));
  auto* ifa = b.header<ifaddrmsg>();
  ifa->ifa_family = af(f);
  ifa->ifa_prefixlen = s.prefix;
  ifa->ifa_scope = s.scope;
  ifa->ifa_index = static_cast<std::uint32_t>(s.ifindex);
  std::uint32_t flags = 0;
  if (s.nodad) flags |= IFA_F_NODAD;
  if (s.noprefixroute) flags |= IFA_F_NOPREFIXROUTE;
  if (s.home) flags |= IFA_F_HOMEADDRESS;
  ifa->ifa_flags = static_cast<std::uint8_t>(flags & 0xff);
  b.put_addr(IFA_LOCAL, s.address);
  b.put_addr(IFA_ADDRESS, s.peer.value_or(s.address));
  if (op == Op::remove) return b.finish();
  if (flags > 0xff) b.put_u32(IFA_FLAGS, flags);
  if (s.broadcast && f == vrrp::Family::inet) b.put_addr(IFA_BROADCAST, *s.broadcast);
  if (!s.label.empty() && f == vrrp::Family::inet) b.put_str(IFA_LABEL, s.label);
  if (s.preferred_lft) {
    ifa_cacheinfo ci{};
    ci.ifa_prefered = *s.preferred_lft;
    ci.ifa_valid = 0xffffffffu;  // INFINITY_LIFE_TIME: valid forever
    b.put(IFA_CACHEINFO, &ci, sizeof ci);
  }
  if (with_ifa_proto && s.proto != 0) b.put_u8(IFA_PROTO, s.proto);
  return b.finish();
}

Result<std::vector<std::uint8_t>> build_route(Op op, const RouteSpec& s) {
  if (auto st = check_family(s.dst, s.family, "route dst"); !st) return st.error();
  if (auto st = check_family(s.gateway, s.family, "route gateway"); !st) return st.error();
  if (auto st = check_family(s.src, s.family, "route src"); !st) return st.error();
  if (s.dst_prefix > max_prefix(s.family)) return make_error(EINVAL, "route: prefix too long");
  Builder b(op == Op::remove ? RTM_DELROUTE : RTM_NEWROUTE, change_flags(op));
  auto* rtm = b.header<rtmsg>();
  rtm->rtm_family = af(s.family);
  rtm->rtm_dst_len = s.dst ? s.dst_prefix : 0;
  rtm->rtm_table = s.table < 256 ? static_cast<std::uint8_t>(s.table) : std::uint8_t{RT_TABLE_UNSPEC};
  rtm->rtm_protocol = s.protocol;
  rtm->rtm_type = static_cast<std::uint8_t>(s.type);
  bool link = s.type == RouteType::unicast && !s.gateway && s.oif != 0;
  rtm->rtm_scope = s.scope.value_or(link ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
  if (op == Op::remove && !s.scope) rtm->rtm_scope = RT_SCOPE_NOWHERE;  // match any scope
  if (s.dst) b.put_addr(RTA_DST, *s.dst);
  if (s.gateway) b.put_addr(RTA_GATEWAY, *s.gateway);
  if (s.oif != 0) b.put_u32(RTA_OIF, static_cast<std::uint32_t>(s.oif));
  if (s.metric) b.put_u32(RTA_PRIORITY, *s.metric);
  if (s.src) b.put_addr(RTA_PREFSRC, *s.src);
  b.put_u32(RTA_TABLE, s.table);
  return b.finish();
}

Result<std::vector<std::uint8_t>> build_rule(Op op, const RuleSpec& s) {
  if (auto st = check_family(s.from, s.family, "rule from"); !st) return st.error();
  if (auto st = check_family(s.to, s.family, "rule to"); !st) return st.error();
  if (s.iif.size() >= IFNAMSIZ || s.oif.size() >= IFNAMSIZ) return make_error(EINVAL, "rule: interface name too long");
  Builder b(op == Op::remove ? RTM_DELRULE : RTM_NEWRULE, change_flags(op));
  auto* frh = b.header<fib_rule_hdr>();
  frh->family = af(s.family);
  frh->src_len = s.from ? s.from_prefix : 0;
  frh->dst_len = s.to ? s.to_prefix : 0;
  frh->table = s.table < 256 ? static_cast<std::uint8_t>(s.table) : std::uint8_t{RT_TABLE_UNSPEC};
  frh->action = FR_ACT_TO_TBL;
  if (s.from) b.put_addr(FRA_SRC, *s.from);
  if (s.to) b.put_addr(FRA_DST, *s.to);
  if (!s.iif.empty()) b.put_str(FRA_IIFNAME, s.iif);
  if (!s.oif.empty()) b.put_str(FRA_OIFNAME, s.oif);
  if (s.priority) b.put_u32(FRA_PRIORITY, *s.priority);
  if (s.fwmark) b.put_u32(FRA_FWMARK, *s.fwmark);
  if (s.fwmask) b.put_u32(FRA_FWMASK, *s.fwmask);
  b.put_u32(FRA_TABLE, s.table);
  if (s.protocol != 0) b.put_u8(FRA_PROTOCOL, s.protocol);
  return b.finish();
}

std::vector<std::uint8_t> build_get_link(int ifindex, const std::string& name) {
  bool dump = ifindex <= 0 && name.empty();
  Builder b(RTM_GETLINK, dump ? NLM_F_DUMP : 0);
  auto* ifi = b.header<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex > 0 ? ifindex : 0;
  if (ifindex <= 0 && !name.empty() && name.size() < IFNAMSIZ) b.put_str(IFLA_IFNAME, name);
  b.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  return b.finish().value();  // fixed small size: cannot overflow
}

std::vector<std::uint8_t> build_get_addresses(int family) {
  Builder b(RTM_GETADDR, NLM_F_DUMP);
  auto* ifa = b.header<ifaddrmsg>();
  ifa->ifa_family = static_cast<std::uint8_t>(family);
  return b.finish().value();
}

std::vector<std::uint8_t> build_get_routes(int family) {
  Builder b(RTM_GETROUTE, NLM_F_DUMP);
  auto* rtm = b.header<rtmsg>();
  rtm->rtm_family = static_cast<std::uint8_t>(family);
  return b.finish().value();
}

std::vector<std::uint8_t> build_get_rules(int family) {
  Builder b(RTM_GETRULE, NLM_F_DUMP);
  auto* rtm = b.header<rtmsg>();  // struct fib_rule_hdr has the same layout for the family byte
  rtm->rtm_family = static_cast<std::uint8_t>(family);
  return b.finish().value();
}

Result<std::vector<std::uint8_t>> build_macvlan(const std::string& name, int parent,
                                                const std::vector<std::uint8_t>& mac, std::uint32_t mode) {
  if (name.empty() || name.size() >= IFNAMSIZ) return make_error(EINVAL, "macvlan: bad name '" + name + "'");
  Builder b(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  auto* ifi = b.header<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  b.put_str(IFLA_IFNAME, name);
  b.put_u32(IFLA_LINK, static_cast<std::uint32_t>(parent));
  if (!mac.empty()) b.put(IFLA_ADDRESS, mac.data(), mac.size());
  nlattr* info = b.nest_start(IFLA_LINKINFO);
  b.put_str(IFLA_INFO_KIND, "macvlan");
  nlattr* data = b.nest_start(IFLA_INFO_DATA);
  b.put_u32(IFLA_MACVLAN_MODE, mode);
  b.nest_end(data);
  b.nest_end(info);
  return b.finish();
}

std::vector<std::uint8_t> build_set_addrgen_none(int ifindex) {
  Builder b(RTM_NEWLINK, NLM_F_ACK);
  auto* ifi = b.header<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  nlattr* spec = b.nest_start(IFLA_AF_SPEC);
  nlattr* inet6 = b.nest_start(AF_INET6);
  b.put_u8(IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
  b.nest_end(inet6);
  b.nest_end(spec);
  return b.finish().value();
}

std::vector<std::uint8_t> build_del_link(int ifindex) {
  Builder b(RTM_DELLINK, NLM_F_ACK);
  auto* ifi = b.header<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  return b.finish().value();
}

std::vector<std::uint8_t> build_set_link_up(int ifindex, bool up) {
  Builder b(RTM_NEWLINK, NLM_F_ACK);
  auto* ifi = b.header<ifinfomsg>();
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  ifi->ifi_change = IFF_UP;
  ifi->ifi_flags = up ? IFF_UP : 0;
  return b.finish().value();
}

bool kernel_supports_ifa_proto(std::string_view release) {
  int major = 0, minor = 0;
  const char* p = release.data();
  const char* end = release.data() + release.size();
  auto r1 = std::from_chars(p, end, major);
  if (r1.ec != std::errc{} || r1.ptr == end || *r1.ptr != '.') return false;
  auto r2 = std::from_chars(r1.ptr + 1, end, minor);
  if (r2.ec != std::errc{}) return false;
  return major > 6 || (major == 6 && minor >= 1);
}

}  // namespace vigil::net
