// config/rules_impl.h — the rule functions listed in rules.cc's table (private to src/config).
#pragma once

#include "config/rules.h"

namespace vigil::config::rules {

// rules_global.cc
void global_garp_defaults(RuleCtx&);
void script_defaults(RuleCtx&);
void script_required_command(RuleCtx&);
void script_usable(RuleCtx&);
void script_security(RuleCtx&);
void sync_group_members(RuleCtx&);
void sync_group_tracking_weight(RuleCtx&);
void interfaces_exist(RuleCtx&);
void rules_have_preference(RuleCtx&);
void routes_trackable(RuleCtx&);

// rules_instance.cc
void instance_inherit_globals(RuleCtx&);
void instance_version(RuleCtx&);
void instance_state_priority(RuleCtx&);
void instance_advert_int(RuleCtx&);
void instance_nopreempt(RuleCtx&);
void instance_strict(RuleCtx&);
void instance_accept_default(RuleCtx&);
void instance_authentication(RuleCtx&);
void instance_required(RuleCtx&);
void instance_unique_names(RuleCtx&);
void instance_unique_vrid(RuleCtx&);
void instance_address_family(RuleCtx&);
void instance_has_vips(RuleCtx&);
void instance_track_refs(RuleCtx&);
void instance_owner_weights(RuleCtx&);
void instance_mcast_dst(RuleCtx&);
void instance_timer_expired_backup(RuleCtx&);

}  // namespace vigil::config::rules
