// Tests of config/rules.h: one test per named rule (what it derives or reports, and where), and
// the keepalived -t exit code.
#include <gtest/gtest.h>

#include <set>

#include "cfg_test_util.h"

namespace vigil::config {
namespace {

using test::check;
using test::instance;

TEST(Rules, EveryRuleIsListedOnceAndTestedHere) {
  // Keep in sync with the tests below: a new rule needs a test.
  const std::set<std::string_view> tested = {
      "global_garp_defaults", "script_defaults", "instance_inherit_globals",
      "instance_version", "instance_state_priority", "instance_advert_int",
      "instance_nopreempt", "instance_strict", "instance_accept_default",
      "instance_authentication", "script_required_command", "script_usable",
      "script_security", "instance_required", "instance_unique_names",
      "instance_unique_vrid", "instance_address_family", "instance_has_vips",
      "instance_track_refs", "instance_owner_weights", "instance_mcast_dst",
      "instance_timer_expired_backup", "sync_group_members", "sync_group_tracking_weight",
      "interfaces_exist", "rules_have_preference", "routes_trackable"};
  std::set<std::string_view> seen;
  for (const Rule& r : all_rules()) {
    EXPECT_TRUE(seen.insert(r.name).second) << "duplicate rule " << r.name;
    EXPECT_TRUE(tested.count(r.name)) << "rule without a test: " << r.name;
    EXPECT_FALSE(r.what.empty());
  }
  EXPECT_EQ(seen.size(), tested.size());
}

TEST(Rules, GlobalGarpDefaults) {
  auto c = check("global_defs {\n vrrp_garp_master_delay 3\n vrrp_garp_master_repeat 0\n}\n");
  const GlobalDefs& g = c.cfg().global_defs;
  EXPECT_EQ(g.vrrp_garp_master_repeat.value, 1u);  // 0 coerced to 1
  EXPECT_EQ(g.vrrp_garp_lower_prio_delay->count(), 3'000'000);
  EXPECT_EQ(g.vrrp_garp_lower_prio_repeat.value, 1u);
  auto m = check("global_defs {\n vrrp_min_garp\n vrrp_garp_master_refresh 10\n}\n");
  EXPECT_EQ(m.cfg().global_defs.vrrp_garp_master_repeat.value, 1u);
  EXPECT_EQ(m.cfg().global_defs.vrrp_garp_master_delay->count(), 0);
  EXPECT_EQ(m.cfg().global_defs.vrrp_garp_master_refresh->count(), 10'000'000);  // explicit wins
}

TEST(Rules, ScriptDefaults) {
  auto c = check("vrrp_script s {\n script /bin/true\n interval 7\n}\n");
  EXPECT_EQ(c.cfg().vrrp_scripts[0].timeout->count(), 7'000'000);
}

TEST(Rules, InstanceInheritGlobals) {
  auto c = check("global_defs {\n vrrp_garp_master_delay 9\n vrrp_down_timer_adverts 5\n"
                 " vrrp_skip_check_adv_addr\n}\n" + instance("    garp_master_repeat 2\n"));
  EXPECT_EQ(c.vi().garp_master_delay->count(), 9'000'000);
  EXPECT_EQ(c.vi().garp_master_repeat.value, 2u);
  EXPECT_EQ(c.vi().down_timer_adverts.value, 5u);
  EXPECT_TRUE(c.vi().skip_check_adv_addr.value);
  EXPECT_EQ(c.vi().mcast_dst_ip->to_string(), "224.0.0.18");
}

TEST(Rules, InstanceVersion) {
  auto g = check("global_defs {\n vrrp_version 3\n}\n" + instance(""));
  EXPECT_EQ(g.vi().version.value, Version::v3);
  auto v6 = check("vrrp_instance V6 {\n interface eth0\n virtual_router_id 1\n version 2\n"
                  " virtual_ipaddress {\n fe80::1\n 2001:db8::1\n }\n}\n");
  EXPECT_EQ(v6.vi().version.value, Version::v3);
  EXPECT_TRUE(v6.has(Severity::warning, "IPv6 needs VRRPv3", 4)) << v6.all();
  EXPECT_EQ(v6.r.exit_code, 0);  // keepalived 2.2.7 -t: 0
  EXPECT_EQ(v6.vi().mcast_dst_ip->to_string(), "ff02::12");
}

TEST(Rules, InstanceStatePriority) {
  EXPECT_EQ(check(instance("")).vi().priority->value, 100);
  EXPECT_EQ(check(instance("    state MASTER\n")).vi().priority->value, 255);
  EXPECT_EQ(check(instance("    state MASTER\n    priority 150\n")).vi().priority->value, 150);
  auto owner = check(instance("    priority 255\n"));
  EXPECT_EQ(owner.vi().state.value, InitialState::master);
}

TEST(Rules, InstanceAdvertInt) {
  auto v2 = check(instance("    advert_int 1.5\n"));
  EXPECT_EQ(v2.vi().advert_int->count(), 2'000'000);
  EXPECT_TRUE(v2.has(Severity::error, "advert_int 1.5 s is not valid for VRRPv2", 7)) << v2.all();
  auto v3 = check(instance("    version 3\n    advert_int 0.015\n"));
  EXPECT_EQ(v3.vi().advert_int->count(), 20'000);
  auto ok = check(instance("    version 3\n    advert_int 0.05\n"));
  EXPECT_EQ(ok.vi().advert_int->count(), 50'000);
  EXPECT_EQ(ok.errors(), 0u) << ok.all();
  auto big = check(instance("    version 3\n    advert_int 100\n"));
  EXPECT_EQ(big.vi().advert_int->count(), 40'950'000);
}

TEST(Rules, InstanceNopreempt) {
  auto c = check(instance("    state MASTER\n    nopreempt\n"));
  EXPECT_FALSE(c.vi().nopreempt.value);
  EXPECT_TRUE(c.has(Severity::error, "nopreempt will not work", 8)) << c.all();
  auto d = check(instance("    nopreempt\n    preempt_delay 10\n"));
  EXPECT_TRUE(d.vi().nopreempt.value);
  EXPECT_EQ(d.vi().preempt_delay->count(), 0);
  EXPECT_TRUE(d.has(Severity::error, "preempt_delay has no effect", 8)) << d.all();
}

TEST(Rules, InstanceStrict) {
  auto c = check("global_defs {\n vrrp_strict\n}\n" +
                 instance("    state MASTER\n    priority 100\n    authentication {\n"
                          " auth_type PASS\n auth_pass x\n }\n"));
  const VrrpInstance& vi = c.vi();
  EXPECT_EQ(vi.state.value, InitialState::backup);
  EXPECT_TRUE(c.has(Severity::error, "State MASTER must match being address owner", 10));
  EXPECT_EQ(vi.auth_type.value, vrrp::AuthType::none);
  EXPECT_TRUE(c.has(Severity::error, "Strict mode does not support authentication", 13));
  EXPECT_FALSE(vi.accept.value);
  EXPECT_TRUE(vi.lower_prio_no_advert.value);
  EXPECT_EQ(vi.garp_lower_prio_repeat.value, 0u);
  auto v6 = check("vrrp_instance S {\n interface eth0\n virtual_router_id 1\n strict_mode\n"
                  " virtual_ipaddress {\n 2001:db8::1\n fe80::1\n }\n}\n");
  EXPECT_TRUE(v6.has(Severity::error, "first IPv6 VIP address must be link local", 6)) << v6.all();
  auto peers = check(instance("    strict_mode\n    unicast_peer {\n 10.0.0.9\n }\n"));
  EXPECT_TRUE(peers.has(Severity::error, "unicast peers are not allowed in strict mode", 9));
}

TEST(Rules, InstanceAcceptDefault) {
  EXPECT_TRUE(check(instance("")).vi().accept.value);
  EXPECT_FALSE(check("global_defs {\n vrrp_strict\n}\n" + instance("")).vi().accept.value);
  EXPECT_TRUE(check("global_defs {\n vrrp_strict\n}\n" + instance("    priority 255\n"))
                  .vi().accept.value);
  EXPECT_FALSE(check(instance("    no_accept\n")).vi().accept.value);
}

TEST(Rules, InstanceAuthentication) {
  auto nopass = check(instance("    authentication {\n auth_type PASS\n }\n"));
  EXPECT_TRUE(nopass.has(Severity::error, "auth_type PASS needs a password", 8)) << nopass.all();
  auto ah = check(instance("    state MASTER\n    priority 100\n    authentication {\n"
                           " auth_type AH\n auth_pass x\n }\n"));
  EXPECT_TRUE(ah.has(Severity::error, "incompatible with AH", 7)) << ah.all();
  EXPECT_EQ(ah.vi().state.value, InitialState::backup);
  auto v3 = check(instance("    version 3\n    authentication {\n auth_type PASS\n auth_pass x\n }\n"));
  EXPECT_EQ(v3.vi().auth_type.value, vrrp::AuthType::none);
  EXPECT_TRUE(v3.has(Severity::error, "not used with VRRPv3", 9)) << v3.all();
}

TEST(Rules, InstanceRequired) {
  auto c = check("vrrp_instance X {\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "(X) missing virtual_router_id", 1)) << c.all();
  EXPECT_TRUE(c.has(Severity::error, "(X) missing interface", 1)) << c.all();
  auto lo = check(instance("", "VI_1", 51, "lo"));
  EXPECT_TRUE(lo.has(Severity::error, "loopback", 2)) << lo.all();
  auto uni = check("vrrp_instance U {\n virtual_router_id 3\n unicast_src_ip 10.0.0.2\n"
                   " unicast_peer {\n 10.0.0.3\n }\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n");
  EXPECT_EQ(uni.errors(), 0u) << uni.all();
}

TEST(Rules, InstanceUniqueNames) {
  auto c = check(instance("") + instance("", "VI_1", 52));
  const Diagnostic* d = c.find(Severity::error, "vrrp_instance VI_1 is defined twice");
  ASSERT_NE(d, nullptr) << c.all();
  EXPECT_EQ(d->loc.line, 8u);  // instance("") is 7 lines: the second starts on line 8
}

TEST(Rules, InstanceUniqueVrid) {
  auto c = check(instance("", "A", 7) + instance("", "B", 7) + instance("", "C", 7, "eth1"));
  const Diagnostic* d = c.find(Severity::error, "(B) VRID 7 is already used on interface eth0 by A");
  ASSERT_NE(d, nullptr) << c.all();
  EXPECT_EQ(d->loc.line, 10u);
  EXPECT_EQ(c.errors(), 1u) << c.all();
}

TEST(Rules, InstanceAddressFamily) {
  auto c = check("vrrp_instance F {\n interface eth0\n virtual_router_id 1\n"
                 " unicast_src_ip 2001:db8::5\n virtual_ipaddress {\n 10.0.0.1\n 2001:db8::1\n }\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "VIP 2001:db8::1 is not of the instance's address family", 7))
      << c.all();
  EXPECT_TRUE(c.has(Severity::error, "source address 2001:db8::5", 4)) << c.all();
  EXPECT_EQ(c.vi().virtual_ipaddress.size(), 1u);
}

TEST(Rules, InstanceHasVips) {
  auto c = check("vrrp_instance N {\n interface eth0\n virtual_router_id 1\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "No VIP specified", 1)) << c.all();
  auto ok = check("vrrp_instance N {\n interface eth0\n virtual_router_id 1\n no_virtual_ipaddress\n}\n");
  EXPECT_EQ(ok.errors(), 0u) << ok.all();
}

TEST(Rules, InstanceTrackRefs) {
  auto c = check(instance("    track_script {\n nosuch\n }\n    track_interface {\n eth0\n eth1\n }\n"));
  EXPECT_TRUE(c.has(Severity::error, "track script nosuch not found", 8)) << c.all();
  EXPECT_TRUE(c.vi().track_script.empty());
  EXPECT_TRUE(c.has(Severity::error, "Ignoring track_interface eth0 since own interface", 11));
  ASSERT_EQ(c.vi().track_interface.size(), 1u);
  EXPECT_EQ(c.vi().track_interface[0].name, "eth1");
}

TEST(Rules, InstanceOwnerWeights) {
  auto c = check(instance("    priority 255\n    track_interface {\n eth1 weight 10\n eth2\n }\n"));
  EXPECT_TRUE(c.has(Severity::error, "address owner (priority 255) ignores weights", 9));
  ASSERT_EQ(c.vi().track_interface.size(), 1u);
  EXPECT_EQ(c.vi().track_interface[0].name, "eth2");
}

TEST(Rules, InstanceMcastDst) {
  auto c = check(instance("    mcast_dst_ip 10.0.0.9\n"));
  EXPECT_TRUE(c.has(Severity::error, "mcast_dst_ip 10.0.0.9 must be a multicast address", 7));
  EXPECT_EQ(check(instance("    mcast_dst_ip 224.0.0.99\n")).errors(), 0u);
}

TEST(Rules, InstanceTimerExpiredBackup) {
  auto c = check(instance("    timer_expired_backup 200\n"));
  EXPECT_TRUE(c.has(Severity::error, "timer_expired_backup only applies with nopreempt", 7));
  EXPECT_EQ(check(instance("    nopreempt\n    timer_expired_backup\n")).errors(), 0u);
}

TEST(Rules, ScriptRequiredCommand) {
  auto c = check("vrrp_script empty {\n interval 2\n}\n" +
                 instance("    track_script {\n empty\n }\n"));
  EXPECT_TRUE(c.has(Severity::error, "vrrp_script empty has no 'script' line", 1)) << c.all();
  EXPECT_TRUE(c.has(Severity::error, "track script empty not found", 11)) << c.all();
}

CheckOptions host(bool scripts_ok, bool ka_user, std::set<std::string> ifs = {"eth0"}) {
  CheckOptions o;
  o.env.script_usable = [scripts_ok](std::string_view) { return scripts_ok; };
  o.env.user_exists = [ka_user](std::string_view u) { return ka_user && u == "keepalived_script"; };
  o.env.interface_exists = [ifs](std::string_view n) { return ifs.count(std::string(n)) > 0; };
  return o;
}

TEST(Rules, ScriptUsable) {
  auto c = check("vrrp_script s {\n script \"/nope/check arg\"\n}\n", host(false, true));
  EXPECT_TRUE(c.has(Severity::error, "Disabling track script s since not found/accessible", 2));
  EXPECT_TRUE(c.cfg().vrrp_scripts[0].disabled);
  EXPECT_EQ(c.r.exit_code, 5);
}

TEST(Rules, ScriptSecurity) {
  const std::string cfg = "vrrp_script s {\n script /bin/true\n}\n" + instance("");
  auto root = check(cfg, host(true, false));
  EXPECT_TRUE(root.r.facts.script_security_violation);
  EXPECT_EQ(root.r.exit_code, 6);
  EXPECT_TRUE(root.has(Severity::error, "SECURITY VIOLATION"));
  auto ka = check(cfg, host(true, true));
  EXPECT_EQ(ka.r.exit_code, 0) << ka.all();
  auto secure = check("global_defs {\n enable_script_security\n}\n" + cfg, host(true, false));
  EXPECT_TRUE(secure.has(Severity::error, "Unable to set default user for vrrp script s", 4))
      << secure.all();
  EXPECT_TRUE(secure.cfg().vrrp_scripts.empty());
  EXPECT_EQ(secure.r.exit_code, 5);
}

TEST(Rules, SyncGroupMembers) {
  auto c = check(instance("", "A", 1) + instance("", "B", 2) + instance("", "C", 3) +
                 "vrrp_sync_group G1 {\n group {\n A\n B\n ZZ\n }\n}\n"
                 "vrrp_sync_group G2 {\n group {\n B\n C\n }\n}\n"
                 "vrrp_sync_group G3 {\n A\n}\n");
  // Three 7-line instances, then G1 on line 22 (its members on 24-26), G2 on 29 (members on
  // 31-32), G3 on 35. Member problems point at the member itself.
  const Diagnostic* zz = c.find(Severity::error, "sync group G1: unknown vrrp_instance 'ZZ'");
  ASSERT_NE(zz, nullptr) << c.all();
  EXPECT_EQ(zz->loc.str(), "t.conf:26:2");
  const Diagnostic* dup = c.find(Severity::error, "vrrp_instance B is already in sync group G1");
  ASSERT_NE(dup, nullptr) << c.all();
  EXPECT_EQ(dup->loc.str(), "t.conf:31:2");
  EXPECT_TRUE(c.has(Severity::error, "Sync group G2 has only 1 virtual router", 29)) << c.all();
  EXPECT_TRUE(c.has(Severity::warning, "Unknown keyword 'A'", 36)) << c.all();
  EXPECT_TRUE(c.has(Severity::error, "Sync group G3 has no virtual router(s)", 35)) << c.all();
  ASSERT_EQ(c.cfg().sync_groups.size(), 2u);
}

TEST(Rules, SyncGroupTrackingWeight) {
  std::string body = instance("    track_interface {\n eth1 weight 10\n }\n", "A", 1) +
                     instance("", "B", 2);
  auto c = check(body + "vrrp_sync_group G {\n group {\n A\n B\n }\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "the weight of tracked eth1 is ignored", 8)) << c.all();
  EXPECT_EQ(c.vi(0).track_interface[0].weight, 0);
  auto ok = check(body + "vrrp_sync_group G {\n group {\n A\n B\n }\n sync_group_tracking_weight\n}\n");
  EXPECT_EQ(ok.vi(0).track_interface[0].weight, 10);
}

TEST(Rules, InterfacesExist) {
  auto c = check(instance("    track_interface {\n eth9\n }\n", "A", 1, "eth7"), host(true, true));
  EXPECT_TRUE(c.has(Severity::error, "interface eth7 for vrrp_instance A doesn't exist", 2));
  EXPECT_TRUE(c.has(Severity::error, "interface eth9 for track_interface of A doesn't exist", 8));
  EXPECT_EQ(c.r.exit_code, 5);  // keepalived 2.2.7 -t: 5, not 4
  auto dyn = check("global_defs {\n dynamic_interfaces\n}\n" + instance("", "A", 1, "eth7"),
                   host(true, true));
  EXPECT_TRUE(dyn.has(Severity::warning, "interface eth7 for vrrp_instance A doesn't exist"));
  EXPECT_EQ(dyn.r.exit_code, 0) << dyn.all();
}

TEST(Rules, RulesHavePreference) {
  auto c = check("static_rules {\n from 10.0.0.0/8 table 5\n}\n");
  EXPECT_TRUE(c.has(Severity::error, "Rule has no preference specified", 2)) << c.all();
}

TEST(Rules, RoutesTrackable) {
  auto c = check(instance("    virtual_routes {\n 10.1.0.0/16 via 10.0.0.254\n"
                          " 10.2.0.0/16 via 10.0.0.254 no_track\n"
                          " 10.3.0.0/16 dev eth0 protocol 4\n }\n"));
  EXPECT_TRUE(c.has(Severity::error, "cannot track a route with no interface", 8)) << c.all();
  EXPECT_TRUE(c.has(Severity::error, "tracked route must have keepalived's protocol", 10));
  EXPECT_EQ(c.errors(), 2u) << c.all();
}

TEST(ExitCode, OkErrorFatalAndMissingFile) {
  EXPECT_EQ(check(instance("")).r.exit_code, 0);
  EXPECT_EQ(check(instance("    priority 0\n")).r.exit_code, 5);
  auto missing = check_config("/nonexistent/keepalived.conf", {});
  EXPECT_EQ(missing.exit_code, 4);
  ASSERT_FALSE(missing.diagnostics.empty());
  EXPECT_EQ(missing.diagnostics[0].severity, Severity::fatal);
  ASSERT_NE(missing.config, nullptr);
}

}  // namespace
}  // namespace vigil::config

namespace vigil::config {
namespace {

// Script and notify commands are tokenised as keepalived runs them (split_command): the
// program checked for existence is the first word after quotes and escapes.
TEST(Rules, ScriptProgramIsTheFirstWordOfTheSplitCommand) {
  std::vector<std::string> asked;
  CheckOptions o;
  o.env.script_usable = [&](std::string_view p) {
    asked.emplace_back(p);
    return false;
  };
  auto c = test::check("vrrp_script chk {\n  script \"'/opt/my checks/x' --fast\"\n}\n" +
                           test::instance("    track_script {\n      chk\n    }\n"),
                       o);
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked.front(), "/opt/my checks/x");
  EXPECT_TRUE(c.has(Severity::error, "'/opt/my checks/x' must exist", 2)) << c.all();
  auto e = test::check(test::instance("    notify_master \"''\"\n"));
  EXPECT_TRUE(e.has(Severity::error, "empty command for 'notify_master'", 7)) << e.all();
}

}  // namespace
}  // namespace vigil::config
