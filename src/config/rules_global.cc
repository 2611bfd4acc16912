// rules_global.cc — rules about global_defs, scripts, sync groups, interfaces, routes and rules.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "config/lex_command.h"
#include "config/rules_impl.h"

namespace vigil::config::rules {

namespace {

bool ask(const std::function<bool(std::string_view)>& f, std::string_view what) {
  return !f || f(what);
}

// The program a script or notify command runs: its first word as keepalived splits the command
// (quotes, escapes: split_command, lex_command.h), so `"'/opt/my checks/x' arg"` names
// `/opt/my checks/x`.
std::string first_word(std::string_view cmd) {
  std::vector<std::string> argv = split_command(cmd);
  return argv.empty() ? std::string() : std::move(argv.front());
}

// Every notify command, wherever it is written.
std::vector<const Command*> notify_commands(const Config& cfg) {
  std::vector<const Command*> out;
  auto add = [&](const auto& c) {  // std::optional or HeapOptional: by reference, kept below
    if (c && !c->cmd.empty()) out.push_back(&*c);
  };
  for (const VrrpInstance& vi : cfg.vrrp_instances)
    for (auto* c : {&vi.notify_master, &vi.notify_backup, &vi.notify_fault, &vi.notify_stop,
                    &vi.notify_deleted, &vi.notify, &vi.notify_master_rx_lower_pri})
      add(*c);
  for (const SyncGroup& g : cfg.sync_groups)
    for (auto* c : {&g.notify_master, &g.notify_backup, &g.notify_fault, &g.notify_stop,
                    &g.notify})
      add(*c);
  add(cfg.global_defs.notify_fifo_script);
  add(cfg.global_defs.vrrp_notify_fifo_script);
  return out;
}

}  // namespace

void global_garp_defaults(RuleCtx& c) {
  GlobalDefs& g = c.cfg.global_defs;
  if (g.vrrp_min_garp.value) {
    if (!g.vrrp_garp_master_repeat.is_set) g.vrrp_garp_master_repeat.value = 1;
    if (!g.vrrp_garp_master_delay.is_set) g.vrrp_garp_master_delay.value = Duration{0};
    if (!g.vrrp_garp_master_refresh.is_set) g.vrrp_garp_master_refresh.value = Duration{0};
    if (!g.vrrp_garp_master_refresh_repeat.is_set) g.vrrp_garp_master_refresh_repeat.value = 0;
  }
  if (g.vrrp_garp_master_repeat.value == 0) g.vrrp_garp_master_repeat.value = 1;
  if (!g.vrrp_garp_lower_prio_delay.is_set)
    g.vrrp_garp_lower_prio_delay.value = g.vrrp_garp_master_delay.value;
  if (!g.vrrp_garp_lower_prio_repeat.is_set)
    g.vrrp_garp_lower_prio_repeat.value = g.vrrp_garp_master_repeat.value;
}

void script_defaults(RuleCtx& c) {
  for (VrrpScript& s : c.cfg.vrrp_scripts)
    if (!s.timeout.is_set) s.timeout.value = s.interval.value;
}

void script_required_command(RuleCtx& c) {
  auto& v = c.cfg.vrrp_scripts;
  auto bad = std::remove_if(v.begin(), v.end(), [&](const VrrpScript& s) {
    if (s.script.is_set) return false;
    c.diags.error(s.loc, fmt::format("vrrp_script {} has no 'script' line - removing: add "
                                     "'script \"/path/to/check args\"'", s.name));
    return true;
  });
  v.erase(bad, v.end());
}

void script_usable(RuleCtx& c) {
  for (VrrpScript& s : c.cfg.vrrp_scripts) {
    if (ask(c.env.script_usable, first_word(s.script.value))) continue;
    s.disabled = true;
    c.diags.error(s.script.loc, fmt::format("Disabling track script {} since not "
                                            "found/accessible: '{}' must exist and be "
                                            "executable", s.name, first_word(s.script.value)));
  }
}

void script_security(RuleCtx& c) {
  GlobalDefs& g = c.cfg.global_defs;
  bool secure = g.enable_script_security.value;
  // The user scripts run as when they name none (keepalived: script_user, else
  // keepalived_script if it exists, else root).
  bool default_known = true;
  bool default_root = false;
  if (g.script_user.is_set) {
    if (!ask(c.env.user_exists, g.script_user.value)) {
      c.diags.warning(g.script_user.loc, fmt::format("Error setting global script uid/gid: "
                                                     "user '{}' does not exist",
                                                     g.script_user.value));
      default_known = false;
    }
    default_root = g.script_user.value == "root";
  } else if (c.cfg.vrrp_scripts.empty() && notify_commands(c.cfg).empty() &&
             c.cfg.checker_scripts.empty()) {
    return;  // nothing runs scripts: no user to look up (getpwnam loads NSS: ~0.3 ms)
  } else if (!ask(c.env.user_exists, "keepalived_script")) {
    if (secure) default_known = false;
    else default_root = true;
  }
  {
    auto& v = c.cfg.vrrp_scripts;
    auto bad_user = std::remove_if(v.begin(), v.end(), [&](const VrrpScript& s) {
      if (!s.user.is_set || ask(c.env.user_exists, s.user.value)) return false;
      c.diags.error(s.user.loc, fmt::format("Unable to set uid/gid for script {}: user '{}' does "
                                            "not exist - removing", s.name, s.user.value));
      return true;
    });
    v.erase(bad_user, v.end());
  }
  if (!default_known && secure) {
    auto& v = c.cfg.vrrp_scripts;
    auto gone = std::remove_if(v.begin(), v.end(), [&](const VrrpScript& s) {
      if (s.user.is_set) return false;
      c.diags.error(s.loc, fmt::format("Unable to set default user for vrrp script {} - "
                                       "removing: create user keepalived_script or set "
                                       "script_user / the script's 'user'", s.name));
      return true;
    });
    v.erase(gone, v.end());
  }
  if (secure) return;
  // keepalived's VRRP process (which checks its scripts) only runs with a vrrp_instance: with
  // none, defined scripts are never run (keepalived 2.2.7 -t: exit 0).
  bool as_root = false;
  SourceLoc first_root;
  const bool vrrp_runs = !c.cfg.vrrp_instances.empty();
  for (const VrrpScript& s : c.cfg.vrrp_scripts) {
    if (s.disabled || !vrrp_runs) continue;
    if (s.user.is_set ? s.user.value == "root" : default_root) {
      if (!as_root) first_root = s.loc;
      as_root = true;
    }
  }
  for (const Command* cmd : notify_commands(c.cfg)) {
    if (!ask(c.env.script_usable, first_word(cmd->cmd))) continue;
    if (cmd->user.empty() ? default_root : cmd->user == "root") {
      if (!as_root) first_root = cmd->loc;
      as_root = true;
    }
  }
  if (as_root) {
    c.facts.script_security_violation = true;
    c.diags.script_security(g.loc.file() ? g.loc : first_root,
                            "SECURITY VIOLATION - scripts are being executed but script_security "
                            "not enabled: add 'enable_script_security' (and a script_user) to "
                            "global_defs");
  }
  // keepalived's checker process makes the same check for its own scripts (vigil does not run
  // them, but -t gives keepalived's verdict).
  for (const Command& cmd : c.cfg.checker_scripts) {
    if (!ask(c.env.script_usable, first_word(cmd.cmd))) continue;
    if (!(cmd.user.empty() ? default_root : cmd.user == "root")) continue;
    c.facts.script_security_violation = true;
    c.diags.script_security(cmd.loc,
                            "SECURITY VIOLATION - check scripts are being executed but "
                            "script_security not enabled (keepalived's checker would run this one "
                            "as root; vigil does not run it): add 'enable_script_security' to "
                            "global_defs");
    break;
  }
}

void sync_group_members(RuleCtx& c) {
  std::map<std::string, const SyncGroup*, std::less<>> owner;  // own keys: members are rebuilt
  auto& groups = c.cfg.sync_groups;
  for (SyncGroup& g : groups) {
    // Each problem is reported at the member's own line:col (the `group` line when the model
    // was built without member locations).
    std::vector<std::string> kept;
    std::vector<SourceLoc> kept_locs;
    for (std::size_t m = 0; m < g.group.size(); ++m) {
      const std::string& name = g.group[m];
      const SourceLoc at = m < g.member_locs.size() ? g.member_locs[m]
                           : g.group_loc.file()     ? g.group_loc
                                                    : g.loc;
      if (!c.cfg.find_instance(name)) {
        c.diags.error(at, fmt::format("sync group {}: unknown vrrp_instance '{}' - removing it",
                                      g.name, name));
        continue;
      }
      auto [it, fresh] = owner.emplace(name, &g);
      if (!fresh) {
        c.diags.error(at, fmt::format("vrrp_instance {} is already in sync group {}: "
                                      "an instance can be in one group only", name,
                                      it->second->name));
        continue;
      }
      kept.push_back(name);
      kept_locs.push_back(at);
    }
    g.group = std::move(kept);
    g.member_locs = std::move(kept_locs);
    if (g.group.size() == 1)
      c.diags.error(g.loc, fmt::format("Sync group {} has only 1 virtual router - this "
                                         "probably isn't what you want", g.name));
  }
  auto empty = std::remove_if(groups.begin(), groups.end(), [&](const SyncGroup& g) {
    if (!g.group.empty()) return false;
    c.diags.error(g.loc, fmt::format("Sync group {} has no virtual router(s) - removing: list "
                                     "its members in 'group {{ VI_1 VI_2 }}'", g.name));
    return true;
  });
  groups.erase(empty, groups.end());
}

void sync_group_tracking_weight(RuleCtx& c) {
  for (const SyncGroup& g : c.cfg.sync_groups) {
    if (g.sync_group_tracking_weight.value) continue;
    for (const std::string& name : g.group) {
      auto it = std::find_if(c.cfg.vrrp_instances.begin(), c.cfg.vrrp_instances.end(),
                             [&](const VrrpInstance& v) { return v.name == name; });
      if (it == c.cfg.vrrp_instances.end()) continue;
      for (auto* list : {&it->track_interface, &it->track_script, &it->track_file,
                         &it->track_process, &it->track_bfd}) {
        for (TrackRef& r : *list) {
          if (!r.weight || *r.weight == 0) continue;
          c.diags.error(r.loc, fmt::format("({}) is in sync group {}: the weight of tracked "
                                             "{} is ignored (add sync_group_tracking_weight to "
                                             "the group to use it)", name, g.name, r.name));
          r.weight = 0;
        }
      }
    }
  }
}

void interfaces_exist(RuleCtx& c) {
  if (!c.env.interface_exists) return;
  bool dynamic = c.cfg.global_defs.dynamic_interfaces.value;
  // `what` is only formatted for a missing interface (large configs name thousands).
  auto check = [&](const std::string& ifname, SourceLoc loc, auto&& what) {
    if (ifname.empty() || c.env.interface_exists(ifname)) return;
    std::string msg = fmt::format("interface {} for {} doesn't exist{}", ifname, what(),
                                  dynamic ? " (dynamic_interfaces: waiting for it)"
                                          : ": create it, fix the name, or set "
                                            "dynamic_interfaces in global_defs");
    if (dynamic) c.diags.warning(loc, msg);
    else c.diags.error(loc, msg);
  };
  auto route = [] { return std::string("route"); };
  auto nexthop = [] { return std::string("route nexthop"); };
  for (const VrrpInstance& vi : c.cfg.vrrp_instances) {
    check(vi.interface.value, vi.interface.loc,
          [&] { return fmt::format("vrrp_instance {}", vi.name); });
    for (const TrackRef& r : vi.track_interface)
      check(r.name, r.loc, [&] { return fmt::format("track_interface of {}", vi.name); });
    for (const auto* list : {&vi.virtual_ipaddress, &vi.virtual_ipaddress_excluded})
      for (const AddressLine& a : *list)
        check(a.dev, a.loc, [&] { return fmt::format("ip address {}", a.addr.to_string()); });
    for (const RouteLine& r : vi.virtual_routes) {
      check(r.dev, r.loc, route);
      for (const Nexthop& n : r.nexthops) check(n.dev, r.loc, nexthop);
    }
  }
  for (const AddressLine& a : c.cfg.static_ipaddress)
    check(a.dev, a.loc, [&] { return fmt::format("ip address {}", a.addr.to_string()); });
  for (const RouteLine& r : c.cfg.static_routes) {
    check(r.dev, r.loc, route);
    for (const Nexthop& n : r.nexthops) check(n.dev, r.loc, nexthop);
  }
  for (const SyncGroup& g : c.cfg.sync_groups)
    for (const TrackRef& r : g.track_interface)
      check(r.name, r.loc, [&] { return fmt::format("track_interface of sync group {}", g.name); });
}

void rules_have_preference(RuleCtx& c) {
  auto check = [&](const std::vector<RuleLine>& rules) {
    for (const RuleLine& r : rules)
      if (!r.preference)
        c.diags.error(r.loc, "Rule has no preference specified - keepalived assigns one, "
                               "which is probably not what you want: add 'preference N'");
  };
  check(c.cfg.static_rules);
  for (const VrrpInstance& vi : c.cfg.vrrp_instances) check(vi.virtual_rules);
}

void routes_trackable(RuleCtx& c) {
  for (const VrrpInstance& vi : c.cfg.vrrp_instances)
    for (const RouteLine& r : vi.virtual_routes) {
      if (!r.no_track && (r.protocol ||
                          std::any_of(r.attrs.begin(), r.attrs.end(),
                                      [](const auto& a) { return a.first == "protocol"; })))
        c.diags.error(r.loc, fmt::format("({}) a tracked route must have keepalived's protocol "
                                         "(18) - resetting protocol: remove 'protocol' or add "
                                         "'no_track'", vi.name));
      if (!r.no_track && r.dev.empty() && r.nexthops.empty())
        c.diags.error(r.loc, fmt::format("({}) cannot track a route with no interface "
                                           "specified, not tracking: add 'dev IF' or "
                                           "'no_track'", vi.name));
    }
}

}  // namespace vigil::config::rules
