// keywords_global.cc — the `global_defs { … }` keyword table (reference §3.2).
//
// Three kinds of rows: VRRP settings vigil acts on (typed fields), settings that exist but are
// someone else's business (checker/LVS/BFD processes, process names, reload helpers: kept
// verbatim, one "not supported" warning for the checker side), and features vigil deliberately
// does not implement (SNMP, DBus, e-mail: kept verbatim, one warning per keyword).
#include <array>

#include "config/checker_side.h"
#include "config/keyword.h"

namespace vigil::config {

namespace {

using G = GlobalDefs;
constexpr std::int64_t kSec = 1'000'000;

void g_script_user(ParseCtx& ctx, const Stmt& s, G& g) {
  if (!ctx.need_args(s, 1, "USER [GROUP]", /*soft=*/true)) return;
  std::string u(s.arg(0));
  if (auto colon = u.find(':'); colon != std::string::npos) {
    g.script_group.set(u.substr(colon + 1), s.loc());
    u.resize(colon);
  }
  g.script_user.set(u, s.loc());
  if (s.nargs() > 1) {
    std::string grp(s.arg(1));
    if (!grp.empty() && grp.front() == ':') grp.erase(0, 1);
    g.script_group.set(grp, s.loc());
  }
}

template <std::optional<Fifo> G::*M>
void g_fifo(ParseCtx& ctx, const Stmt& s, G& g) {
  if (!ctx.need_args(s, 1, "PATH [user [group]]", /*soft=*/true)) return;
  Fifo f{std::string(s.arg(0)), std::string(s.nargs() > 1 ? s.arg(1) : ""),
          std::string(s.nargs() > 2 ? s.arg(2) : ""), s.loc()};
  g.*M = std::move(f);
}

template <std::optional<Command> G::*M>
void g_fifo_script(ParseCtx& ctx, const Stmt& s, G& g) {
  if (auto c = parse_command(ctx, s)) g.*M = std::move(*c);
}

void g_dynamic_interfaces(ParseCtx& ctx, const Stmt& s, G& g) {
  g.dynamic_interfaces.set(true, s.loc());
  if (s.nargs() == 0) return;
  if (s.arg(0) == "allow_if_changes")
    return g.dynamic_interfaces_allow_if_changes.set(true, s.arg_token(0).loc);
  ctx.bad_value(s, 0, fmt::format("'{}': write 'dynamic_interfaces [allow_if_changes]'",
                                  s.arg(0)));
}

void g_garp_extra_if(ParseCtx& ctx, const Stmt& s, G& g) {
  std::size_t i = 0;
  if (s.nargs() > 0 && s.arg(0) == "all") {
    g.vrrp_garp_extra_if_all.set(true, s.loc());
    i = 1;
  }
  if (!ctx.need_args(s, i + 1, "[all] SECONDS")) return;
  auto v = parse_seconds(s.arg(i), Duration{0}, Duration{86400 * kSec});
  if (!v) return ctx.bad_value(s, i, v.error());
  g.vrrp_garp_extra_if.set(*v, s.loc());
}

void g_version(ParseCtx& ctx, const Stmt& s, G& g) {
  if (!ctx.need_args(s, 1, "2|3")) return;
  auto v = parse_uint(s.arg(0), 2, 3);
  if (!v) return ctx.bad_value(s, 0, v.error() + " (VRRP version is 2 or 3)");
  g.vrrp_version.set(*v == 2 ? Version::v2 : Version::v3, s.loc());
}

void g_max_auto_priority(ParseCtx& ctx, const Stmt& s, G& g) {
  if (s.nargs() == 0) return g.max_auto_priority.set(99, s.loc());
  auto v = parse_int(s.arg(0), -1, 99);
  if (!v) return ctx.bad_value(s, 0, v.error());
  g.max_auto_priority.set(static_cast<int>(*v), s.loc());
}

void g_rlimit_rttime(ParseCtx& ctx, const Stmt& s, G& g) {
  if (!ctx.need_args(s, 1, "USEC")) return;
  auto v = parse_uint(s.arg(0), 2, 0xffffffff);
  if (!v) return ctx.bad_value(s, 0, v.error());
  g.vrrp_rlimit_rttime.set(static_cast<std::uint32_t>(*v), s.loc());
}

void g_min_auto_priority_delay(ParseCtx& ctx, const Stmt& s, G& g) {
  if (!ctx.need_args(s, 1, "USEC")) return;
  auto v = parse_uint(s.arg(0), 1, 10'000'000);
  if (!v) return ctx.bad_value(s, 0, v.error());
  g.min_auto_priority_delay.set(Duration{static_cast<std::int64_t>(*v)}, s.loc());
}

void g_nftables(ParseCtx&, const Stmt& s, G& g) {
  g.nftables.set(std::string(s.nargs() > 0 ? s.arg(0) : "keepalived"), s.loc());
}

void g_mcast_group(ParseCtx& ctx, const Stmt& s, G& g) {
  if (!ctx.need_args(s, 1, "ADDRESS")) return;
  auto v = parse_ip(s.arg(0));
  if (!v) return ctx.bad_value(s, 0, v.error());
  bool four = s.keyword().text == "vrrp_mcast_group4";
  if (v->is_v4() != four || !v->is_multicast())
    return ctx.bad_value(s, 0, fmt::format("'{}' is not an IPv{} multicast address", s.arg(0),
                                           four ? 4 : 6));
  (four ? g.vrrp_mcast_group4 : g.vrrp_mcast_group6).set(*v, s.loc());
}

void g_rx_bufs_policy(ParseCtx& ctx, const Stmt& s, G& g) {
  if (!ctx.need_args(s, 1, "MTU|ADVERT|SIZE")) return;
  g.vrrp_rx_bufs_policy.set(std::string(s.arg(0)), s.loc());
}

// Settings for keepalived's checker (LVS) and BFD processes: the one checker-side report
// (checker_side.h) covers them too.
void g_checker_side(ParseCtx& ctx, const Stmt& s, G& g) {
  report_checker_side_once(ctx, s);
  g.ignored.push_back(raw(s));
}

// Top-level keywords that keepalived also accepts inside global_defs.
void g_to_top(ParseCtx& ctx, const Stmt& s, G&);

constexpr auto kGlobalKeywords = std::to_array<Keyword<G>>({
    {"router_id", kw_string<&G::router_id>},
    {"vrrp_mcast_group4", g_mcast_group},
    {"vrrp_mcast_group6", g_mcast_group},
    {"default_interface", kw_string<&G::default_interface>},
    {"vrrp_garp_master_delay", kw_secs<&G::vrrp_garp_master_delay, 0, 0x7fffffffLL * kSec>},
    {"vrrp_garp_master_repeat", kw_int<&G::vrrp_garp_master_repeat, 0, 0x7fffffff>},
    {"vrrp_garp_lower_prio_delay", kw_secs<&G::vrrp_garp_lower_prio_delay, 0, 0x7fffffffLL * kSec>},
    {"vrrp_garp_lower_prio_repeat", kw_int<&G::vrrp_garp_lower_prio_repeat, 0, 0x7fffffff>},
    {"vrrp_garp_master_refresh", kw_secs<&G::vrrp_garp_master_refresh, 0, 0x7fffffffLL * kSec>},
    {"vrrp_garp_master_refresh_repeat",
     kw_int<&G::vrrp_garp_master_refresh_repeat, 0, 0x7fffffff>},
    {"vrrp_garp_interval", kw_secs<&G::vrrp_garp_interval, 0, 4294 * kSec>},
    {"vrrp_gna_interval", kw_secs<&G::vrrp_gna_interval, 0, 4294 * kSec>},
    {"vrrp_min_garp", kw_flag<&G::vrrp_min_garp>},
    {"vrrp_garp_extra_if", g_garp_extra_if},
    {"vrrp_vmac_garp_intvl", g_garp_extra_if},
    {"vrrp_down_timer_adverts", kw_int<&G::vrrp_down_timer_adverts, 1, 100>},
    {"vrrp_lower_prio_no_advert", kw_flag<&G::vrrp_lower_prio_no_advert>},
    {"vrrp_higher_prio_send_advert", kw_flag<&G::vrrp_higher_prio_send_advert>},
    {"vrrp_owner_ignore_adverts", kw_flag<&G::vrrp_owner_ignore_adverts>},
    {"vrrp_version", g_version},
    {"v3_checksum_as_v2", kw_flag<&G::v3_checksum_as_v2>},
    {"vrrp_check_unicast_src", kw_flag<&G::vrrp_check_unicast_src>},
    {"vrrp_skip_check_adv_addr", kw_flag<&G::vrrp_skip_check_adv_addr>},
    {"vrrp_strict", kw_flag<&G::vrrp_strict>},
    {"vrrp_notify_priority_changes", kw_flag<&G::vrrp_notify_priority_changes>},
    {"vrrp_priority", kw_int<&G::vrrp_priority, -20, 19>},
    {"vrrp_rt_priority", kw_int<&G::vrrp_rt_priority, 1, 99>},
    {"vrrp_no_swap", kw_flag<&G::vrrp_no_swap>},
    {"vrrp_cpu_affinity", kw_string<&G::vrrp_cpu_affinity>},
    {"vrrp_rlimit_rttime", g_rlimit_rttime},
    {"vrrp_rlimit_rtime", g_rlimit_rttime},
    {"max_auto_priority", g_max_auto_priority},
    {"min_auto_priority_delay", g_min_auto_priority_delay},
    {"script_user", g_script_user},
    {"enable_script_security", kw_flag<&G::enable_script_security>},
    {"set_supplementary_groups", kw_flag<&G::set_supplementary_groups>},
    {"use_symlink_paths", kw_flag<&G::use_symlink_paths>},
    {"notify_fifo", g_fifo<&G::notify_fifo>},
    {"notify_fifo_script", g_fifo_script<&G::notify_fifo_script>},
    {"vrrp_notify_fifo", g_fifo<&G::vrrp_notify_fifo>},
    {"vrrp_notify_fifo_script", g_fifo_script<&G::vrrp_notify_fifo_script>},
    {"fifo_write_vrrp_states_on_reload", kw_flag<&G::fifo_write_vrrp_states_on_reload>},
    {"dynamic_interfaces", g_dynamic_interfaces},
    {"vrrp_netlink_cmd_rcv_bufs", kw_int<&G::vrrp_netlink_cmd_rcv_bufs, 0, 0xffffffff>},
    {"vrrp_netlink_cmd_rcv_bufs_force", kw_flag<&G::vrrp_netlink_cmd_rcv_bufs_force>},
    {"vrrp_netlink_monitor_rcv_bufs", kw_int<&G::vrrp_netlink_monitor_rcv_bufs, 0, 0xffffffff>},
    {"vrrp_netlink_monitor_rcv_bufs_force", kw_flag<&G::vrrp_netlink_monitor_rcv_bufs_force>},
    {"vrrp_rx_bufs_policy", g_rx_bufs_policy},
    {"vrrp_rx_bufs_multiplier", kw_int<&G::vrrp_rx_bufs_multiplier, 1, 0xffffffff>},
    {"vrrp_startup_delay", kw_secs<&G::vrrp_startup_delay, 0, 4294 * kSec>},
    {"vrrp_delay_after_boot", kw_secs<&G::vrrp_delay_after_boot, 0, 4294 * kSec>},
    {"log_unknown_vrids", kw_flag<&G::log_unknown_vrids>},
    {"vmac_prefix", kw_string<&G::vmac_prefix>},
    {"vmac_addr_prefix", kw_string<&G::vmac_addr_prefix>},
    {"disable_local_igmp", kw_flag<&G::disable_local_igmp>},
    {"nftables", g_nftables},
    {"nftables_priority", kw_int<&G::nftables_priority, -2147483647, 2147483647>},
    {"nftables_counters", kw_flag<&G::nftables_counters>},
    {"nftables_ifindex", kw_flag<&G::nftables_ifindex>},
    {"vrrp_iptables", kw_words<&G::vrrp_iptables>},
    {"vrrp_ipsets", kw_accept<G>},
    {"random_seed", kw_int<&G::random_seed, 0, 0xffffffff>},
    {"json_version", kw_int<&G::json_version, 1, 2>},
    // Not implemented by vigil (reported once per keyword).
    {"notification_email", kw_not_implemented<G>, Shape::block},
    {"notification_email_from", kw_not_implemented<G>},
    {"smtp_server", kw_not_implemented<G>},
    {"smtp_helo_name", kw_not_implemented<G>},
    {"smtp_connect_timeout", kw_not_implemented<G>},
    {"smtp_alert", kw_not_implemented<G>},
    {"smtp_alert_vrrp", kw_not_implemented<G>},
    {"no_email_faults", kw_not_implemented<G>},
    {"enable_snmp_vrrp", kw_not_implemented<G>},
    {"enable_snmp_keepalived", kw_not_implemented<G>},
    {"enable_snmp_rfc", kw_not_implemented<G>},
    {"enable_snmp_rfcv2", kw_not_implemented<G>},
    {"enable_snmp_rfcv3", kw_not_implemented<G>},
    {"enable_traps", kw_not_implemented<G>},
    {"snmp_socket", kw_not_implemented<G>},
    {"enable_dbus", kw_not_implemented<G>},
    {"dbus_service_name", kw_not_implemented<G>},
    {"dbus_no_interface_name", kw_not_implemented<G>},
    // Process-level settings keepalived's parent uses; kept, no effect on VRRP.
    {"process_names", kw_accept<G>},
    {"process_name", kw_accept<G>},
    {"vrrp_process_name", kw_accept<G>},
    {"startup_script", kw_accept<G>},
    {"startup_script_timeout", kw_accept<G>},
    {"shutdown_script", kw_accept<G>},
    {"shutdown_script_timeout", kw_accept<G>},
    {"reload_check_config", kw_accept<G>},
    {"reload_time_file", kw_accept<G>},
    {"reload_repeat", kw_accept<G>},
    {"reload_file", kw_accept<G>},
    {"config_save_dir", kw_accept<G>},
    {"tmp_config_directory", kw_accept<G>},
    {"state_dump_file", kw_accept<G>},
    {"stats_dump_file", kw_accept<G>},
    {"json_dump_file", kw_accept<G>},
    {"data_use_instance", kw_accept<G>},
    {"umask", kw_accept<G>},
    {"iproute_usr_dir", kw_accept<G>},
    {"iproute_etc_dir", kw_accept<G>},
    {"include_check", kw_accept<G>},
    {"process_monitor_rcv_bufs", kw_accept<G>},
    {"process_monitor_rcv_bufs_force", kw_accept<G>},
    // keepalived's checker / LVS / BFD processes.
    {"lvs_sync_daemon", g_checker_side},
    {"lvs_timeouts", g_checker_side},
    {"lvs_flush", g_checker_side},
    {"lvs_flush_on_stop", g_checker_side},
    {"lvs_netlink_cmd_rcv_bufs", g_checker_side},
    {"lvs_netlink_cmd_rcv_bufs_force", g_checker_side},
    {"lvs_netlink_monitor_rcv_bufs", g_checker_side},
    {"lvs_netlink_monitor_rcv_bufs_force", g_checker_side},
    {"lvs_notify_fifo", g_checker_side},
    {"lvs_notify_fifo_script", g_checker_side},
    {"checker_priority", g_checker_side},
    {"checker_rt_priority", g_checker_side},
    {"checker_no_swap", g_checker_side},
    {"checker_cpu_affinity", g_checker_side},
    {"checker_rlimit_rttime", g_checker_side},
    {"checker_process_name", g_checker_side},
    {"checker_log_all_failures", g_checker_side},
    {"smtp_alert_checker", g_checker_side},
    {"no_checker_emails", g_checker_side},
    {"enable_snmp_checker", g_checker_side},
    {"rs_init_notifies", g_checker_side},
    {"nftables_ipvs", g_checker_side},
    {"nftables_ipvs_priority", g_checker_side},
    {"nftables_ipvs_start_fwmark", g_checker_side},
    {"bfd_priority", g_checker_side},
    {"bfd_rt_priority", g_checker_side},
    {"bfd_no_swap", g_checker_side},
    {"bfd_cpu_affinity", g_checker_side},
    {"bfd_rlimit_rttime", g_checker_side},
    {"bfd_process_name", g_checker_side},
    // Top-level keywords also accepted here.
    {"net_namespace", g_to_top},
    {"net_namespace_ipvs", g_to_top},
    {"namespace_with_ipsets", g_to_top},
    {"instance", g_to_top},
    {"use_pid_dir", g_to_top},
    {"linkbeat_use_polling", g_to_top},
    {"child_wait_time", g_to_top},
    {"linkbeat_interfaces", g_to_top, Shape::block},
});

}  // namespace

namespace {
void g_to_top(ParseCtx& ctx, const Stmt& s, G&) { parse_top_statement(ctx, s); }
}  // namespace

void parse_global_defs(ParseCtx& ctx, const Stmt& s, Config& cfg) {
  if (!cfg.global_defs.loc.file()) cfg.global_defs.loc = s.loc();
  walk_block<G>(ctx, s.block, kGlobalKeywords, cfg.global_defs, "global_defs");
}

}  // namespace vigil::config
