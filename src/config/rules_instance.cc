// rules_instance.cc — the per-vrrp_instance rules (derivations, then checks). See rules.cc.
#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "config/rules_impl.h"
#include "config/values.h"

namespace vigil::config::rules {

namespace {

using namespace std::chrono_literals;

template <class T>
SourceLoc at(const Field<T>& f, const VrrpInstance& vi) {
  return f.is_set ? f.loc : vi.loc;
}

template <class T>
void inherit(Field<T>& inst, const Field<T>& global) {
  if (!inst.is_set) inst.value = global.value;
}

bool is_strict(const VrrpInstance& vi) { return vi.strict_mode.value; }

// The instance's address family: its first VIP, else its source address, else IPv4.
vrrp::Family family_of(const VrrpInstance& vi) {
  if (!vi.virtual_ipaddress.empty()) return vi.virtual_ipaddress.front().addr.family();
  if (vi.mcast_src_ip.is_set) return vi.mcast_src_ip->family();
  if (!vi.unicast_peer.empty()) return vi.unicast_peer.front().addr.family();
  return vrrp::Family::inet;
}

}  // namespace

void instance_inherit_globals(RuleCtx& c) {
  const GlobalDefs& g = c.cfg.global_defs;
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    inherit(vi.garp_master_delay, g.vrrp_garp_master_delay);
    inherit(vi.garp_master_repeat, g.vrrp_garp_master_repeat);
    inherit(vi.garp_master_refresh, g.vrrp_garp_master_refresh);
    inherit(vi.garp_master_refresh_repeat, g.vrrp_garp_master_refresh_repeat);
    inherit(vi.garp_lower_prio_delay, g.vrrp_garp_lower_prio_delay);
    inherit(vi.garp_lower_prio_repeat, g.vrrp_garp_lower_prio_repeat);
    inherit(vi.garp_extra_if, g.vrrp_garp_extra_if);
    inherit(vi.garp_extra_if_all, g.vrrp_garp_extra_if_all);
    inherit(vi.down_timer_adverts, g.vrrp_down_timer_adverts);
    inherit(vi.lower_prio_no_advert, g.vrrp_lower_prio_no_advert);
    inherit(vi.higher_prio_send_advert, g.vrrp_higher_prio_send_advert);
    inherit(vi.owner_ignore_adverts, g.vrrp_owner_ignore_adverts);
    inherit(vi.skip_check_adv_addr, g.vrrp_skip_check_adv_addr);
    inherit(vi.strict_mode, g.vrrp_strict);
    inherit(vi.v3_checksum_as_v2, g.v3_checksum_as_v2);
    inherit(vi.check_unicast_src, g.vrrp_check_unicast_src);
    inherit(vi.notify_priority_changes, g.vrrp_notify_priority_changes);
    if (!vi.mcast_dst_ip.is_set)
      vi.mcast_dst_ip.value = family_of(vi) == vrrp::Family::inet ? g.vrrp_mcast_group4.value
                                                                  : g.vrrp_mcast_group6.value;
    // A peer with min_ttl/max_ttl implies check_unicast_src.
    for (const UnicastPeer& p : vi.unicast_peer)
      if (p.min_ttl || p.max_ttl) vi.check_unicast_src.value = true;
  }
}

void instance_version(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (!vi.version.is_set) vi.version.value = c.cfg.global_defs.vrrp_version.value;
    if (family_of(vi) == vrrp::Family::inet6 && vi.version.value == Version::v2) {
      if (vi.version.is_set)
        // keepalived 2.2.7 switches silently (-t exits 0); vigil says so, as a warning.
        c.diags.warning(vi.version.loc, fmt::format("({}) IPv6 needs VRRPv3: version 2 "
                                                    "ignored, using version 3", vi.name));
      vi.version.value = Version::v3;
    }
  }
}

void instance_state_priority(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (vi.state.value == InitialState::master && !vi.priority.is_set)
      vi.priority.value = Priority{Priority::kOwner};
    if (!vi.state.is_set && vi.priority->is_owner()) vi.state.value = InitialState::master;
  }
}

void instance_advert_int(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    Duration d = vi.advert_int.value;
    Duration want = d;
    if (vi.version.value == Version::v2) {
      auto secs = (d.count() + 500'000) / 1'000'000;
      want = Duration{std::max<std::int64_t>(secs, 1) * 1'000'000};
    } else {
      auto cs = (d.count() + 5'000) / 10'000;
      want = Duration{std::clamp<std::int64_t>(cs, 1, 4095) * 10'000};
    }
    if (want != d) {
      c.diags.error(at(vi.advert_int, vi),
                      fmt::format("({}) advert_int {} s is not valid for VRRPv{}: using {} s "
                                  "(v2: whole seconds 1..255, v3: multiples of 0.01 s up to "
                                  "40.95 s)", vi.name, format_seconds(d),
                                  vi.version.value == Version::v2 ? 2 : 3, format_seconds(want)));
      vi.advert_int.value = want;
    }
  }
}

void instance_nopreempt(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    bool master = vi.state.value == InitialState::master;
    if (vi.nopreempt.value && (master || vi.priority->is_owner())) {
      c.diags.error(at(vi.nopreempt, vi),
                      fmt::format("({}) nopreempt will not work with initial state MASTER or "
                                  "priority 255 - clearing: use 'state BACKUP' and a priority "
                                  "below 255 on every node to use nopreempt", vi.name));
      vi.nopreempt.value = false;
    }
    if (vi.preempt_delay.value.count() != 0 && (vi.nopreempt.value || master)) {
      c.diags.error(at(vi.preempt_delay, vi),
                      fmt::format("({}) preempt_delay has no effect with nopreempt or state "
                                  "MASTER - clearing", vi.name));
      vi.preempt_delay.value = Duration{0};
    }
  }
}

void instance_strict(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (!is_strict(vi)) continue;
    bool owner = vi.priority->is_owner();
    if (vi.state.value == InitialState::master && !owner) {
      c.diags.error(at(vi.state, vi),
                    fmt::format("({}) State MASTER must match being address owner in strict "
                                "mode: use 'state BACKUP', or priority 255", vi.name));
      vi.state.value = InitialState::backup;
    }
    if (vi.auth_type.value != vrrp::AuthType::none) {
      c.diags.error(at(vi.auth_type, vi),
                    fmt::format("({}) Strict mode does not support authentication. Ignoring: "
                                "remove the authentication block", vi.name));
      vi.auth_type.value = vrrp::AuthType::none;
      vi.auth_pass.value.clear();
    }
    if (vi.preempt_delay.value.count() != 0) {
      c.diags.error(at(vi.preempt_delay, vi),
                    fmt::format("({}) preempt_delay is not allowed in strict mode - clearing",
                                vi.name));
      vi.preempt_delay.value = Duration{0};
    }
    if (vi.down_timer_adverts.is_set && vi.down_timer_adverts.value != 3) {
      c.diags.error(vi.down_timer_adverts.loc,
                    fmt::format("({}) down_timer_adverts must be 3 in strict mode - resetting",
                                vi.name));
    }
    vi.down_timer_adverts.value = 3;
    if (!vi.unicast_peer.empty())
      c.diags.error(vi.unicast_peer.front().loc,
                    fmt::format("({}) unicast peers are not allowed in strict mode: remove "
                                "unicast_peer or vrrp_strict", vi.name));
    if (vi.vmac_xmit_base.value) {
      c.diags.error(at(vi.vmac_xmit_base, vi),
                    fmt::format("({}) vmac_xmit_base is not allowed in strict mode", vi.name));
      vi.vmac_xmit_base.value = false;
    }
    if (vi.vmac_mac.is_set)
      c.diags.error(vi.vmac_mac.loc, fmt::format("({}) a VMAC MAC address is not allowed in "
                                                 "strict mode", vi.name));
    if (vi.no_virtual_ipaddress.value)
      c.diags.error(at(vi.no_virtual_ipaddress, vi),
                    fmt::format("({}) no_virtual_ipaddress is not allowed in strict mode",
                                vi.name));
    if (vi.accept.is_set && vi.accept.value && !owner && vi.version.value == Version::v2) {
      c.diags.error(vi.accept.loc, fmt::format("({}) accept is not allowed in strict mode for "
                                               "a VRRPv2 non-owner - using no_accept",
                                               vi.name));
      vi.accept.value = false;
    }
    if (!vi.virtual_ipaddress.empty() && !vi.virtual_ipaddress.front().addr.is_v4() &&
        !vi.virtual_ipaddress.front().addr.is_link_local())
      c.diags.error(vi.virtual_ipaddress.front().loc,
                    fmt::format("({}) the first IPv6 VIP address must be link local in strict "
                                "mode: put an fe80::/10 address first", vi.name));
    vi.garp_lower_prio_repeat.value = 0;
    vi.garp_lower_prio_delay.value = Duration{0};
    vi.lower_prio_no_advert.value = true;
    vi.higher_prio_send_advert.value = false;
    if (owner) vi.owner_ignore_adverts.value = true;
  }
}

void instance_accept_default(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (vi.priority->is_owner()) vi.accept.value = true;
    else if (!vi.accept.is_set) vi.accept.value = !is_strict(vi);
  }
}

void instance_authentication(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (vi.auth_type.value == vrrp::AuthType::none) continue;
    if (vi.version.value == Version::v3) {
      c.diags.error(at(vi.auth_type, vi),
                      fmt::format("({}) authentication is not used with VRRPv3: ignored",
                                  vi.name));
      vi.auth_type.value = vrrp::AuthType::none;
      continue;
    }
    if (vi.auth_type.value == vrrp::AuthType::pass && !vi.auth_pass.is_set)
      c.diags.error(at(vi.auth_type, vi),
                    fmt::format("({}) auth_type PASS needs a password: add 'auth_pass SECRET' "
                                "(up to 8 characters)", vi.name));
    if (vi.auth_type.value == vrrp::AuthType::ah && vi.state.value == InitialState::master &&
        !vi.priority->is_owner()) {
      c.diags.error(at(vi.state, vi),
                    fmt::format("({}) Initial state master is incompatible with AH "
                                "authentication - clearing: use 'state BACKUP'", vi.name));
      vi.state.value = InitialState::backup;
    }
  }
}

void instance_required(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (!vi.virtual_router_id.is_set)
      c.diags.error(vi.loc, fmt::format("({}) missing virtual_router_id: add "
                                        "'virtual_router_id N' (1..255, the same on every node "
                                        "of this VRRP group)", vi.name));
    bool unicast_src = vi.unicast_src_keyword.value && !vi.unicast_peer.empty();
    if (!vi.interface.is_set && !unicast_src)
      c.diags.error(vi.loc, fmt::format("({}) missing interface: add 'interface IFNAME' (or "
                                        "unicast_src_ip with unicast_peer)", vi.name));
    if (vi.interface.is_set && vi.interface.value == "lo")
      c.diags.error(vi.interface.loc, fmt::format("({}) VRRP cannot run on the loopback "
                                                  "interface: use a real interface", vi.name));
  }
}

void instance_unique_names(RuleCtx& c) {
  std::map<std::string_view, const VrrpInstance*> seen;
  for (const VrrpInstance& vi : c.cfg.vrrp_instances) {
    auto [it, fresh] = seen.emplace(vi.name, &vi);
    if (!fresh)
      c.diags.error(vi.loc, fmt::format("vrrp_instance {} is defined twice (first at {}): give "
                                        "each instance its own name", vi.name,
                                        it->second->loc.str()));
  }
}

void instance_unique_vrid(RuleCtx& c) {
  std::map<std::tuple<std::string_view, std::uint8_t, vrrp::Family>, const VrrpInstance*> seen;
  for (const VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (!vi.virtual_router_id.is_set || !vi.interface.is_set) continue;
    auto key = std::tuple{std::string_view(vi.interface.value), vi.virtual_router_id->value,
                          family_of(vi)};
    auto [it, fresh] = seen.emplace(key, &vi);
    if (!fresh)
      c.diags.error(vi.virtual_router_id.loc,
                    fmt::format("({}) VRID {} is already used on interface {} by {} ({}): each "
                                "instance on an interface needs its own virtual_router_id",
                                vi.name, vi.virtual_router_id->value, vi.interface.value,
                                it->second->name, it->second->virtual_router_id.loc.str()));
  }
}

void instance_address_family(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    vrrp::Family fam = family_of(vi);
    auto& vips = vi.virtual_ipaddress;
    auto bad = std::remove_if(vips.begin(), vips.end(), [&](const AddressLine& a) {
      if (a.addr.family() == fam) return false;
      c.diags.error(a.loc, fmt::format("({}) VIP {} is not of the instance's address family "
                                       "(the first VIP's): move it to "
                                       "virtual_ipaddress_excluded", vi.name,
                                       a.addr.to_string()));
      return true;
    });
    vips.erase(bad, vips.end());
    if (vi.mcast_src_ip.is_set && vi.mcast_src_ip->family() != fam) {
      c.diags.error(vi.mcast_src_ip.loc,
                    fmt::format("({}) source address {} and the VIPs MUST be of the same "
                                "family: skipping it", vi.name, vi.mcast_src_ip->to_string()));
      vi.mcast_src_ip = Field<IpAddress>{};
      vi.unicast_src_keyword = Field<bool>{};
    }
    auto& peers = vi.unicast_peer;
    auto badp = std::remove_if(peers.begin(), peers.end(), [&](const UnicastPeer& p) {
      if (p.addr.family() == fam) return false;
      c.diags.error(p.loc, fmt::format("({}) unicast peer {} and the VIPs MUST be of the same "
                                       "family: skipping it", vi.name, p.addr.to_string()));
      return true;
    });
    peers.erase(badp, peers.end());
    for (const AddressLine& a : vi.virtual_ipaddress)
      if (!a.addr.is_v4() && a.scope)
        c.diags.error(a.loc, fmt::format("({}) scope cannot be set for IPv6 address {}: "
                                           "ignored", vi.name, a.addr.to_string()));
  }
}

void instance_has_vips(RuleCtx& c) {
  for (const VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (!vi.virtual_ipaddress.empty() || vi.no_virtual_ipaddress.value) continue;
    std::string msg = fmt::format("({}) No VIP specified; at least one is sensible: add a "
                                  "virtual_ipaddress block (or no_virtual_ipaddress)", vi.name);
    c.diags.error(vi.loc, msg);  // keepalived: a config error even without strict / v3
  }
}

void instance_track_refs(RuleCtx& c) {
  auto check = [&](VrrpInstance& vi, std::vector<TrackRef>& refs, std::string_view kind,
                   auto&& exists) {
    auto bad = std::remove_if(refs.begin(), refs.end(), [&](const TrackRef& r) {
      if (exists(r.name)) return false;
      c.diags.error(r.loc, fmt::format("({}) {} {} not found, ignoring: define it at the top "
                                       "level before use", vi.name, kind, r.name));
      return true;
    });
    refs.erase(bad, refs.end());
  };
  const Config& cfg = c.cfg;
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    check(vi, vi.track_script, "track script", [&](std::string_view n) {
      return std::any_of(cfg.vrrp_scripts.begin(), cfg.vrrp_scripts.end(),
                         [&](const VrrpScript& s) { return s.name == n; });
    });
    check(vi, vi.track_file, "track file", [&](std::string_view n) {
      return std::any_of(cfg.track_files.begin(), cfg.track_files.end(),
                         [&](const TrackFile& s) { return s.name == n; });
    });
    check(vi, vi.track_process, "track process", [&](std::string_view n) {
      return std::any_of(cfg.track_processes.begin(), cfg.track_processes.end(),
                         [&](const TrackProcess& s) { return s.name == n; });
    });
    auto own = std::remove_if(vi.track_interface.begin(), vi.track_interface.end(),
                              [&](const TrackRef& r) {
      if (r.name != vi.interface.value || r.weight.value_or(0) != 0 || r.reverse) return false;
      c.diags.error(r.loc, fmt::format("({}) Ignoring track_interface {} since own interface",
                                         vi.name, r.name));
      return true;
    });
    vi.track_interface.erase(own, vi.track_interface.end());
  }
}

void instance_owner_weights(RuleCtx& c) {
  for (VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (!vi.priority->is_owner()) continue;
    for (auto* list : {&vi.track_interface, &vi.track_script, &vi.track_file,
                       &vi.track_process, &vi.track_bfd}) {
      auto w = std::remove_if(list->begin(), list->end(), [&](const TrackRef& r) {
        if (!r.weight || *r.weight == 0) return false;
        c.diags.error(r.loc, fmt::format("({}) an address owner (priority 255) ignores "
                                           "weights: tracking of {} removed (use weight 0 to "
                                           "go to FAULT instead)", vi.name, r.name));
        return true;
      });
      list->erase(w, list->end());
    }
  }
}

void instance_mcast_dst(RuleCtx& c) {
  for (const VrrpInstance& vi : c.cfg.vrrp_instances) {
    if (!vi.mcast_dst_ip.is_set) continue;
    if (!vi.mcast_dst_ip->is_multicast() || vi.mcast_dst_ip->family() != family_of(vi))
      c.diags.error(vi.mcast_dst_ip.loc,
                    fmt::format("({}) mcast_dst_ip {} must be a multicast address of the "
                                "instance's family", vi.name, vi.mcast_dst_ip->to_string()));
  }
}

void instance_timer_expired_backup(RuleCtx& c) {
  for (const VrrpInstance& vi : c.cfg.vrrp_instances)
    if (vi.timer_expired_backup.is_set && !vi.nopreempt.value)
      c.diags.error(vi.timer_expired_backup.loc,
                      fmt::format("({}) timer_expired_backup only applies with nopreempt: "
                                  "ignored", vi.name));
}

}  // namespace vigil::config::rules
