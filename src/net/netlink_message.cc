#include "net/netlink_message.h"

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <limits>

#include "net/sockaddr.h"

namespace vigil::net {
namespace {

constexpr std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

template <class T>
T load(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

struct Attr {
  std::uint16_t type;
  std::span<const std::uint8_t> data;
};

// Walks a run of rtattr/nlattr TLVs. ok() is false if the run ended in a malformed attribute.
class AttrWalker {
 public:
  explicit AttrWalker(std::span<const std::uint8_t> b) : rest_(b) {}
  bool next(Attr& a) {
    if (rest_.size() < 4) return false;  // end (1-3 stray bytes are tolerated as padding)
    auto len = load<std::uint16_t>(rest_.data());
    auto type = load<std::uint16_t>(rest_.data() + 2);
    if (len < 4 || len > rest_.size()) {
      bad_ = true;
      return false;
    }
    a.type = type & NLA_TYPE_MASK;
    a.data = rest_.subspan(4, len - 4u);
    rest_ = rest_.subspan(std::min(align4(len), rest_.size()));
    return true;
  }
  bool ok() const { return !bad_; }

 private:
  std::span<const std::uint8_t> rest_;
  bool bad_ = false;
};

// Netlink carries negative errnos; INT_MIN has no positive counterpart, so clamp it.
int positive_errno(int e) {
  if (e == std::numeric_limits<int>::min()) return std::numeric_limits<int>::max();
  return e < 0 ? -e : e;
}

std::string attr_string(std::span<const std::uint8_t> d) {
  std::size_t n = 0;
  while (n < d.size() && d[n] != 0) ++n;
  return std::string(reinterpret_cast<const char*>(d.data()), n);
}

std::optional<std::uint32_t> attr_u32(std::span<const std::uint8_t> d) {
  if (d.size() < 4) return std::nullopt;
  return load<std::uint32_t>(d.data());
}

bool parse_linkinfo(std::span<const std::uint8_t> nested, LinkEvent& ev) {
  AttrWalker w(nested);
  Attr a{};
  while (w.next(a)) {
    if (a.type == IFLA_INFO_KIND) {
      ev.kind = attr_string(a.data);
    } else if (a.type == IFLA_INFO_DATA) {
      AttrWalker d(a.data);
      Attr x{};
      while (d.next(x)) {
        // Only meaningful for macvlan; other kinds use attribute 1 for something else.
        if (x.type == IFLA_MACVLAN_MODE && ev.kind == "macvlan") ev.macvlan_mode = attr_u32(x.data);
      }
      if (!d.ok()) return false;
    }
  }
  return w.ok();
}

std::optional<std::string> parse_link(std::uint16_t type, std::span<const std::uint8_t> body,
                                      LinkEvent& ev) {
  if (body.size() < sizeof(ifinfomsg)) return "RTM_*LINK shorter than ifinfomsg";
  auto ifi = load<ifinfomsg>(body.data());
  ev.deleted = type == RTM_DELLINK;
  ev.ifindex = ifi.ifi_index;
  ev.flags = ifi.ifi_flags;
  ev.type = ifi.ifi_type;
  AttrWalker w(body.subspan(sizeof(ifinfomsg)));
  Attr a{};
  while (w.next(a)) {
    switch (a.type) {
      case IFLA_IFNAME: ev.name = attr_string(a.data); break;
      case IFLA_ADDRESS: ev.mac.assign(a.data.begin(), a.data.end()); break;
      case IFLA_MTU: ev.mtu = attr_u32(a.data).value_or(0); break;
      case IFLA_LINK: ev.parent_ifindex = static_cast<int>(attr_u32(a.data).value_or(0)); break;
      case IFLA_OPERSTATE:
        if (!a.data.empty()) ev.oper_state = a.data[0];
        break;
      case IFLA_LINKINFO:
        if (!parse_linkinfo(a.data, ev)) return "malformed IFLA_LINKINFO";
        break;
      default: break;
    }
  }
  if (!w.ok()) return "malformed link attribute";
  return std::nullopt;
}

std::optional<std::string> parse_addr(std::uint16_t type, std::span<const std::uint8_t> body,
                                      AddressEvent& ev) {
  if (body.size() < sizeof(ifaddrmsg)) return "RTM_*ADDR shorter than ifaddrmsg";
  auto ifa = load<ifaddrmsg>(body.data());
  if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6) return "RTM_*ADDR of unknown family";
  ev.deleted = type == RTM_DELADDR;
  ev.family = ifa.ifa_family == AF_INET ? vrrp::Family::inet : vrrp::Family::inet6;
  ev.ifindex = static_cast<int>(ifa.ifa_index);
  ev.prefix = ifa.ifa_prefixlen;
  ev.scope = ifa.ifa_scope;
  ev.flags = ifa.ifa_flags;
  std::optional<vrrp::IpAddress> local, address;
  AttrWalker w(body.subspan(sizeof(ifaddrmsg)));
  Attr a{};
  while (w.next(a)) {
    switch (a.type) {
      case IFA_LOCAL: local = from_bytes(ifa.ifa_family, a.data.data(), a.data.size()); break;
      case IFA_ADDRESS: address = from_bytes(ifa.ifa_family, a.data.data(), a.data.size()); break;
      case IFA_BROADCAST: ev.broadcast = from_bytes(ifa.ifa_family, a.data.data(), a.data.size()); break;
      case IFA_LABEL: ev.label = attr_string(a.data); break;
      case IFA_FLAGS: ev.flags = attr_u32(a.data).value_or(ev.flags); break;
      case IFA_PROTO:
        if (!a.data.empty()) ev.proto = a.data[0];
        break;
      case IFA_CACHEINFO:
        if (a.data.size() >= sizeof(ifa_cacheinfo)) {
          auto ci = load<ifa_cacheinfo>(a.data.data());
          ev.preferred_lft = ci.ifa_prefered;
          ev.valid_lft = ci.ifa_valid;
        }
        break;
      default: break;
    }
  }
  if (!w.ok()) return "malformed address attribute";
  if (!local && !address) return "RTM_*ADDR without an address";
  ev.address = local ? *local : *address;
  if (local && address && *local != *address) ev.peer = address;
  return std::nullopt;
}

std::optional<std::string> parse_route(std::uint16_t type, std::span<const std::uint8_t> body,
                                       RouteEvent& ev) {
  if (body.size() < sizeof(rtmsg)) return "RTM_*ROUTE shorter than rtmsg";
  auto rtm = load<rtmsg>(body.data());
  if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6) return "RTM_*ROUTE of unknown family";
  int fam = rtm.rtm_family;
  ev.deleted = type == RTM_DELROUTE;
  ev.family = fam == AF_INET ? vrrp::Family::inet : vrrp::Family::inet6;
  ev.dst_prefix = rtm.rtm_dst_len;
  ev.table = rtm.rtm_table;
  ev.protocol = rtm.rtm_protocol;
  ev.scope = rtm.rtm_scope;
  ev.type = rtm.rtm_type;
  AttrWalker w(body.subspan(sizeof(rtmsg)));
  Attr a{};
  while (w.next(a)) {
    switch (a.type) {
      case RTA_DST: ev.dst = from_bytes(fam, a.data.data(), a.data.size()); break;
      case RTA_GATEWAY: ev.gateway = from_bytes(fam, a.data.data(), a.data.size()); break;
      case RTA_PREFSRC: ev.prefsrc = from_bytes(fam, a.data.data(), a.data.size()); break;
      case RTA_OIF: ev.oif = static_cast<int>(attr_u32(a.data).value_or(0)); break;
      case RTA_TABLE: ev.table = attr_u32(a.data).value_or(ev.table); break;
      case RTA_PRIORITY: ev.metric = attr_u32(a.data); break;
      default: break;
    }
  }
  if (!w.ok()) return "malformed route attribute";
  return std::nullopt;
}

std::optional<std::string> parse_rule(std::uint16_t type, std::span<const std::uint8_t> body,
                                      RuleEvent& ev) {
  if (body.size() < sizeof(fib_rule_hdr)) return "RTM_*RULE shorter than fib_rule_hdr";
  auto frh = load<fib_rule_hdr>(body.data());
  if (frh.family != AF_INET && frh.family != AF_INET6) return "RTM_*RULE of unknown family";
  int fam = frh.family;
  ev.deleted = type == RTM_DELRULE;
  ev.family = fam == AF_INET ? vrrp::Family::inet : vrrp::Family::inet6;
  ev.from_prefix = frh.src_len;
  ev.to_prefix = frh.dst_len;
  ev.table = frh.table;
  ev.action = frh.action;
  AttrWalker w(body.subspan(sizeof(fib_rule_hdr)));
  Attr a{};
  while (w.next(a)) {
    switch (a.type) {
      case FRA_SRC: ev.from = from_bytes(fam, a.data.data(), a.data.size()); break;
      case FRA_DST: ev.to = from_bytes(fam, a.data.data(), a.data.size()); break;
      case FRA_TABLE: ev.table = attr_u32(a.data).value_or(ev.table); break;
      case FRA_PRIORITY: ev.priority = attr_u32(a.data); break;
      case FRA_FWMARK: ev.fwmark = attr_u32(a.data); break;
      case FRA_FWMASK: ev.fwmask = attr_u32(a.data); break;
      case FRA_IIFNAME: ev.iif = attr_string(a.data); break;
      case FRA_OIFNAME: ev.oif = attr_string(a.data); break;
      case FRA_PROTOCOL:
        if (!a.data.empty()) ev.protocol = a.data[0];
        break;
      default: break;
    }
  }
  if (!w.ok()) return "malformed rule attribute";
  return std::nullopt;
}

std::optional<std::string> parse_error(const nlmsghdr& h, std::span<const std::uint8_t> body,
                                       AckMessage& ack) {
  if (body.size() < sizeof(int)) return "NLMSG_ERROR too short";
  ack.seq = h.nlmsg_seq;
  ack.error = positive_errno(load<int>(body.data()));
  if ((h.nlmsg_flags & NLM_F_ACK_TLVS) == 0) return std::nullopt;
  // Extended ack TLVs follow the echoed request: its header only if capped, else all of it.
  std::size_t off = sizeof(int);
  if (body.size() < off + sizeof(nlmsghdr)) return std::nullopt;
  auto orig = load<nlmsghdr>(body.data() + off);
  off += (h.nlmsg_flags & NLM_F_CAPPED) ? sizeof(nlmsghdr) : align4(orig.nlmsg_len);
  if (off > body.size()) return std::nullopt;
  AttrWalker w(body.subspan(off));
  Attr a{};
  while (w.next(a)) {
    if (a.type == NLMSGERR_ATTR_MSG) ack.ext_message = attr_string(a.data);
  }
  return std::nullopt;
}

}  // namespace

bool LinkEvent::admin_up() const { return (flags & IFF_UP) != 0; }

bool LinkEvent::oper_up() const {
  if (oper_state == IF_OPER_UP) return true;
  if (oper_state == IF_OPER_UNKNOWN) return (flags & IFF_RUNNING) != 0;
  return false;
}

ParseResult parse_netlink(std::span<const std::uint8_t> bytes) {
  ParseResult r;
  while (bytes.size() >= sizeof(nlmsghdr)) {
    auto h = load<nlmsghdr>(bytes.data());
    if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > bytes.size()) {
      r.error = "bad nlmsg_len";
      return r;
    }
    auto body = bytes.subspan(sizeof(nlmsghdr), h.nlmsg_len - sizeof(nlmsghdr));
    if (h.nlmsg_flags & NLM_F_DUMP_INTR) r.dump_interrupted = true;
    std::optional<std::string> err;
    switch (h.nlmsg_type) {
      case RTM_NEWLINK:
      case RTM_DELLINK: {
        LinkEvent ev;
        err = parse_link(h.nlmsg_type, body, ev);
        if (!err) r.messages.emplace_back(std::move(ev));
        break;
      }
      case RTM_NEWADDR:
      case RTM_DELADDR: {
        AddressEvent ev;
        err = parse_addr(h.nlmsg_type, body, ev);
        if (!err) r.messages.emplace_back(std::move(ev));
        break;
      }
      case RTM_NEWROUTE:
      case RTM_DELROUTE: {
        RouteEvent ev;
        err = parse_route(h.nlmsg_type, body, ev);
        if (!err) r.messages.emplace_back(std::move(ev));
        break;
      }
      case RTM_NEWRULE:
      case RTM_DELRULE: {
        RuleEvent ev;
        err = parse_rule(h.nlmsg_type, body, ev);
        if (!err) r.messages.emplace_back(std::move(ev));
        break;
      }
      case NLMSG_ERROR: {
        AckMessage ack;
        err = parse_error(h, body, ack);
        if (!err) r.messages.emplace_back(std::move(ack));
        break;
      }
      case NLMSG_DONE: {
        DoneMessage done{h.nlmsg_seq, 0};
        if (body.size() >= sizeof(int)) done.error = positive_errno(load<int>(body.data()));
        r.messages.emplace_back(done);
        break;
      }
      default:
        ++r.ignored;
        break;
    }
    if (err) {
      r.error = std::move(err);
      return r;
    }
    if (r.seqs.size() < r.messages.size()) r.seqs.push_back(h.nlmsg_seq);
    bytes = bytes.subspan(std::min(align4(h.nlmsg_len), bytes.size()));
  }
  if (!bytes.empty()) r.error = "trailing bytes shorter than a netlink header";
  return r;
}

}  // namespace vigil::net
