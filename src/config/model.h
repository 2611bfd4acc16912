// config/model.h — the typed model of a keepalived.conf (VRRP side), as the parser leaves it.
//
// Every setting is a Field<T>: its value (keepalived's default until the file says otherwise),
// where it was written (SourceLoc, empty for a default) and whether it was written at all (some
// of keepalived's derived values depend on "explicitly set", e.g. vrrp_min_garp). Repeated items
// (VIPs, peers, trackers…) carry their own SourceLoc.
//
// The model is plain data. The parser (config/parser.h) fills it, the validation rules
// (config/rules.h) apply keepalived's defaults and derivations, and after that it is handed out
// as const (config/check.h): nothing downstream mutates it.
//
// Field names follow keepalived's keywords, so the JSON dump (config/dump.h) and the
// keepalived.conf printer speak the same words as the operator's file.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/heap_optional.h"
#include "config/rare_string.h"
#include "config/source.h"
#include "vrrp/types.h"

namespace vigil::config {

using vrrp::Duration;
using vrrp::IpAddress;
using vrrp::Priority;
using vrrp::Version;
using vrrp::Vrid;

template <class T>
struct Field {
  Field() = default;
  Field(T v) : value(std::move(v)) {}  // NOLINT: a default value reads best as `Field<T> x{v}`

  // Location first, flag beside the value: keeps a Field<bool> at 12 bytes, a Field<uint32_t>
  // at 16 (large configs have ~90 of them per instance, thousands of instances).
  SourceLoc loc;       // where the file set it; empty while it holds the default
  T value{};
  bool is_set = false; // written in the file (derived values leave this false)

  void set(T v, SourceLoc where) {
    value = std::move(v);
    loc = where;
    is_set = true;
  }
  const T& operator*() const { return value; }
  const T* operator->() const { return &value; }
};

// A keyword vigil accepts but does not interpret (checker side, SNMP, e-mail…), kept verbatim so
// --dump-conf shows it and the printer can write it back.
struct RawStatement {
  std::vector<std::string> words;
  bool block = false;  // it had a `{ … }` (its content is not kept)
  SourceLoc loc;
};

// `CMD|"CMD args" [user [:][group]]` — notify scripts, FIFO scripts, startup/shutdown scripts.
struct Command {
  std::string cmd;
  std::string user;   // empty = script_user
  std::string group;
  SourceLoc loc;
};

// `notify_fifo FIFO [user [group]]` and friends.
struct Fifo {
  std::string path;
  std::string user, group;
  SourceLoc loc;
};

// ---------------------------------------------------------------- address / route / rule lines

enum class Scope : std::uint8_t { global = 0, site = 200, link = 253, host = 254, nowhere = 255 };
enum class BrdMode : std::uint8_t { none, address, all_ones, all_zeros };
std::string_view name_of(Scope s);  // `ip` spelling: "global", "site", "link", "host", "nowhere"

// One line of virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress (reference §3.7).
struct AddressLine {
  // Members ordered largest-first to avoid padding (there can be tens of thousands): 128 bytes.
  std::string dev;                // empty = instance interface (or default_interface for static)
  RareString label;               // seldom written: 8 bytes while empty (config/rare_string.h)
  RareString track_group;
  SourceLoc loc;
  std::optional<std::uint32_t> preferred_lft;  // 0xFFFFFFFF = forever
  IpAddress addr;
  IpAddress brd;                  // when brd_mode == address
  std::optional<IpAddress> peer;
  std::optional<Scope> scope;
  std::uint8_t prefix = 32;       // /32 or /128 by default
  std::uint8_t peer_prefix = 0;
  BrdMode brd_mode = BrdMode::none;
  bool home = false, nodad = false, mngtmpaddr = false, noprefixroute = false, autojoin = false;
  bool no_track = false, use_vmac = false;
};

enum class RouteType : std::uint8_t {
  unicast, blackhole, unreachable, prohibit, throw_, local, broadcast, anycast, multicast, nat
};
std::string_view name_of(RouteType t);  // `ip route` spelling: "unicast", "blackhole", "throw"…

struct Nexthop {
  std::optional<IpAddress> via;
  std::string dev;
  std::optional<std::uint32_t> weight;  // 1..256
  bool onlink = false;
  std::optional<std::uint32_t> realms;
};

// One line of virtual_routes / static_routes: `ip route` syntax.
struct RouteLine {
  RouteType type = RouteType::unicast;
  bool inet6 = false;
  std::optional<IpAddress> src;
  IpAddress dst;
  std::uint8_t dst_prefix = 0;
  bool dst_default = false;  // default / any / all
  std::optional<IpAddress> via;
  std::optional<IpAddress> or_via;   // keepalived's `or` second gateway
  std::string dev;
  std::optional<Scope> scope;
  std::optional<std::uint32_t> table, metric, protocol, tos, realms;
  std::vector<Nexthop> nexthops;
  bool onlink = false, no_track = false;
  // route metrics and other ip-route attributes kept as written: mtu, advmss, rtt, cwnd, pref…
  std::vector<std::pair<std::string, std::string>> attrs;
  std::string track_group;
  SourceLoc loc;
};

// One line of virtual_rules / static_rules: `ip rule` syntax.
struct RuleLine {
  bool inet6 = false;
  bool not_ = false;
  std::optional<IpAddress> from, to;
  std::uint8_t from_prefix = 0, to_prefix = 0;
  bool from_all = false, to_all = false;
  std::optional<std::uint32_t> table, preference, tos, goto_, realms, suppress_prefixlength,
      suppress_ifgroup, protocol, ipproto;
  std::optional<std::uint32_t> fwmark, fwmask;
  std::string iif, oif, type;
  std::optional<std::pair<std::uint32_t, std::uint32_t>> uidrange, sport, dport;
  bool l3mdev = false, no_track = false;
  std::optional<std::uint64_t> tunnel_id;
  std::string track_group;
  SourceLoc loc;
};

// ---------------------------------------------------------------- trackers

// An entry of track_interface / track_script / track_file / track_process / track_bfd.
struct TrackRef {
  std::string name;
  std::optional<int> weight;  // nullopt = the tracked object's own weight (interfaces: 0)
  bool reverse = false;
  SourceLoc loc;
};

struct VrrpScript {
  std::string name;
  SourceLoc loc;
  Field<std::string> script;
  Field<Duration> interval{std::chrono::seconds(1)};
  Field<Duration> timeout;  // default = interval (derived)
  Field<int> weight;
  Field<bool> weight_reverse;
  Field<std::uint32_t> rise{1}, fall{1};
  Field<std::string> user, group;
  Field<bool> init_fail;
  bool disabled = false;  // its command was not found/executable on this host (Environment)
};

struct TrackFile {
  std::string name;
  SourceLoc loc;
  Field<std::string> file;
  Field<std::int64_t> weight{1};
  Field<bool> weight_reverse;
  Field<bool> init_file;
  Field<std::int64_t> init_value;
  Field<bool> init_overwrite;
};

enum class ParamMatch : std::uint8_t { exact, initial, partial };

struct TrackProcess {
  std::string name;
  SourceLoc loc;
  Field<std::string> process;
  Field<std::vector<std::string>> args;
  Field<ParamMatch> param_match;
  Field<int> weight;
  Field<bool> weight_reverse;
  Field<std::uint32_t> quorum{1};
  Field<std::uint32_t> quorum_max{0xFFFFFFFFu};
  Field<Duration> delay, fork_delay, terminate_delay;
  Field<bool> full_command;
};

// ---------------------------------------------------------------- VRRP instance

enum class InitialState : std::uint8_t { backup, master };
enum class OldChecksum : std::uint8_t { auto_detect, always, never };

struct UnicastPeer {
  IpAddress addr;
  std::optional<std::uint8_t> min_ttl, max_ttl;
  SourceLoc loc;
};

struct VrrpInstance {
  std::string name;
  SourceLoc loc;

  Field<InitialState> state;
  Field<std::string> interface;
  Field<std::string> vrf;
  Field<Vrid> virtual_router_id;
  Field<Priority> priority{Priority{Priority::kDefault}};
  Field<Duration> advert_int{std::chrono::seconds(1)};
  Field<Version> version;  // derived from global vrrp_version / address family

  std::vector<AddressLine> virtual_ipaddress;
  std::vector<AddressLine> virtual_ipaddress_excluded;
  Field<bool> no_virtual_ipaddress;
  std::vector<RouteLine> virtual_routes;
  std::vector<RuleLine> virtual_rules;

  std::vector<TrackRef> track_interface, track_script, track_file, track_process, track_bfd;
  Field<bool> dont_track_primary, track_src_ip;

  Field<IpAddress> mcast_src_ip;     // advert source (mcast_src_ip or unicast_src_ip)
  Field<bool> unicast_src_keyword;   // the source was given as unicast_src_ip
  Field<IpAddress> mcast_dst_ip;
  std::vector<UnicastPeer> unicast_peer;
  Field<bool> unicast_peer_block;    // a unicast_peer block was written (even empty)
  Field<std::uint8_t> unicast_ttl{255};
  Field<bool> unicast_fault_no_peer, check_unicast_src;
  Field<OldChecksum> old_unicast_checksum;
  Field<bool> v3_checksum_as_v2;

  Field<vrrp::AuthType> auth_type;
  Field<std::string> auth_pass;

  Field<bool> nopreempt;
  Field<Duration> preempt_delay;
  Field<bool> accept;
  Field<bool> skip_check_adv_addr;
  Field<bool> strict_mode;

  Field<bool> use_vmac;
  Field<std::string> vmac_name;
  Field<std::string> vmac_mac;
  Field<bool> vmac_netlink_notify_msg;
  Field<std::string> vmac_group;
  Field<bool> use_vmac_addr, vmac_xmit_base;
  Field<std::vector<std::string>> use_ipvlan;  // its words: [[name] IF] [IP] [mode] [group G]
  Field<bool> native_ipv6, promote_secondaries;

  Field<Duration> garp_master_delay;
  Field<std::uint32_t> garp_master_repeat;
  Field<Duration> garp_master_refresh;
  Field<std::uint32_t> garp_master_refresh_repeat;
  Field<Duration> garp_lower_prio_delay;
  Field<std::uint32_t> garp_lower_prio_repeat;
  Field<Duration> garp_extra_if;
  Field<bool> garp_extra_if_all;
  Field<std::uint32_t> down_timer_adverts{3};
  Field<Priority> timer_expired_backup;
  Field<bool> lower_prio_no_advert, higher_prio_send_advert, owner_ignore_adverts;

  // Rarely written, in every instance: on the heap when set (config/heap_optional.h).
  HeapOptional<Command> notify_master, notify_backup, notify_fault, notify_stop, notify_deleted,
      notify, notify_master_rx_lower_pri;
  Field<bool> notify_priority_changes, smtp_alert;
  Field<std::uint32_t> kernel_rx_buf_size;
  Field<std::uint32_t> debug;

  std::vector<RawStatement> ignored;  // accepted, deprecated or unimplemented keywords
};

struct GarpGroup {
  Field<Duration> garp_interval, gna_interval;
  std::vector<std::string> interfaces;
  SourceLoc loc;
};

struct SyncGroup {
  std::string name;
  SourceLoc loc;
  std::vector<std::string> group;
  std::vector<SourceLoc> member_locs;  // where each member of `group` is written (same order)
  SourceLoc group_loc;
  std::vector<TrackRef> track_interface, track_script, track_file, track_process, track_bfd;
  std::optional<Command> notify_master, notify_backup, notify_fault, notify_stop, notify;
  Field<bool> smtp_alert, notify_priority_changes, sync_group_tracking_weight, global_tracking;
};

// ---------------------------------------------------------------- global_defs

struct GlobalDefs {
  SourceLoc loc;
  Field<std::string> router_id;
  Field<IpAddress> vrrp_mcast_group4{IpAddress::v4({224, 0, 0, 18})};
  Field<IpAddress> vrrp_mcast_group6{
      IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12})};
  Field<std::string> default_interface{"eth0"};

  Field<Duration> vrrp_garp_master_delay{std::chrono::seconds(5)};
  Field<std::uint32_t> vrrp_garp_master_repeat{5};
  Field<Duration> vrrp_garp_lower_prio_delay;    // derived: = master_delay
  Field<std::uint32_t> vrrp_garp_lower_prio_repeat;  // derived: = master_repeat
  Field<Duration> vrrp_garp_master_refresh;
  Field<std::uint32_t> vrrp_garp_master_refresh_repeat{1};
  Field<Duration> vrrp_garp_interval, vrrp_gna_interval;
  Field<bool> vrrp_min_garp;
  Field<Duration> vrrp_garp_extra_if;
  Field<bool> vrrp_garp_extra_if_all;
  Field<std::uint32_t> vrrp_down_timer_adverts{3};
  Field<bool> vrrp_lower_prio_no_advert, vrrp_higher_prio_send_advert, vrrp_owner_ignore_adverts;
  Field<Version> vrrp_version{Version::v2};
  Field<bool> v3_checksum_as_v2, vrrp_check_unicast_src, vrrp_skip_check_adv_addr, vrrp_strict;
  Field<bool> vrrp_notify_priority_changes;

  Field<int> vrrp_priority;        // nice value of the VRRP process, not a VRRP priority
  Field<int> vrrp_rt_priority;
  Field<bool> vrrp_no_swap;
  Field<std::string> vrrp_cpu_affinity;
  Field<std::uint32_t> vrrp_rlimit_rttime{10000};
  Field<int> max_auto_priority;
  Field<Duration> min_auto_priority_delay{std::chrono::seconds(1)};

  Field<std::string> script_user, script_group;
  Field<bool> enable_script_security, set_supplementary_groups, use_symlink_paths;
  std::optional<Fifo> notify_fifo, vrrp_notify_fifo;
  std::optional<Command> notify_fifo_script, vrrp_notify_fifo_script;
  Field<bool> fifo_write_vrrp_states_on_reload;
  Field<bool> dynamic_interfaces, dynamic_interfaces_allow_if_changes;
  Field<std::uint32_t> vrrp_netlink_cmd_rcv_bufs, vrrp_netlink_monitor_rcv_bufs;
  Field<bool> vrrp_netlink_cmd_rcv_bufs_force, vrrp_netlink_monitor_rcv_bufs_force;
  Field<std::string> vrrp_rx_bufs_policy;
  Field<std::uint32_t> vrrp_rx_bufs_multiplier{3};
  Field<Duration> vrrp_startup_delay, vrrp_delay_after_boot;
  Field<bool> log_unknown_vrids;
  Field<std::string> vmac_prefix{"vrrp"}, vmac_addr_prefix{"vrrp"};
  Field<bool> disable_local_igmp;
  Field<std::string> nftables;  // table name; set = use nftables
  Field<int> nftables_priority{-1};
  Field<bool> nftables_counters, nftables_ifindex;
  Field<std::vector<std::string>> vrrp_iptables;
  Field<std::string> instance;
  Field<std::uint32_t> random_seed;
  Field<std::uint32_t> json_version{1};

  std::vector<RawStatement> ignored;  // checker/SNMP/e-mail/DBus/… settings vigil does not act on
};

// ---------------------------------------------------------------- top level

struct InterfaceDelay {
  std::string interface;
  Duration down{}, up{};
  SourceLoc loc;
};

struct LinkbeatInterface {
  std::string interface;
  std::string method;  // MII | ETHTOOL | IOCTL | "" (default)
  SourceLoc loc;
};

struct TrackGroup {
  std::string name;
  std::vector<std::string> group;
  SourceLoc loc;
};

struct Config {
  GlobalDefs global_defs;
  std::vector<VrrpInstance> vrrp_instances;
  std::vector<VrrpScript> vrrp_scripts;
  std::vector<TrackFile> track_files;
  std::vector<TrackProcess> track_processes;
  std::vector<SyncGroup> sync_groups;
  std::vector<GarpGroup> garp_groups;
  std::vector<AddressLine> static_ipaddress;
  std::vector<RouteLine> static_routes;
  std::vector<RuleLine> static_rules;

  Field<std::string> net_namespace, net_namespace_ipvs, instance;
  Field<bool> namespace_with_ipsets, use_pid_dir, linkbeat_use_polling;
  Field<Duration> child_wait_time{std::chrono::seconds(5)};
  std::vector<LinkbeatInterface> linkbeat_interfaces;
  std::vector<InterfaceDelay> interface_up_down_delays;
  std::vector<TrackGroup> track_groups;

  // Checker-side and other blocks vigil parses for structure only (virtual_server, bfd_instance…).
  std::vector<RawStatement> unsupported_blocks;
  // The scripts those blocks would run (MISC_CHECK misc_path, quorum_up/down, notify_up/down):
  // only for the script-security verdict keepalived gives (checker_side.h). Not dumped or
  // printed: vigil does not run them.
  std::vector<Command> checker_scripts;

  const VrrpInstance* find_instance(std::string_view name) const;
  const VrrpScript* find_script(std::string_view name) const;
};

}  // namespace vigil::config
