// Process-level keywords with a real vigild: `instance NAME` (pidfile names), the dump file
// keywords (`state_dump_file`, `stats_dump_file`, `json_dump_file`, `data_use_instance`) and
// `reload_check_config LOG`; a reload may not rename the instance.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace vigil::daemon::test {
namespace {

using namespace std::chrono_literals;

// Start-up: parse + fork + the child's own parse: milliseconds; 5 s for sanitizer builds.
constexpr auto kStartTimeout = 5000ms;
// A dump, a reload (including a `vigild -t` run for reload_check_config): well under 3 s.
constexpr auto kStepTimeout = 3000ms;
// Stop: no VIP held (no address on d0), the parent waits ≤ child_wait_time (5 s) + 1 s.
constexpr auto kStopTimeout = 6000ms;

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

class ProcessSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ns_.ok()) << "cannot create a network namespace (needs root)";
    conf_ = dir_.file("keepalived.conf");
  }
  Netns ns_;
  TempDir dir_;
  std::string conf_;
};

TEST_F(ProcessSettingsTest, InstanceNamesPidfilesAndDumpFiles) {
  const std::string inst = fmt::format("vt{}", ::getpid());
  const bool had_dir = exists("/run/keepalived");
  const std::string main_pf = "/run/keepalived/keepalived_" + inst + ".pid";
  const std::string vrrp_pf = "/run/keepalived/vrrp_" + inst + ".pid";
  const std::string dumps = dir_.file("dumps");
  ASSERT_EQ(::mkdir(dumps.c_str(), 0755), 0);
  write_file(conf_, one_instance_config(51, 100,
                                        fmt::format("instance {0}\n"
                                                    "global_defs {{\n"
                                                    "  state_dump_file {1}/state.txt\n"
                                                    "  json_dump_file {1}\n"
                                                    "  data_use_instance\n"
                                                    "}}\n",
                                                    inst, dumps)));
  Vigild d(ns_, dir_, {"-n", "-l", "-G", "-f", conf_});  // no -p / -r: the names decide
  std::optional<pid_t> parent, child;
  ASSERT_TRUE(wait_until(
      [&] {
        parent = pid_in(main_pf);
        child = pid_in(vrrp_pf);
        return parent && child && alive(*child) && d.log_has("Startup complete");
      },
      kStartTimeout))
      << d.log();
  EXPECT_EQ(*parent, d.pid());
  EXPECT_EQ(parent_of(*child), d.pid());

  ASSERT_EQ(::kill(d.pid(), SIGUSR1), 0);
  const std::string data = dumps + "/state_" + inst + ".txt";
  EXPECT_TRUE(wait_until([&] { return read_file(data).find(" VRRP Instance = VI_1") != std::string::npos; },
                         kStepTimeout))
      << d.log();
  ASSERT_EQ(::kill(d.pid(), SIGUSR2), 0);
  const std::string stats = dir_.file("keepalived_" + inst + ".stats");  // <tmp>, instance inserted
  EXPECT_TRUE(wait_until([&] { return read_file(stats).starts_with("VRRP Instance: VI_1"); }, kStepTimeout));
  ASSERT_EQ(::kill(d.pid(), SIGRTMIN + 2), 0);
  const std::string json = dumps + "/keepalived_" + inst + ".json";  // a directory keeps the name
  EXPECT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kStepTimeout));
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["iname"], "VI_1");
  EXPECT_FALSE(exists(dir_.file("keepalived.data")));
  EXPECT_FALSE(exists(dir_.file("keepalived.json")));

  // A reload may not rename the instance: refused, the running configuration kept.
  write_file(conf_, one_instance_config(51, 100, "instance other\n"));
  ASSERT_EQ(::kill(d.pid(), SIGHUP), 0);
  EXPECT_TRUE(wait_until(
      [&] {
        return d.log_has("Cannot change instance name at a reload - please restart keepalived") &&
               d.log_has("Reload aborted");
      },
      kStepTimeout))
      << d.log();
  EXPECT_EQ(pid_in(vrrp_pf), child);

  ASSERT_EQ(::kill(d.pid(), SIGTERM), 0);
  EXPECT_EQ(d.wait_exit(kStopTimeout), 0) << d.log();
  EXPECT_FALSE(exists(main_pf));
  EXPECT_FALSE(exists(vrrp_pf));
  if (!had_dir) {
    EXPECT_FALSE(exists("/run/keepalived"));  // made for us, removed with us
  }
}

TEST_F(ProcessSettingsTest, ReloadCheckConfigTestsTheNewFileInAChildFirst) {
  const std::string check_log = dir_.file("check.log");
  const std::string global = fmt::format("global_defs {{\n  reload_check_config {}\n}}\n", check_log);
  write_file(conf_, one_instance_config(51, 100, global));
  const std::string pf = dir_.file("k.pid"), rpf = dir_.file("v.pid");
  Vigild d(ns_, dir_, {"-n", "-l", "-G", "-f", conf_, "-p", pf, "-r", rpf});
  ASSERT_TRUE(wait_until([&] { return d.log_has("Startup complete"); }, kStartTimeout)) << d.log();
  const pid_t child = pid_in(rpf).value_or(0);

  write_file(conf_, global + "vrrp_instance VI_1 {\n  state BACKUP\n");  // unterminated block
  ASSERT_EQ(::kill(d.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return d.log_has("New config failed validation"); }, kStepTimeout)) << d.log();
  EXPECT_TRUE(d.log_has(fmt::format("see {} for details", check_log)));
  EXPECT_NE(read_file(check_log).find("never closed"), std::string::npos) << read_file(check_log);
  EXPECT_FALSE(d.log_has("Reload complete"));
  EXPECT_EQ(pid_in(rpf).value_or(0), child);

  write_file(conf_, one_instance_config(51, 150, global));
  ASSERT_EQ(::kill(d.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return d.log_has("Reload complete"); }, kStepTimeout)) << d.log();
  const std::string json = dir_.file("keepalived.json");
  ASSERT_EQ(::kill(d.pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kStepTimeout));
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["base_priority"], 150);
  EXPECT_EQ(pid_in(rpf).value_or(0), child);
}

// syslog as a log reader sees it: vigild runs in a private mount namespace whose /dev/log is the
// test's datagram socket. Idents carry the instance name; the child logs to LOG_LOCAL1.
TEST_F(ProcessSettingsTest, SyslogDatagramsCarryKeepalivedIdents) {
  const std::string sock_path = dir_.file("log.sock");
  const int sock = bound_unix_datagram(sock_path);
  ASSERT_GE(sock, 0) << "cannot bind " << sock_path;
  const int big = 4 << 20;
  ::setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);

  write_file(conf_, one_instance_config(51, 100, "instance blue\n"));
  const std::string pf = dir_.file("k.pid"), rpf = dir_.file("v.pid");
  // A tmpfs on /dev in a mount namespace of its own: /dev/log → our socket, /dev/null for the
  // daemon; the host's /dev is untouched.
  const std::string script = fmt::format(
      "mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 && ln -s {} /dev/log && exec {} -n -f {} -p {} -r {}",
      sock_path, VIGILD_PATH, conf_, pf, rpf);
  Vigild d(ns_, dir_, {}, {}, true, {"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script});
  std::vector<std::string> got;
  auto received = [&](const std::string& needle) {
    char buf[2048];
    for (ssize_t n; (n = ::recv(sock, buf, sizeof buf, 0)) > 0;) got.emplace_back(buf, static_cast<std::size_t>(n));
    for (const auto& g : got) {
      if (g.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  ASSERT_TRUE(wait_until([&] { return received("Startup complete"); }, kStartTimeout)) << d.log();
  const pid_t child = pid_in(rpf).value_or(0);
  ASSERT_TRUE(wait_until([&] { return received(fmt::format("Keepalived_vrrp_blue[{}]: ", child)); }, kStepTimeout))
      << d.log();
  bool parent_line = false, child_line = false;
  for (const auto& g : got) {
    // <30> = daemon (3 << 3) + info (6); <142> = local1 (17 << 3) + info.
    if (g.starts_with("<30>") && g.find(fmt::format(" Keepalived_blue[{}]: Starting VRRP child process", d.pid())) != std::string::npos) {
      parent_line = true;
    }
    if (g.starts_with("<142>") && g.find(fmt::format(" Keepalived_vrrp_blue[{}]: ", child)) != std::string::npos) {
      child_line = true;
    }
  }
  EXPECT_TRUE(parent_line) << (got.empty() ? "" : got.front());
  EXPECT_TRUE(child_line);
  ::close(sock);
}

}  // namespace
}  // namespace vigil::daemon::test
