// rules.cc — the table of named rules and the driver. The rules themselves are in
// rules_instance.cc (per vrrp_instance) and rules_global.cc (everything else).
#include "config/rules.h"

#include <array>

#include "config/rules_impl.h"

namespace vigil::config {

namespace {

using namespace rules;

constexpr auto kRules = std::to_array<Rule>({
    // Derivations: keepalived's defaults that depend on other settings.
    {"global_garp_defaults", global_garp_defaults,
     "lower-prio GARP settings default to the master ones; vrrp_min_garp; repeat 0 → 1"},
    {"script_defaults", script_defaults, "vrrp_script timeout defaults to its interval"},
    {"instance_inherit_globals", instance_inherit_globals,
     "per-instance GARP/advert settings default to their global_defs values"},
    {"instance_version", instance_version,
     "version defaults to vrrp_version; IPv6 instances always use VRRPv3"},
    {"instance_state_priority", instance_state_priority,
     "priority 255 when state MASTER and no priority; state MASTER when priority 255"},
    {"instance_advert_int", instance_advert_int,
     "advert_int rounded to whole seconds (v2) or centiseconds ≤ 40.95 s (v3)"},
    {"instance_nopreempt", instance_nopreempt,
     "nopreempt / preempt_delay cleared for an address owner or state MASTER"},
    {"instance_strict", instance_strict, "vrrp_strict / strict_mode consequences (§4.8)"},
    {"instance_accept_default", instance_accept_default,
     "accept defaults on, off in strict mode unless address owner"},
    {"instance_authentication", instance_authentication,
     "authentication only for VRRPv2; AH incompatible with initial MASTER"},
    // Checks.
    {"script_required_command", script_required_command,
     "a vrrp_script without `script` is removed"},
    {"script_usable", script_usable, "scripts that are not found/executable are disabled"},
    {"script_security", script_security,
     "scripts running as root need enable_script_security (keepalived -t exit 6)"},
    {"instance_required", instance_required, "virtual_router_id and interface are required"},
    {"instance_unique_names", instance_unique_names, "vrrp_instance names are unique"},
    {"instance_unique_vrid", instance_unique_vrid,
     "one VRID per interface and address family"},
    {"instance_address_family", instance_address_family,
     "VIPs, source address and peers share the instance's address family"},
    {"instance_has_vips", instance_has_vips, "an instance has at least one VIP"},
    {"instance_track_refs", instance_track_refs,
     "tracked scripts/files/processes exist; own interface is not tracked"},
    {"instance_owner_weights", instance_owner_weights,
     "an address owner ignores weighted trackers"},
    {"instance_mcast_dst", instance_mcast_dst, "mcast_dst_ip is a multicast address"},
    {"instance_timer_expired_backup", instance_timer_expired_backup,
     "timer_expired_backup only with nopreempt"},
    {"sync_group_members", sync_group_members,
     "sync group members exist, belong to one group, and a group has ≥ 1 member"},
    {"sync_group_tracking_weight", sync_group_tracking_weight,
     "weighted trackers in a sync group need sync_group_tracking_weight"},
    {"interfaces_exist", interfaces_exist,
     "named interfaces exist (unless dynamic_interfaces)"},
    {"rules_have_preference", rules_have_preference,
     "ip rules without a preference get one assigned"},
    {"routes_trackable", routes_trackable, "a tracked route needs an interface"},
});

}  // namespace

std::span<const Rule> all_rules() { return kRules; }

RuleFacts apply_rules(Config& cfg, const Environment& env, Diagnostics& diags) {
  RuleCtx ctx{cfg, diags, env, {}};
  for (const Rule& r : kRules) r.fn(ctx);
  return ctx.facts;
}

}  // namespace vigil::config
