// config/checker_side.h — keepalived's checker (LVS) and BFD sections: `virtual_server`,
// `virtual_server_group`, `real_server`, `bfd_instance`, `SSL`, `vrrp_track_bfd` and the
// `*_CHECK` blocks inside them, and the checker settings of global_defs.
//
// vigil does not run any of it. It is parsed for structure (the tree builder has matched the
// braces), reported ONCE for the whole configuration as not supported — at the first place it
// appears — and kept verbatim (name line only) for --dump-conf and the printer. Never dropped
// silently, never a crash.
//
// `vigild -t` must still give keepalived -t's verdict on such a file, so the few checker-side
// values that make keepalived 2.2.7 count a configuration error are checked, with file:line:col:
//   persistence_timeout N      N in 1..2678400
//   quorum N                   N in 1..4294967295
//   lb_kind / lvs_method M     NAT, DR or TUN
// and the check scripts (MISC_CHECK misc_path, quorum_up/quorum_down, notify_up/notify_down)
// are collected into Config::checker_scripts: keepalived counts them in its script-security
// check (exit 6, "SECURITY VIOLATION - check scripts are being executed…"), and so does the
// script_security rule (rules_global.cc).
#pragma once

#include "config/keyword.h"

namespace vigil::config {

// Top-level handler for a checker-side block (any shape).
void parse_checker_block(ParseCtx& ctx, const Stmt& s, Config& c);

// The one "not supported" report, made at the first checker-side statement seen (a top-level
// block or a global_defs setting); later ones are silent.
void report_checker_side_once(ParseCtx& ctx, const Stmt& s);

}  // namespace vigil::config
