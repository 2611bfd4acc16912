// Tests for daemon/dump_format.h, daemon/dump_files.h and ConfigOnlyRuntime (reload matching).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/dump_files.h"
#include "daemon/dump_format.h"
#include "daemon/runtime.h"

namespace vigil::daemon {
namespace {

using namespace std::chrono_literals;

std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point(std::chrono::microseconds(1795324677027745));
}

InstanceConfig instance(std::string name, int vrid, std::string ifname) {
  InstanceConfig c;
  c.name = std::move(name);
  c.vrid = vrid;
  c.interface = std::move(ifname);
  c.priority = 150;
  c.vips = {"10.9.9.9/24 dev " + c.interface + " scope global"};
  return c;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(DaemonDump, DataLayoutIsWhatExportersParse) {
  RunConfig cfg;
  cfg.router_id = "lb1";
  cfg.instances = {instance("VI_1", 51, "eth0")};
  ConfigOnlyRuntime rt(&fixed_now);
  rt.start(cfg);
  const auto lines = lines_of(rt.dump_data());
  auto has = [&](const std::string& l) {
    return std::find(lines.begin(), lines.end(), l) != lines.end();
  };
  EXPECT_TRUE(has("------< VRRP Topology >------"));
  EXPECT_TRUE(has(" VRRP Instance = VI_1"));
  EXPECT_TRUE(has("   State = INIT"));
  EXPECT_TRUE(has("   Wantstate = BACKUP"));
  EXPECT_TRUE(has("   Interface = eth0"));
  EXPECT_TRUE(has("   Gratuitous ARP delay = 5"));
  EXPECT_TRUE(has("   Virtual Router ID = 51"));
  EXPECT_TRUE(has("   Priority = 150"));
  EXPECT_TRUE(has("   Virtual IP (1):"));
  EXPECT_TRUE(has("     10.9.9.9/24 dev eth0 scope global"));
  EXPECT_TRUE(has("   Advert interval = 1 sec"));
  // Every line of the instance block is indented by 1, 3 or 5 spaces.
  bool in_topology = false;
  for (const auto& l : lines) {
    if (l.starts_with("------<")) {
      in_topology = l == "------< VRRP Topology >------";
      continue;
    }
    if (!in_topology) continue;
    const auto indent = l.find_first_not_of(' ');
    EXPECT_TRUE(indent == 1 || indent == 3 || indent == 5) << l;
  }
}

TEST(DaemonDump, TransitionTimeFormat) {
  const std::string s = format_transition_time(fixed_now());
  EXPECT_TRUE(s.starts_with("1795324677.027745 (")) << s;
  EXPECT_TRUE(s.ends_with(".027745 2026)")) << s;
}

// The .stats layout: column 0 instance, 2-space sections ending ':' or 2-space integer
// counters, 4-space integer counters (mehdy/keepalived-exporter's ParseStats rules).
TEST(DaemonDump, StatsLayoutIsWhatExportersParse) {
  InstanceRecord r;
  r.config = instance("VI_1", 51, "eth0");
  r.stats.advert_rcvd = 7;
  r.stats.pri_zero_sent = 2;
  const std::string text = format_stats({r});
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.front(), "VRRP Instance: VI_1");
  EXPECT_EQ(lines.size(), 19u);
  EXPECT_EQ(lines[1], "  Advertisements:");
  EXPECT_EQ(lines[2], "    Received: 7");
  EXPECT_EQ(lines[4], "  Became master: 0");
  EXPECT_EQ(lines[17], "    Received: 0");
  EXPECT_EQ(lines[18], "    Sent: 2");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto& l = lines[i];
    ASSERT_TRUE(l.starts_with("  ")) << l;
    if (l.ends_with(":")) continue;
    const std::string value = l.substr(l.find(':') + 1);
    EXPECT_NO_THROW((void)std::stoi(value)) << l;
  }
}

TEST(DaemonDump, JsonKeysAndStates) {
  RunConfig cfg;
  cfg.instances = {instance("VI_1", 51, "eth0")};
  cfg.instances[0].wanted = VrrpState::master;
  ConfigOnlyRuntime rt(&fixed_now);
  rt.start(cfg);
  auto text = rt.dump_json();
  ASSERT_TRUE(text.has_value());
  auto j = nlohmann::json::parse(*text);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["data"]["iname"], "VI_1");
  EXPECT_EQ(j[0]["data"]["ifp_ifname"], "eth0");
  EXPECT_EQ(j[0]["data"]["vrid"], 51);
  EXPECT_EQ(j[0]["data"]["state"], 0);      // INIT: no engine yet
  EXPECT_EQ(j[0]["data"]["wantstate"], 2);  // configured MASTER
  EXPECT_EQ(j[0]["data"]["base_priority"], 150);
  EXPECT_DOUBLE_EQ(j[0]["data"]["last_transition"].get<double>(), 1795324677.027745);
  EXPECT_EQ(j[0]["data"]["vips"][0], "10.9.9.9/24 dev eth0 scope global");
  for (const char* k : {"advert_rcvd", "advert_sent", "become_master", "release_master",
                        "packet_len_err", "advert_interval_err", "ip_ttl_err", "invalid_type_rcvd",
                        "addr_list_err", "invalid_authtype", "authtype_mismatch", "auth_failure",
                        "pri_zero_rcvd", "pri_zero_sent"}) {
    EXPECT_TRUE(j[0]["stats"].contains(k)) << k;
  }
  cfg.json_version = 2;
  rt.reload(cfg);
  auto j2 = nlohmann::json::parse(*rt.dump_json());
  EXPECT_EQ(j2["vrrp"][0]["data"]["iname"], "VI_1");
  EXPECT_TRUE(j2["track_process"].is_array());
}

// The JSON is written without a JSON library (1,000 instances: ~1 ms, not ~14): it must be the
// text nlohmann::json's compact dump() gives for the same values — what exporters were tested
// against — with keys in keepalived's order, escapes, whole doubles as "N.0", whole seconds as
// integers.
TEST(DaemonDump, JsonTextIsCanonicalCompactJson) {
  std::vector<InstanceRecord> records(2);
  records[0].config = instance("VI_\"quoted\"\\back\tslash\x01", 51, "eth0");
  records[0].config.advert_int = 100ms;
  records[0].config.preempt_delay = 2500ms;
  records[0].config.evips = {"fe80::1/64 dev eth0 scope link"};
  records[0].last_transition = fixed_now();
  records[0].state = VrrpState::master;
  records[0].vipset = true;
  records[0].stats.advert_sent = 18446744073709551615ull;
  records[1].config = instance("VI_\xc3\xa9t\xc3\xa9\xff", 52, "eth1");  // UTF-8, then a stray byte
  records[1].last_transition = std::chrono::system_clock::time_point(std::chrono::seconds(1795324677));
  records[1].master_adver_int = 3s;
  for (int version : {1, 2}) {
    const std::string text = format_json(records, version);
    const auto j = nlohmann::ordered_json::parse(text);
    EXPECT_EQ(j.dump(), text);  // nlohmann's own compact form, byte for byte
    const auto& list = version == 2 ? j["vrrp"] : j;
    ASSERT_EQ(list.size(), 2u);
    if (version == 2) {
      EXPECT_TRUE(j["track_process"].is_array());
      continue;
    }
    const auto& d0 = list[0]["data"];
    EXPECT_EQ(d0["iname"], "VI_\"quoted\"\\back\tslash\x01");
    EXPECT_DOUBLE_EQ(d0["adver_int"].get<double>(), 0.1);
    EXPECT_DOUBLE_EQ(d0["preempt_delay"].get<double>(), 2.5);
    EXPECT_TRUE(d0["evips"].is_array());
    EXPECT_EQ(d0["state"], 2);
    EXPECT_EQ(d0["vipset"], true);
    EXPECT_EQ(list[0]["stats"]["advert_sent"].get<std::uint64_t>(), 18446744073709551615ull);
    const auto& d1 = list[1]["data"];
    EXPECT_EQ(d1["iname"], "VI_\xc3\xa9t\xc3\xa9\xef\xbf\xbd");
    EXPECT_FALSE(d1.contains("evips"));
    EXPECT_TRUE(d1["adver_int"].is_number_integer());  // 1 s: `1`, not `1.0`
    EXPECT_EQ(d1["master_adver_int"], 3);
    EXPECT_TRUE(d1["last_transition"].is_number_float());  // whole seconds still a double
    EXPECT_NE(text.find("\"last_transition\":1795324677.0,"), std::string::npos) << text;
    EXPECT_NE(text.find("\"last_transition\":1795324677.027745,"), std::string::npos) << text;
    std::vector<std::string> keys;
    for (const auto& [k, v] : d0.items()) keys.push_back(k);
    const std::vector<std::string> want = {
        "iname", "dont_track_primary", "skip_check_adv_addr", "strict_mode", "vmac_ifname", "ifp_ifname",
        "master_priority", "last_transition", "garp_delay", "garp_refresh", "garp_rep", "garp_refresh_rep",
        "garp_lower_prio_delay", "garp_lower_prio_rep", "lower_prio_no_advert", "higher_prio_send_advert",
        "vrid", "base_priority", "effective_priority", "vipset", "promote_secondaries", "adver_int",
        "master_adver_int", "accept", "nopreempt", "preempt_delay", "state", "wantstate", "version",
        "smtp_alert", "notify_deleted", "vips", "evips", "auth_type"};
    EXPECT_EQ(keys, want);
  }
}

TEST(DaemonDump, NoInstancesNoJson) {
  ConfigOnlyRuntime rt(&fixed_now);
  rt.start(RunConfig{});
  EXPECT_FALSE(rt.dump_json().has_value());
}

TEST(DaemonRuntime, ReloadMatchesByWireIdentityNotName) {
  RunConfig a;
  a.instances = {instance("VI_1", 51, "eth0"), instance("VI_2", 52, "eth0")};
  ConfigOnlyRuntime rt(&fixed_now);
  rt.start(a);
  // Pretend traffic was counted (the engine will do this).
  const_cast<InstanceRecord&>(rt.records()[0]).stats.advert_rcvd = 5;
  const_cast<InstanceRecord&>(rt.records()[1]).stats.advert_rcvd = 9;

  RunConfig b;
  b.instances = {instance("RENAMED", 51, "eth0"),  // same router, new name: keeps counters
                 instance("VI_2", 52, "eth1")};    // same name, other interface: a new router
  rt.reload(b);
  ASSERT_EQ(rt.records().size(), 2u);
  EXPECT_EQ(rt.records()[0].config.name, "RENAMED");
  EXPECT_EQ(rt.records()[0].stats.advert_rcvd, 5u);
  EXPECT_EQ(rt.records()[1].stats.advert_rcvd, 0u);
}

TEST(DaemonRuntime, ClearStatsZeroesCounters) {
  RunConfig a;
  a.instances = {instance("VI_1", 51, "eth0")};
  ConfigOnlyRuntime rt(&fixed_now);
  rt.start(a);
  const_cast<InstanceRecord&>(rt.records()[0]).stats.auth_failure = 3;
  EXPECT_NE(rt.dump_stats().find("    Failure: 3\n"), std::string::npos);
  rt.clear_stats();
  EXPECT_NE(rt.dump_stats().find("    Failure: 0\n"), std::string::npos);
}

TEST(DaemonDumpFiles, TmpdirRules) {
  char dir[] = "/tmp/vigil-dumptest-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  EXPECT_EQ(dump_directory(dir), dir);
  EXPECT_EQ(dump_directory(nullptr), "/tmp");
  EXPECT_EQ(dump_directory("relative/dir"), "/tmp");
  EXPECT_EQ(dump_directory("/nonexistent-vigil-dir"), "/tmp");
  EXPECT_EQ(dump_paths(dir).json, std::string(dir) + "/keepalived.json");
  EXPECT_EQ(dump_paths(dir).stats, std::string(dir) + "/keepalived.stats");
  EXPECT_EQ(dump_paths(dir).parent_data, std::string(dir) + "/keepalived_parent.data");

  const std::string path = std::string(dir) + "/keepalived.data";
  ASSERT_EQ(write_file_atomically(path, "old\n"), 0);
  ASSERT_EQ(write_file_atomically(path, "new content\n"), 0);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "new content\n");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  unlink(path.c_str());
  EXPECT_EQ(rmdir(dir), 0);  // no temp files left behind
}

}  // namespace
}  // namespace vigil::daemon
