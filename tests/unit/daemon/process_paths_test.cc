// Tests for daemon/process_paths.h and the ident naming of daemon/log_setup.h.
#include "daemon/process_paths.h"

#include <gtest/gtest.h>

#include "daemon/log_setup.h"

namespace vigil::daemon {
namespace {

TEST(ProcessPaths, PidfilesFollowInstanceNamespaceAndUsePidDir) {
  Options o;
  auto p = pidfile_paths(o, {}, false);
  EXPECT_EQ(p.main, "/run/keepalived.pid");
  EXPECT_EQ(p.vrrp, "/run/vrrp.pid");
  EXPECT_TRUE(p.dirs.empty());

  p = pidfile_paths(o, {.net_namespace = "", .instance = "blue"}, false);
  EXPECT_EQ(p.main, "/run/keepalived/keepalived_blue.pid");
  EXPECT_EQ(p.vrrp, "/run/keepalived/vrrp_blue.pid");
  EXPECT_EQ(p.dirs, std::vector<std::string>{"/run/keepalived"});

  p = pidfile_paths(o, {}, true);
  EXPECT_EQ(p.main, "/run/keepalived/keepalived.pid");
  EXPECT_EQ(p.vrrp, "/run/keepalived/vrrp.pid");

  p = pidfile_paths(o, {.net_namespace = "ns1", .instance = ""}, false);
  EXPECT_EQ(p.main, "/run/keepalived/keepalived_ns1/keepalived.pid");
  EXPECT_EQ(p.vrrp, "/run/keepalived/keepalived_ns1/vrrp.pid");
  EXPECT_EQ(p.dirs, (std::vector<std::string>{"/run/keepalived", "/run/keepalived/keepalived_ns1"}));

  p = pidfile_paths(o, {.net_namespace = "ns1", .instance = "blue"}, false);
  EXPECT_EQ(p.main, "/run/keepalived/keepalived_ns1/keepalived_blue.pid");
  EXPECT_EQ(p.vrrp, "/run/keepalived/keepalived_ns1/vrrp_blue.pid");
}

TEST(ProcessPaths, CommandLinePidfilesWin) {
  Options o;
  o.pidfile = "/tmp/p.pid";
  o.pidfile_given = true;
  auto p = pidfile_paths(o, {.net_namespace = "", .instance = "blue"}, false);
  EXPECT_EQ(p.main, "/tmp/p.pid");
  EXPECT_EQ(p.vrrp, "/run/keepalived/vrrp_blue.pid");
  o.vrrp_pidfile = "/tmp/r.pid";
  o.vrrp_pidfile_given = true;
  p = pidfile_paths(o, {.net_namespace = "", .instance = "blue"}, false);
  EXPECT_EQ(p.vrrp, "/tmp/r.pid");
  EXPECT_TRUE(p.dirs.empty());  // nothing of ours in /run/keepalived
}

TEST(ProcessPaths, DumpFileKeywordsAndDataUseInstance) {
  ProcessSettings s;
  auto d = dump_paths("/nonexistent-tmpdir", s, {});
  EXPECT_EQ(d.data, "/tmp/keepalived.data");
  EXPECT_EQ(d.json, "/tmp/keepalived.json");

  s.state_dump_file = "/var/run/ka/state.txt";
  s.stats_dump_file = "/var/tmp/";  // a directory: the default name inside it
  s.json_dump_file = "/tmp";        // an existing directory
  d = dump_paths(nullptr, s, {});
  EXPECT_EQ(d.data, "/var/run/ka/state.txt");
  EXPECT_EQ(d.stats, "/var/tmp/keepalived.stats");
  EXPECT_EQ(d.json, "/tmp/keepalived.json");
  EXPECT_EQ(d.parent_data, "/tmp/keepalived_parent.data");

  s = {};
  s.data_use_instance = true;
  d = dump_paths(nullptr, s, {.net_namespace = "ns1", .instance = "blue"});
  EXPECT_EQ(d.data, "/tmp/keepalived_ns1_blue.data");
  EXPECT_EQ(d.stats, "/tmp/keepalived_ns1_blue.stats");
  EXPECT_EQ(d.json, "/tmp/keepalived_ns1_blue.json");
  EXPECT_EQ(d.parent_data, "/tmp/keepalived_parent_ns1_blue.data");
  d = dump_paths(nullptr, s, {.net_namespace = "", .instance = "blue"});
  EXPECT_EQ(d.data, "/tmp/keepalived_blue.data");
}

TEST(ProcessPaths, NamesAndIdents) {
  Options o;
  ProcessSettings s;
  s.net_namespace = "cfgns";
  s.instance = "blue";
  EXPECT_EQ(process_names(o, s).net_namespace, "cfgns");
  o.net_namespace = "cli";  // -s beats the file
  const auto n = process_names(o, s);
  EXPECT_EQ(n.net_namespace, "cli");
  EXPECT_EQ(syslog_ident(ProcessRole::parent, n), "Keepalived_cli_blue");
  EXPECT_EQ(syslog_ident(ProcessRole::vrrp_child, n), "Keepalived_vrrp_cli_blue");
  EXPECT_EQ(syslog_ident(ProcessRole::vrrp_child, {.net_namespace = "", .instance = "blue"}),
            "Keepalived_vrrp_blue");
  EXPECT_EQ(syslog_ident(ProcessRole::parent, {}), "Keepalived");
}

}  // namespace
}  // namespace vigil::daemon
