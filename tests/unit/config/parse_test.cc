// Tests of the statement tree and the keyword tables (config/tree.h, config/parser.h): block
// shapes, unknown keywords, values, and the address / route / rule line syntaxes.
#include <gtest/gtest.h>

#include "cfg_test_util.h"
#include "config/dump.h"

namespace vigil::config {
namespace {

using test::check;
using test::instance;

TEST(ParseTree, BraceOnNextLineSingleLineBlocksAndSemicolonsAsText) {
  auto c = check("vrrp_script chk\n{\n  script \"/bin/true\"\n}\n"
                 "vrrp_instance VI_1\n{\n  interface eth0\n  virtual_router_id 7\n"
                 "  virtual_ipaddress { 10.0.0.2/24 }\n"
                 "  track_script { chk }\n}\n");
  ASSERT_EQ(c.cfg().vrrp_instances.size(), 1u) << c.all();
  EXPECT_EQ(c.vi().virtual_router_id->value, 7);
  ASSERT_EQ(c.vi().virtual_ipaddress.size(), 1u);
  EXPECT_EQ(c.vi().virtual_ipaddress[0].prefix, 24);
  ASSERT_EQ(c.vi().track_script.size(), 1u);
  EXPECT_EQ(c.vi().track_script[0].name, "chk");
  EXPECT_EQ(c.errors(), 0u) << c.all();
}

TEST(ParseTree, ExtraClosingBraceIsAnErrorAtItsColumn) {
  auto c = check("global_defs {\n  router_id a\n}\n  }\n");
  const Diagnostic* d = c.find(Severity::error, "extra '}'");
  ASSERT_NE(d, nullptr) << c.all();
  EXPECT_EQ(d->loc.line, 4u);
  EXPECT_EQ(d->loc.col, 3u);
  EXPECT_EQ(c.cfg().global_defs.router_id.value, "a");
}

TEST(ParseTree, UnclosedBlockIsReportedAtItsOpeningBrace) {
  auto c = check("vrrp_instance VI_1 {\n  interface eth0\n");
  const Diagnostic* d = c.find(Severity::error, "never closed");
  ASSERT_NE(d, nullptr) << c.all();
  EXPECT_EQ(d->loc.line, 1u);
  EXPECT_EQ(d->loc.col, 20u);
  EXPECT_NE(d->message.find("add the missing '}'"), std::string::npos);
}

TEST(ParseTree, StatementKeptAcrossAStrayBraceLine) {  // fuzz_config_parse: use-after-free
  auto c = check("vrrp_script s\n}\n}\n{\n script /bin/true\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "extra '}'", 2)) << c.all();
  ASSERT_EQ(c.cfg().vrrp_scripts.size(), 1u) << c.all();
  EXPECT_EQ(c.cfg().vrrp_scripts[0].script.value, "/bin/true");
}

TEST(ParseTree, BraceWithoutKeywordIsAnError) {
  auto c = check("global_defs {\n}\n}\n{\n  router_id x\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "extra '}'", 3)) << c.all();
  EXPECT_TRUE(c.has(Severity::error, "with no keyword before it", 4)) << c.all();
}

// keepalived 2.2.7 -t exits 5 for an unknown keyword (checked with the binary): an error, but
// parsing goes on.
// A warning with file:line:col, parsing goes on, and the configuration can run (keepalived logs
// it and runs); but -t exits 5 for it, as keepalived 2.2.7's -t does.
TEST(ParseKeywords, UnknownKeywordIsReportedWithLocationAndParsingGoesOn) {
  auto c = check(instance("    frobnicate 3\n    priority 42\n"));
  const Diagnostic* d = c.find(Severity::warning, "Unknown keyword 'frobnicate'");
  ASSERT_NE(d, nullptr) << c.all();
  EXPECT_EQ(d->loc.line, 7u);
  EXPECT_EQ(d->loc.col, 5u);
  EXPECT_EQ(d->kind, DiagKind::counted_warning);
  EXPECT_EQ(c.vi().priority->value, 42);
  EXPECT_EQ(c.r.exit_code, 5);
  EXPECT_TRUE(c.r.runnable);
  EXPECT_EQ(c.errors(), 0u) << c.all();
}

TEST(ParseKeywords, ErrorsBlockTheDaemonScriptSecurityDoesNot) {
  EXPECT_FALSE(check(instance("    priority 300\n")).r.runnable);
  CheckOptions o;
  o.env.user_exists = [](std::string_view) { return false; };
  o.env.script_usable = [](std::string_view) { return true; };
  auto s = check("vrrp_script chk {\n  script /bin/true\n}\n" + instance(""), o);
  EXPECT_EQ(s.r.exit_code, 6) << s.all();
  EXPECT_TRUE(s.r.runnable);
}

TEST(ParseKeywords, UnknownBlockIsSkippedWhole) {
  auto c = check("mystery {\n  priority 1\n  inner { x }\n}\n" + instance(""));
  EXPECT_TRUE(c.has(Severity::warning, "its block is skipped", 1)) << c.all();
  EXPECT_EQ(c.cfg().vrrp_instances.size(), 1u);
}

TEST(ParseKeywords, BlockKeywordWithoutBlockAndLineKeywordWithBlock) {
  auto c = check(instance("    track_script chk\n    priority { 5 }\n"));
  EXPECT_TRUE(c.has(Severity::error, "'track_script' needs a block", 7)) << c.all();
  EXPECT_TRUE(c.has(Severity::error, "'priority' does not take a block", 8)) << c.all();
}

TEST(ParseKeywords, CheckerBlocksAreReportedOnceAndKept) {
  const std::string vs = "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n"
                         "  lb_kind DR\n  real_server 10.0.0.2 80 { weight 1 }\n}\n";
  auto c = check("global_defs {\n  lvs_timeouts tcp 900\n}\n" + vs + vs +
                 "bfd_instance B {\n}\n" + instance(""));
  int n = 0;
  for (const auto& d : c.r.diagnostics) n += d.message.find("checker/LVS/BFD") != std::string::npos;
  EXPECT_EQ(n, 1) << c.all();  // one report for the whole configuration, at the first
  EXPECT_TRUE(c.has(Severity::warning, "'lvs_timeouts' belongs to keepalived's checker", 2))
      << c.all();
  EXPECT_EQ(c.cfg().unsupported_blocks.size(), 3u);
  EXPECT_EQ(c.cfg().vrrp_instances.size(), 1u);
  EXPECT_EQ(c.r.exit_code, 0) << c.all();
}

// The checker-side values keepalived 2.2.7's -t counts as config errors (checker_side.h), each
// with its location; the exit codes are pinned against keepalived in keepalived_diff_test.
TEST(ParseKeywords, CheckerSideValuesKeepalivedRejects) {
  const std::string head = "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n";
  const std::string rs = "  real_server 10.0.0.2 80 { weight 1 }\n}\n";
  auto a = check(head + "  lb_kind DR\n  persistence_timeout 0\n" + rs + instance(""));
  EXPECT_TRUE(a.has(Severity::error, "persistence_timeout 0: must be a number in [1, 2678400]", 5))
      << a.all();
  EXPECT_EQ(a.r.exit_code, 5);
  auto q = check(head + "  lb_kind DR\n  quorum 0\n" + rs + instance(""));
  EXPECT_TRUE(q.has(Severity::error, "quorum 0: must be a number in [1, 4294967295]", 5)) << q.all();
  auto k = check(head + "  lb_kind FNAT\n" + rs + instance(""));
  EXPECT_TRUE(k.has(Severity::error, "unknown routing method 'FNAT' for lb_kind", 4)) << k.all();
  auto m = check("virtual_server 10.0.0.1 80 {\n" + rs + instance(""));
  EXPECT_TRUE(m.has(Severity::error, "no protocol set", 1)) << m.all();
  EXPECT_TRUE(m.has(Severity::error, "no scheduler set", 1)) << m.all();
  EXPECT_TRUE(m.has(Severity::error, "no forwarding method set", 1)) << m.all();
  auto e = check("virtual_server 10.0.0.1 80 {\n  protocol TCP\n}\n" + instance(""));
  EXPECT_TRUE(e.has(Severity::error, "has no real servers", 1)) << e.all();
  auto f = check("virtual_server fwmark 1 {\n  lb_algo rr\n  lb_kind DR\n" + rs + instance(""));
  EXPECT_FALSE(f.has(Severity::error, "no protocol set", 1)) << f.all();  // fwmark: none needed
}

TEST(ParseKeywords, CheckScriptsCountForScriptSecurity) {
  const std::string vs = "virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n"
                         "  lb_kind DR\n  real_server 10.0.0.2 80 {\n    MISC_CHECK {\n"
                         "      misc_path \"/usr/bin/true\"\n    }\n  }\n}\n";
  CheckOptions o;  // no keepalived_script user: scripts run as root
  o.env.user_exists = [](std::string_view) { return false; };
  o.env.script_usable = [](std::string_view) { return true; };
  auto c = check(vs + instance(""), o);
  ASSERT_EQ(c.cfg().checker_scripts.size(), 1u);
  EXPECT_EQ(c.cfg().checker_scripts[0].cmd, "/usr/bin/true");
  EXPECT_TRUE(c.has(Severity::error, "SECURITY VIOLATION - check scripts", 7)) << c.all();
  EXPECT_EQ(c.r.exit_code, 6);
  auto secure = check("global_defs {\n  enable_script_security\n}\n" + vs + instance(""), o);
  EXPECT_NE(secure.r.exit_code, 6) << secure.all();
}

// keepalived stops reading at most keywords without their value ("missing a parameter", -t exit
// 2), and only counts a config error for a few (exit 5): both pinned in keepalived_diff_test.
TEST(ParseKeywords, MissingValueExitCodes) {
  auto p = check(instance("    priority\n"));
  const Diagnostic* d = p.find(Severity::error, "'priority' is missing a value");
  ASSERT_NE(d, nullptr) << p.all();
  EXPECT_EQ(d->kind, DiagKind::missing_parameter);
  EXPECT_EQ(d->loc.str(), "t.conf:7:5") << p.all();
  EXPECT_EQ(p.r.exit_code, 2);
  auto r = check("global_defs {\n  router_id\n}\n" + instance(""));
  EXPECT_TRUE(r.has(Severity::error, "'router_id' is missing a value", 2)) << r.all();
  EXPECT_EQ(r.r.exit_code, 5);
  auto b = check(instance("    interface { eth0 }\n"));  // braces are not a value
  EXPECT_TRUE(b.has(Severity::error, "'interface' is missing a value")) << b.all();
  EXPECT_EQ(b.r.exit_code, 2);
}

TEST(ParseKeywords, MissingNameIsAnError) {
  auto c = check("vrrp_script {\n  script /bin/true\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "missing its name", 1)) << c.all();
  EXPECT_TRUE(c.cfg().vrrp_scripts.empty());
}

TEST(ParseValues, BadNumberSaysWhatToWrite) {
  auto c = check(instance("    priority 100,x\n"));
  const Diagnostic* d = c.find(Severity::error, "invalid priority value");
  ASSERT_NE(d, nullptr) << c.all();
  EXPECT_EQ(d->loc.line, 7u);
  EXPECT_EQ(d->loc.col, 14u);
  EXPECT_NE(d->message.find("must be 1..255"), std::string::npos);
  EXPECT_EQ(c.vi().priority->value, 100);
}

TEST(ParseValues, StateMustBeUpperCase) {
  auto c = check(instance("    state SLAVE\n"));
  EXPECT_TRUE(c.has(Severity::error, "unknown state 'SLAVE', defaulting to BACKUP", 7));
  EXPECT_EQ(c.vi().state.value, InitialState::backup);
  EXPECT_EQ(c.r.exit_code, 5);
}

TEST(ParseValues, AuthPassIsTruncatedToEight) {
  auto c = check(instance("    authentication {\n auth_type PASS\n auth_pass 123456789\n }\n"));
  EXPECT_TRUE(c.has(Severity::error, "longer than 8", 9)) << c.all();
  EXPECT_EQ(c.vi().auth_pass.value, "12345678");
  EXPECT_EQ(c.vi().auth_type.value, vrrp::AuthType::pass);
}

TEST(ParseValues, TimersHaveMicrosecondResolution) {
  auto c = check("global_defs {\n vrrp_garp_interval 0.001\n vrrp_gna_interval 1.5\n"
                 " vrrp_startup_delay 2.000001\n}\n");
  const GlobalDefs& g = c.cfg().global_defs;
  EXPECT_EQ(g.vrrp_garp_interval->count(), 1000);
  EXPECT_EQ(g.vrrp_gna_interval->count(), 1'500'000);
  EXPECT_EQ(g.vrrp_startup_delay->count(), 2'000'001);
  auto bad = check("global_defs {\n vrrp_garp_interval 0.0000001\n}\n");
  EXPECT_TRUE(bad.has(Severity::error, "more than 6 decimals", 2)) << bad.all();
}

TEST(ParseValues, BoolFlags) {
  auto c = check("global_defs {\n vrrp_strict off\n vrrp_skip_check_adv_addr\n"
                 " enable_script_security yes\n vrrp_no_swap maybe\n}\n");
  const GlobalDefs& g = c.cfg().global_defs;
  EXPECT_FALSE(g.vrrp_strict.value);
  EXPECT_TRUE(g.vrrp_strict.is_set);
  EXPECT_TRUE(g.vrrp_skip_check_adv_addr.value);
  EXPECT_TRUE(g.enable_script_security.value);
  EXPECT_TRUE(c.has(Severity::error, "'maybe' is not a boolean", 5)) << c.all();
}

TEST(ParseValues, BareFlagsIgnoreWordsAfterThemLikeKeepalived) {
  auto c = check(instance("    nopreempt false\n    skip_check_adv_addr off\n"));
  EXPECT_TRUE(c.vi().nopreempt.value);            // keepalived: nopreempt takes no BOOL
  EXPECT_FALSE(c.vi().skip_check_adv_addr.value);  // this one does
}

TEST(ParseInstance, UnicastPeersWithTtlAndSource) {
  auto c = check(instance("    unicast_src_ip 192.0.2.1\n    unicast_peer {\n      192.0.2.2\n"
                          "      192.0.2.3 min_ttl 250 max_ttl 255\n    }\n"));
  const VrrpInstance& vi = c.vi();
  EXPECT_EQ(vi.mcast_src_ip->to_string(), "192.0.2.1");
  EXPECT_TRUE(vi.unicast_src_keyword.value);
  ASSERT_EQ(vi.unicast_peer.size(), 2u);
  EXPECT_EQ(vi.unicast_peer[1].min_ttl, 250);
  EXPECT_EQ(vi.unicast_peer[1].max_ttl, 255);
  EXPECT_TRUE(vi.check_unicast_src.value);  // min/max_ttl imply it
}

TEST(ParseInstance, UseVmacForms) {
  auto c = check(instance("    use_vmac vrrp.51 02:00:5e:00:01:33 netlink_notify_msg group 5\n"));
  EXPECT_TRUE(c.vi().use_vmac.value);
  EXPECT_EQ(c.vi().vmac_name.value, "vrrp.51");
  EXPECT_EQ(c.vi().vmac_mac.value, "02:00:5e:00:01:33");
  EXPECT_TRUE(c.vi().vmac_netlink_notify_msg.value);
  EXPECT_EQ(c.vi().vmac_group.value, "5");
}

TEST(ParseInstance, TrackListsWithWeightsAndReverse) {
  auto c = check("vrrp_script s1 {\n script /bin/true\n weight -20\n}\n" +
                 instance("    track_interface {\n eth1 weight 10\n eth2 weight -5 reverse\n }\n"
                          "    track_script {\n s1 weight 30 reverse\n }\n"));
  const VrrpInstance& vi = c.vi();
  ASSERT_EQ(vi.track_interface.size(), 2u);
  EXPECT_EQ(vi.track_interface[0].weight, 10);
  EXPECT_TRUE(vi.track_interface[1].reverse);
  ASSERT_EQ(vi.track_script.size(), 1u);
  EXPECT_EQ(vi.track_script[0].weight, 30);
  EXPECT_EQ(c.cfg().vrrp_scripts[0].weight.value, -20);
  auto bad = check(instance("    track_interface {\n eth1 weight 300\n }\n"));
  EXPECT_TRUE(bad.has(Severity::error, "invalid weight for track_interface 'eth1'", 8))
      << bad.all();
}

TEST(ParseInstance, NotifyCommandsWithUserAndGroup) {
  auto c = check(instance("    notify_master \"/bin/echo master\" nobody nogroup\n"
                          "    notify /bin/notify root:adm\n"));
  ASSERT_TRUE(c.vi().notify_master);
  EXPECT_EQ(c.vi().notify_master->cmd, "/bin/echo master");
  EXPECT_EQ(c.vi().notify_master->user, "nobody");
  EXPECT_EQ(c.vi().notify_master->group, "nogroup");
  ASSERT_TRUE(c.vi().notify);
  EXPECT_EQ(c.vi().notify->user, "root");
  EXPECT_EQ(c.vi().notify->group, "adm");
}

TEST(ParseLines, AddressLineFullSyntax) {
  auto c = check(instance("    virtual_ipaddress_excluded {\n"
                          "      192.0.2.10/24 brd + dev eth1 scope link label eth1:vip "
                          "no_track preferred_lft forever\n"
                          "      192.0.2.11 peer 192.0.2.12/32 home -nodad noprefixroute\n"
                          "      2001:db8::1/64 dev eth2 autojoin mngtmpaddr\n"
                          "    }\n"));
  const auto& ev = c.vi().virtual_ipaddress_excluded;
  ASSERT_EQ(ev.size(), 3u) << c.all();
  EXPECT_EQ(ev[0].prefix, 24);
  EXPECT_EQ(ev[0].brd_mode, BrdMode::all_ones);
  EXPECT_EQ(ev[0].dev, "eth1");
  EXPECT_EQ(ev[0].scope, Scope::link);
  EXPECT_EQ(ev[0].label, "eth1:vip");
  EXPECT_TRUE(ev[0].no_track);
  EXPECT_EQ(ev[0].preferred_lft, 0xFFFFFFFFu);
  EXPECT_EQ(ev[1].prefix, 32);
  EXPECT_EQ(ev[1].peer->to_string(), "192.0.2.12");
  EXPECT_TRUE(ev[1].home && ev[1].nodad && ev[1].noprefixroute);
  EXPECT_EQ(ev[2].prefix, 64);
  EXPECT_TRUE(ev[2].autojoin && ev[2].mngtmpaddr);
}

TEST(ParseLines, AddressLineErrors) {
  auto c = check(instance("    virtual_ipaddress_excluded {\n 192.168.100./24\n"
                          " 10.1.1.1 dev eth0 colour blue\n }\n"));
  EXPECT_TRUE(c.has(Severity::error, "invalid address '192.168.100./24'", 8)) << c.all();
  const Diagnostic* d = c.find(Severity::error, "unknown address option 'colour'");
  ASSERT_NE(d, nullptr) << c.all();
  EXPECT_EQ(d->loc.line, 9u);
  EXPECT_EQ(d->loc.col, 20u);
  EXPECT_TRUE(c.vi().virtual_ipaddress_excluded.empty());
}

TEST(ParseLines, RouteLines) {
  auto c = check(instance(
      "    virtual_routes {\n"
      "      src 192.0.2.1 to 198.51.100.0/24 via 192.0.2.254 dev eth0 table 100 metric 5\n"
      "      blackhole 203.0.113.0/24\n"
      "      default via 192.0.2.1 dev eth0 no_track\n"
      "      198.51.100.0/24 table main nexthop via 192.0.2.2 dev eth0 weight 1 onlink "
      "nexthop via 192.0.2.3 dev eth1 weight 2\n"
      "      10.9.0.0/16 dev eth0 mtu lock 1400 features ecn\n"
      "    }\n"));
  const auto& r = c.vi().virtual_routes;
  ASSERT_EQ(r.size(), 5u) << c.all();
  EXPECT_EQ(r[0].src->to_string(), "192.0.2.1");
  EXPECT_EQ(r[0].dst.to_string(), "198.51.100.0");
  EXPECT_EQ(r[0].dst_prefix, 24);
  EXPECT_EQ(r[0].via->to_string(), "192.0.2.254");
  EXPECT_EQ(r[0].table, 100u);
  EXPECT_EQ(r[0].metric, 5u);
  EXPECT_EQ(r[1].type, RouteType::blackhole);
  EXPECT_TRUE(r[2].dst_default);
  EXPECT_TRUE(r[2].no_track);
  EXPECT_EQ(r[3].table, 254u);
  ASSERT_EQ(r[3].nexthops.size(), 2u);
  EXPECT_EQ(r[3].nexthops[0].via->to_string(), "192.0.2.2");
  EXPECT_TRUE(r[3].nexthops[0].onlink);
  EXPECT_EQ(r[3].nexthops[1].dev, "eth1");
  EXPECT_EQ(r[3].nexthops[1].weight, 2u);
  ASSERT_EQ(r[4].attrs.size(), 2u);
  EXPECT_EQ(r[4].attrs[0].second, "lock 1400");
  auto bad = check(instance("    virtual_routes {\n 10.0.0.0/8 via 10.0.0.1 dev eth0 sparkle 3\n }\n"));
  EXPECT_TRUE(bad.has(Severity::error, "unknown route option 'sparkle'", 8)) << bad.all();
}

TEST(ParseLines, RuleLines) {
  auto c = check("static_rules {\n"
                 "  from 192.0.2.0/24 to 198.51.100.0/26 table 51 preference 14999\n"
                 "  from all fwmark 24/12 iif eth3 oif eth0 tos 22 lookup main priority 39\n"
                 "  from 10.0.0.0/8 uidrange 100-200 sport 80 dport 1000-2000 l3mdev pref 7\n"
                 "}\n");
  const auto& r = c.cfg().static_rules;
  ASSERT_EQ(r.size(), 3u) << c.all();
  EXPECT_EQ(r[0].from_prefix, 24);
  EXPECT_EQ(r[0].to->to_string(), "198.51.100.0");
  EXPECT_EQ(r[0].table, 51u);
  EXPECT_EQ(r[0].preference, 14999u);
  EXPECT_TRUE(r[1].from_all);
  EXPECT_EQ(r[1].fwmark, 24u);
  EXPECT_EQ(r[1].fwmask, 12u);
  EXPECT_EQ(r[1].iif, "eth3");
  EXPECT_EQ(r[1].table, 254u);
  EXPECT_EQ(r[2].uidrange->second, 200u);
  EXPECT_EQ(r[2].dport->first, 1000u);
  EXPECT_TRUE(r[2].l3mdev);
  auto bad = check("static_rules {\n  from 1.2.3.4 table nosuch preference 5\n}\n");
  EXPECT_TRUE(bad.has(Severity::error, "unknown table 'nosuch'", 2)) << bad.all();
}

TEST(ParseTop, TopLevelItems) {
  auto c = check("net_namespace blue\ninstance lb\nchild_wait_time 10\nuse_pid_dir\n"
                 "linkbeat_interfaces {\n eth0 MII\n eth1\n}\n"
                 "interface_up_down_delays {\n eth0 2 0.5\n}\n"
                 "track_group TG {\n group {\n VI_1\n }\n}\n"
                 "global_defs {\n net_namespace_ipvs ipvs\n}\n");
  const Config& k = c.cfg();
  EXPECT_EQ(k.net_namespace.value, "blue");
  EXPECT_EQ(k.instance.value, "lb");
  EXPECT_EQ(k.child_wait_time->count(), 10'000'000);
  EXPECT_TRUE(k.use_pid_dir.value);
  ASSERT_EQ(k.linkbeat_interfaces.size(), 2u);
  EXPECT_EQ(k.linkbeat_interfaces[0].method, "MII");
  ASSERT_EQ(k.interface_up_down_delays.size(), 1u);
  EXPECT_EQ(k.interface_up_down_delays[0].up.count(), 500'000);
  ASSERT_EQ(k.track_groups.size(), 1u);
  EXPECT_EQ(k.track_groups[0].group, std::vector<std::string>{"VI_1"});
  EXPECT_EQ(k.net_namespace_ipvs.value, "ipvs");
}

TEST(ParseTrackers, ScriptFileProcess) {
  auto c = check("vrrp_script chk {\n script \"/usr/bin/pidof haproxy\"\n interval 2\n"
                 " timeout 3\n weight -10 reverse\n rise 2\n fall 3\n user nobody nogroup\n"
                 " init_fail\n}\n"
                 "track_file tf {\n file /run/prio\n weight -2 reverse\n init_file 5 overwrite\n}\n"
                 "vrrp_track_process tp {\n process haproxy -f /etc/h.cfg\n param_match partial\n"
                 " weight 20\n quorum 2\n quorum_max 4\n delay 0.5\n full_command\n}\n");
  const VrrpScript& s = c.cfg().vrrp_scripts.at(0);
  EXPECT_EQ(s.script.value, "/usr/bin/pidof haproxy");
  EXPECT_EQ(s.interval->count(), 2'000'000);
  EXPECT_EQ(s.timeout->count(), 3'000'000);
  EXPECT_EQ(s.weight.value, -10);
  EXPECT_TRUE(s.weight_reverse.value);
  EXPECT_EQ(s.rise.value, 2u);
  EXPECT_EQ(s.fall.value, 3u);
  EXPECT_EQ(s.user.value, "nobody");
  EXPECT_EQ(s.group.value, "nogroup");
  EXPECT_TRUE(s.init_fail.value);
  const TrackFile& f = c.cfg().track_files.at(0);
  EXPECT_EQ(f.file.value, "/run/prio");
  EXPECT_EQ(f.weight.value, -2);
  EXPECT_EQ(f.init_value.value, 5);
  EXPECT_TRUE(f.init_overwrite.value);
  const TrackProcess& p = c.cfg().track_processes.at(0);
  EXPECT_EQ(p.process.value, "haproxy");
  EXPECT_EQ(p.args.value, (std::vector<std::string>{"-f", "/etc/h.cfg"}));
  EXPECT_EQ(p.param_match.value, ParamMatch::partial);
  EXPECT_EQ(p.quorum.value, 2u);
  EXPECT_EQ(p.delay->count(), 500'000);
  EXPECT_EQ(c.errors(), 0u) << c.all();
}

TEST(Dump, StableKeyOrderAndLocations) {
  auto c = check(instance("    priority 42\n"));
  std::string j = dump_json(c.cfg());
  EXPECT_LT(j.find("\"global_defs\""), j.find("\"vrrp_instances\""));
  EXPECT_LT(j.find("\"state\""), j.find("\"priority\""));
  EXPECT_NE(j.find("\"priority\": 42"), std::string::npos);
  EXPECT_EQ(j.find("\"loc\""), std::string::npos);
  std::string jl = dump_json(c.cfg(), {.with_locations = true});
  EXPECT_NE(jl.find("\"loc\": \"t.conf:1:15\""), std::string::npos) << jl.substr(0, 200);
  EXPECT_EQ(dump_json(check(instance("    priority 42\n")).cfg()), j);  // deterministic
}

TEST(Dump, InvalidUtf8IsReplacedNotThrown) {  // found by fuzz_config_parse
  auto c = check("global_defs {\n router_id caf\xe9\n}\n");
  std::string j = dump_json(c.cfg());
  EXPECT_NE(j.find("caf\xef\xbf\xbd"), std::string::npos);  // U+FFFD
}

}  // namespace
}  // namespace vigil::config
