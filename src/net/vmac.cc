#include "net/vmac.h"

#include <linux/if_link.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace vigil::net {
namespace {

bool same_mac(const std::vector<std::uint8_t>& a, const Mac& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string conf(const std::string& ifname, const char* key) {
  return "net/ipv4/conf/" + ifname + "/" + key;
}

}  // namespace

Mac vrrp_virtual_mac(vrrp::Family family, vrrp::Vrid vrid) {
  return {0x00, 0x00, 0x5e, 0x00, static_cast<std::uint8_t>(family == vrrp::Family::inet ? 0x01 : 0x02),
          vrid.value};
}

Status relax_all_rp_filter(Netlink& nl, SysctlGuard& guard) {
  auto all = sysctl_read("net/ipv4/conf/all/rp_filter");
  if (!all) return all.error();
  if (*all == "0") return {};
  int x = std::atoi(all->c_str());
  auto links = nl.dump_links();
  if (!links) return links.error();
  std::vector<std::string> names{"default"};
  for (const auto& l : *links) names.push_back(l.name);
  for (const auto& n : names) {
    auto cur = sysctl_read(conf(n, "rp_filter"));
    if (!cur) continue;  // an interface without IPv4 conf (or gone meanwhile)
    if (std::atoi(cur->c_str()) < x) {
      if (auto st = guard.set(conf(n, "rp_filter"), *all); !st) return st;
    }
  }
  return guard.set("net/ipv4/conf/all/rp_filter", "0");
}

Result<Vmac> Vmac::create(const VmacOptions& o) {
  if (o.vrid.value == 0) return make_error(EINVAL, "VMAC: VRID 0");
  auto nl = Netlink::open();
  if (!nl) return nl.error();
  auto parent = nl->get_link(o.parent_ifindex);
  if (!parent) return parent.error();
  std::string name = o.name.empty() ? fmt::format("vrrp.{}", o.vrid.value) : o.name;
  Mac mac = o.mac.value_or(vrrp_virtual_mac(o.family, o.vrid));

  bool reused = false;
  if (auto existing = nl->get_link(name)) {
    if (existing->kind != "macvlan" || existing->parent_ifindex != o.parent_ifindex ||
        !same_mac(existing->mac, mac)) {
      return make_error(EEXIST, "VMAC: interface " + name + " exists and does not match");
    }
    reused = true;
  } else {
    std::vector<std::uint8_t> mac_bytes(mac.begin(), mac.end());
    auto req = build_macvlan(name, o.parent_ifindex, mac_bytes, MACVLAN_MODE_PRIVATE);
    if (auto st = nl->execute(std::move(req)); !st) {
      return Error{st.error().code, "create VMAC " + name + " on " + parent->name + ": " + st.error().message};
    }
  }
  auto link = nl->get_link(name);
  if (!link) return link.error();
  Vmac v(std::move(*nl), link->ifindex, name, mac, reused);  // from here on, ~Vmac cleans up

  // The sysctls keepalived sets (reference §4.12).
  for (auto [key, value] : {std::pair{"accept_local", "1"}, {"arp_ignore", "1"}, {"rp_filter", "0"}}) {
    if (auto st = sysctl_write(conf(name, key), value); !st) return st.error();
  }
  if (auto st = v.parent_sysctls_.set(conf(parent->name, "arp_ignore"), "1"); !st) return st.error();
  if (auto st = v.parent_sysctls_.set(conf(parent->name, "arp_filter"), "1"); !st) return st.error();

  if (o.family == vrrp::Family::inet) {
    // No IPv6 link-local on an IPv4 VMAC (keepalived: "addrgenmode none"); must precede "up".
    if (auto st = v.nl_->execute(build_set_addrgen_none(v.ifindex_)); !st) {
      return Error{st.error().code, "set " + name + " addrgenmode none: " + st.error().message};
    }
  }
  if (auto st = v.nl_->execute(build_set_link_up(v.ifindex_, true)); !st) {
    return Error{st.error().code, "set " + name + " up: " + st.error().message};
  }
  return v;
}

Vmac::Vmac(Vmac&& other) noexcept
    : nl_(std::move(other.nl_)),
      ifindex_(std::exchange(other.ifindex_, 0)),
      name_(std::move(other.name_)),
      mac_(other.mac_),
      reused_(other.reused_),
      parent_sysctls_(std::move(other.parent_sysctls_)) {
  other.nl_.reset();
}

Status Vmac::remove() {
  if (!nl_ || ifindex_ == 0) return {};
  parent_sysctls_.restore();
  Status st = nl_->execute(build_del_link(ifindex_));
  ifindex_ = 0;
  if (!st && st.error().code == ENODEV) return {};  // already gone (someone deleted it)
  return st;
}

Vmac::~Vmac() { (void)remove(); }

}  // namespace vigil::net
