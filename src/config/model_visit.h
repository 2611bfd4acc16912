// config/model_visit.h — one list of every scalar setting per model struct, in keyword order,
// shared by the JSON dump and the keepalived.conf printer (so neither can forget a field).
//
// visit_*(obj, v) calls v(name, field, how) for each Field. `name` is keepalived's keyword;
// `how` tells the printer whether `keyword value` is the right way to write it back
// (Print::plain) or whether it is written by hand-made code (Print::custom) because its syntax
// is not `keyword value` (use_vmac arguments, authentication block, weight … reverse).
#pragma once

#include "config/model.h"

namespace vigil::config {

enum class Print : std::uint8_t { plain, custom };

template <class G, class V>
void visit_global(G& g, V&& v) {
  constexpr auto P = Print::plain;
  constexpr auto C = Print::custom;
  v("router_id", g.router_id, P);
  v("vrrp_mcast_group4", g.vrrp_mcast_group4, P);
  v("vrrp_mcast_group6", g.vrrp_mcast_group6, P);
  v("default_interface", g.default_interface, P);
  v("vrrp_garp_master_delay", g.vrrp_garp_master_delay, P);
  v("vrrp_garp_master_repeat", g.vrrp_garp_master_repeat, P);
  v("vrrp_garp_lower_prio_delay", g.vrrp_garp_lower_prio_delay, P);
  v("vrrp_garp_lower_prio_repeat", g.vrrp_garp_lower_prio_repeat, P);
  v("vrrp_garp_master_refresh", g.vrrp_garp_master_refresh, P);
  v("vrrp_garp_master_refresh_repeat", g.vrrp_garp_master_refresh_repeat, P);
  v("vrrp_garp_interval", g.vrrp_garp_interval, P);
  v("vrrp_gna_interval", g.vrrp_gna_interval, P);
  v("vrrp_min_garp", g.vrrp_min_garp, P);
  v("vrrp_garp_extra_if", g.vrrp_garp_extra_if, C);
  v("vrrp_garp_extra_if_all", g.vrrp_garp_extra_if_all, C);
  v("vrrp_down_timer_adverts", g.vrrp_down_timer_adverts, P);
  v("vrrp_lower_prio_no_advert", g.vrrp_lower_prio_no_advert, P);
  v("vrrp_higher_prio_send_advert", g.vrrp_higher_prio_send_advert, P);
  v("vrrp_owner_ignore_adverts", g.vrrp_owner_ignore_adverts, P);
  v("vrrp_version", g.vrrp_version, P);
  v("v3_checksum_as_v2", g.v3_checksum_as_v2, P);
  v("vrrp_check_unicast_src", g.vrrp_check_unicast_src, P);
  v("vrrp_skip_check_adv_addr", g.vrrp_skip_check_adv_addr, P);
  v("vrrp_strict", g.vrrp_strict, P);
  v("vrrp_notify_priority_changes", g.vrrp_notify_priority_changes, P);
  v("vrrp_priority", g.vrrp_priority, P);
  v("vrrp_rt_priority", g.vrrp_rt_priority, P);
  v("vrrp_no_swap", g.vrrp_no_swap, P);
  v("vrrp_cpu_affinity", g.vrrp_cpu_affinity, P);
  v("vrrp_rlimit_rttime", g.vrrp_rlimit_rttime, P);
  v("max_auto_priority", g.max_auto_priority, P);
  v("min_auto_priority_delay", g.min_auto_priority_delay, C);
  v("script_user", g.script_user, C);
  v("script_group", g.script_group, C);
  v("enable_script_security", g.enable_script_security, P);
  v("set_supplementary_groups", g.set_supplementary_groups, P);
  v("use_symlink_paths", g.use_symlink_paths, P);
  v("fifo_write_vrrp_states_on_reload", g.fifo_write_vrrp_states_on_reload, P);
  v("dynamic_interfaces", g.dynamic_interfaces, C);
  v("dynamic_interfaces_allow_if_changes", g.dynamic_interfaces_allow_if_changes, C);
  v("vrrp_netlink_cmd_rcv_bufs", g.vrrp_netlink_cmd_rcv_bufs, P);
  v("vrrp_netlink_cmd_rcv_bufs_force", g.vrrp_netlink_cmd_rcv_bufs_force, P);
  v("vrrp_netlink_monitor_rcv_bufs", g.vrrp_netlink_monitor_rcv_bufs, P);
  v("vrrp_netlink_monitor_rcv_bufs_force", g.vrrp_netlink_monitor_rcv_bufs_force, P);
  v("vrrp_rx_bufs_policy", g.vrrp_rx_bufs_policy, P);
  v("vrrp_rx_bufs_multiplier", g.vrrp_rx_bufs_multiplier, P);
  v("vrrp_startup_delay", g.vrrp_startup_delay, P);
  v("vrrp_delay_after_boot", g.vrrp_delay_after_boot, P);
  v("log_unknown_vrids", g.log_unknown_vrids, P);
  v("vmac_prefix", g.vmac_prefix, P);
  v("vmac_addr_prefix", g.vmac_addr_prefix, P);
  v("disable_local_igmp", g.disable_local_igmp, P);
  v("nftables", g.nftables, P);
  v("nftables_priority", g.nftables_priority, P);
  v("nftables_counters", g.nftables_counters, P);
  v("nftables_ifindex", g.nftables_ifindex, P);
  v("vrrp_iptables", g.vrrp_iptables, P);
  v("random_seed", g.random_seed, P);
  v("json_version", g.json_version, P);
}

template <class I, class V>
void visit_instance(I& vi, V&& v) {
  constexpr auto P = Print::plain;
  constexpr auto C = Print::custom;
  v("state", vi.state, P);
  v("interface", vi.interface, P);
  v("vrf", vi.vrf, P);
  v("virtual_router_id", vi.virtual_router_id, P);
  v("priority", vi.priority, P);
  v("advert_int", vi.advert_int, P);
  v("version", vi.version, P);
  v("no_virtual_ipaddress", vi.no_virtual_ipaddress, P);
  v("dont_track_primary", vi.dont_track_primary, P);
  v("track_src_ip", vi.track_src_ip, P);
  v("mcast_src_ip", vi.mcast_src_ip, C);
  v("unicast_src_keyword", vi.unicast_src_keyword, C);
  v("mcast_dst_ip", vi.mcast_dst_ip, P);
  v("unicast_peer_block", vi.unicast_peer_block, C);
  v("unicast_ttl", vi.unicast_ttl, P);
  v("unicast_fault_no_peer", vi.unicast_fault_no_peer, P);
  v("check_unicast_src", vi.check_unicast_src, P);
  v("old_unicast_checksum", vi.old_unicast_checksum, C);
  v("v3_checksum_as_v2", vi.v3_checksum_as_v2, P);
  v("auth_type", vi.auth_type, C);
  v("auth_pass", vi.auth_pass, C);
  v("nopreempt", vi.nopreempt, P);
  v("preempt_delay", vi.preempt_delay, P);
  v("accept", vi.accept, C);
  v("skip_check_adv_addr", vi.skip_check_adv_addr, P);
  v("strict_mode", vi.strict_mode, P);
  v("use_vmac", vi.use_vmac, C);
  v("vmac_name", vi.vmac_name, C);
  v("vmac_mac", vi.vmac_mac, C);
  v("vmac_netlink_notify_msg", vi.vmac_netlink_notify_msg, C);
  v("vmac_group", vi.vmac_group, C);
  v("use_vmac_addr", vi.use_vmac_addr, P);
  v("vmac_xmit_base", vi.vmac_xmit_base, P);
  v("use_ipvlan", vi.use_ipvlan, P);
  v("native_ipv6", vi.native_ipv6, P);
  v("promote_secondaries", vi.promote_secondaries, P);
  v("garp_master_delay", vi.garp_master_delay, P);
  v("garp_master_repeat", vi.garp_master_repeat, P);
  v("garp_master_refresh", vi.garp_master_refresh, P);
  v("garp_master_refresh_repeat", vi.garp_master_refresh_repeat, P);
  v("garp_lower_prio_delay", vi.garp_lower_prio_delay, P);
  v("garp_lower_prio_repeat", vi.garp_lower_prio_repeat, P);
  v("garp_extra_if", vi.garp_extra_if, C);
  v("garp_extra_if_all", vi.garp_extra_if_all, C);
  v("down_timer_adverts", vi.down_timer_adverts, P);
  v("timer_expired_backup", vi.timer_expired_backup, P);
  v("lower_prio_no_advert", vi.lower_prio_no_advert, P);
  v("higher_prio_send_advert", vi.higher_prio_send_advert, P);
  v("owner_ignore_adverts", vi.owner_ignore_adverts, P);
  v("notify_priority_changes", vi.notify_priority_changes, P);
  v("smtp_alert", vi.smtp_alert, P);
  v("kernel_rx_buf_size", vi.kernel_rx_buf_size, P);
  v("debug", vi.debug, P);
}

template <class S, class V>
void visit_script(S& s, V&& v) {
  constexpr auto P = Print::plain;
  constexpr auto C = Print::custom;
  v("script", s.script, P);
  v("interval", s.interval, P);
  v("timeout", s.timeout, P);
  v("weight", s.weight, C);
  v("weight_reverse", s.weight_reverse, C);
  v("rise", s.rise, P);
  v("fall", s.fall, P);
  v("user", s.user, C);
  v("group", s.group, C);
  v("init_fail", s.init_fail, P);
}

template <class F, class V>
void visit_track_file(F& f, V&& v) {
  constexpr auto P = Print::plain;
  constexpr auto C = Print::custom;
  v("file", f.file, P);
  v("weight", f.weight, C);
  v("weight_reverse", f.weight_reverse, C);
  v("init_file", f.init_file, C);
  v("init_value", f.init_value, C);
  v("init_overwrite", f.init_overwrite, C);
}

template <class T, class V>
void visit_track_process(T& p, V&& v) {
  constexpr auto P = Print::plain;
  constexpr auto C = Print::custom;
  v("process", p.process, C);
  v("args", p.args, C);
  v("param_match", p.param_match, C);
  v("weight", p.weight, C);
  v("weight_reverse", p.weight_reverse, C);
  v("quorum", p.quorum, P);
  v("quorum_max", p.quorum_max, P);
  v("delay", p.delay, P);
  v("fork_delay", p.fork_delay, P);
  v("terminate_delay", p.terminate_delay, P);
  v("full_command", p.full_command, P);
}

template <class S, class V>
void visit_sync_group(S& g, V&& v) {
  constexpr auto P = Print::plain;
  v("smtp_alert", g.smtp_alert, P);
  v("notify_priority_changes", g.notify_priority_changes, P);
  v("sync_group_tracking_weight", g.sync_group_tracking_weight, P);
  v("global_tracking", g.global_tracking, P);
}

template <class C, class V>
void visit_top(C& c, V&& v) {
  constexpr auto P = Print::plain;
  v("net_namespace", c.net_namespace, P);
  v("net_namespace_ipvs", c.net_namespace_ipvs, P);
  v("instance", c.instance, P);
  v("namespace_with_ipsets", c.namespace_with_ipsets, P);
  v("use_pid_dir", c.use_pid_dir, P);
  v("linkbeat_use_polling", c.linkbeat_use_polling, P);
  v("child_wait_time", c.child_wait_time, P);
}

}  // namespace vigil::config
