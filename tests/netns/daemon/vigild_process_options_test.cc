// Process tests, continued (fixture: vigild_process_fixture.h): dump signals, reload,
// sd_notify and the command-line options.
#include "vigild_process_fixture.h"

namespace vigil::daemon::test {
namespace {

TEST_F(VigildProcess, DumpSignalsWriteKeepalivedFiles) {
  auto d = start();
  const std::string data = dir_.file("keepalived.data"), stats = dir_.file("keepalived.stats"),
                    json = dir_.file("keepalived.json"), parent = dir_.file("keepalived_parent.data");
  ASSERT_EQ(signal_pid(d->pid(), SIGUSR1), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(data).empty(); }, kDumpTimeout)) << d->log();
  const std::string data_text = read_file(data);
  EXPECT_NE(data_text.find(" VRRP Instance = VI_1\n"), std::string::npos);
  // d0 has no IPv4 address: the instance cannot send adverts and sits in FAULT.
  EXPECT_NE(data_text.find("   State = FAULT\n"), std::string::npos) << data_text;
  EXPECT_NE(data_text.find("   Wantstate = BACKUP\n"), std::string::npos);
  EXPECT_NE(data_text.find("   Interface = d0\n"), std::string::npos);
  EXPECT_NE(data_text.find("   Virtual Router ID = 51\n"), std::string::npos);
  EXPECT_NE(data_text.find("     10.9.9.9/24 dev d0 scope global\n"), std::string::npos);
  EXPECT_FALSE(read_file(parent).empty());
  EXPECT_TRUE(wait_until(
      [&] { return d->log_has(fmt::format("Printing VRRP data for process({}) on signal", child_pid())); },
      kDumpTimeout));

  ASSERT_EQ(signal_pid(d->pid(), SIGUSR2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(stats).empty(); }, kDumpTimeout));
  const auto stat_lines = lines_of(read_file(stats));
  ASSERT_EQ(stat_lines.size(), 20u);
  EXPECT_EQ(stat_lines[19], "Log lines dropped: 0");
  EXPECT_EQ(stat_lines[0], "VRRP Instance: VI_1");
  EXPECT_EQ(stat_lines[1], "  Advertisements:");
  EXPECT_EQ(stat_lines[2], "    Received: 0");

  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout));
  auto j = nlohmann::json::parse(read_file(json));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["data"]["iname"], "VI_1");
  EXPECT_EQ(j[0]["data"]["vrid"], 51);
  EXPECT_EQ(j[0]["data"]["state"], 3);  // FAULT, as in the .data dump
  EXPECT_EQ(j[0]["data"]["ifp_ifname"], "d0");
  EXPECT_EQ(j[0]["stats"]["advert_rcvd"], 0);

  unlink(stats.c_str());
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMAX - 1), 0);  // STATS_CLEAR
  ASSERT_TRUE(wait_until([&] { return !read_file(stats).empty(); }, kDumpTimeout));
  EXPECT_TRUE(wait_until([&] { return d->log_has("Printing and clearing VRRP stats"); }, kDumpTimeout));
}

TEST_F(VigildProcess, BrokenConfigOnReloadIsReportedAndOldOneKept) {
  auto d = start();
  const pid_t child = child_pid();
  write_file(conf_, "vrrp_instance VI_1 {\n  state BACKUP\n");  // unterminated block
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("Reload aborted"); }, kDumpTimeout)) << d->log();
  EXPECT_TRUE(d->log_has("never closed"));
  EXPECT_TRUE(alive(d->pid()));
  EXPECT_EQ(child_pid(), child);
  EXPECT_FALSE(d->log_has("Reloading\n"));  // the child was not told to reload

  // The old configuration is still the one in effect.
  const std::string json = dir_.file("keepalived.json");
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout));
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["base_priority"], 100);

  // A good configuration then reloads: the child applies it and reports back.
  write_file(conf_, one_instance_config(51, 150));
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return d->log_has("Reload complete"); }, kDumpTimeout)) << d->log();
  unlink(json.c_str());
  ASSERT_EQ(signal_pid(d->pid(), SIGRTMIN + 2), 0);
  ASSERT_TRUE(wait_until([&] { return !read_file(json).empty(); }, kDumpTimeout));
  EXPECT_EQ(nlohmann::json::parse(read_file(json))[0]["data"]["base_priority"], 150);
  EXPECT_EQ(child_pid(), child);
}

// sd_notify: READY=1 once the child has its config, RELOADING=1/READY=1 around a reload,
// STOPPING=1 on stop — read from a datagram socket standing in for systemd.
TEST_F(VigildProcess, SystemdNotifications) {
  const std::string sock_path = dir_.file("notify.sock");
  const int sock = bound_unix_datagram(sock_path);
  ASSERT_GE(sock, 0) << "cannot bind " << sock_path;
  std::vector<std::string> got;
  auto receive = [&] {
    char buf[256];
    for (ssize_t n; (n = ::recv(sock, buf, sizeof buf, 0)) > 0;) got.emplace_back(buf, n);
  };
  auto got_message = [&](const std::string& m) {
    receive();
    return std::find(got.begin(), got.end(), m) != got.end();
  };

  auto d = start({}, {"NOTIFY_SOCKET=" + sock_path});
  const std::string ready = fmt::format("READY=1\nMAINPID={}", d->pid());
  EXPECT_TRUE(wait_until([&] { return got_message(ready); }, kStartTimeout));
  ASSERT_EQ(signal_pid(d->pid(), SIGHUP), 0);
  EXPECT_TRUE(wait_until([&] { return got_message("RELOADING=1"); }, kDumpTimeout));
  EXPECT_TRUE(wait_until([&] { return std::count(got.begin(), got.end(), ready) == 2 || (receive(), false); },
                         kDumpTimeout));
  ASSERT_EQ(signal_pid(d->pid(), SIGTERM), 0);
  EXPECT_EQ(d->wait_exit(kStopTimeout), 0);
  EXPECT_TRUE(got_message("STOPPING=1"));
  ::close(sock);
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// Without -n the launched process forks the daemon and exits 0; the daemon writes the pidfile.
TEST_F(VigildProcess, DaemonisesWithoutDashN) {
  Vigild launcher(ns_, dir_, {"-l", "-G", "-f", conf_, "-p", pidfile_, "-r", vrrp_pidfile_});
  EXPECT_EQ(launcher.wait_exit(kStartTimeout), 0) << launcher.log();
  std::optional<pid_t> daemon, child;
  ASSERT_TRUE(wait_until(
      [&] {
        daemon = pid_in(pidfile_);
        child = pid_in(vrrp_pidfile_);
        return daemon && child && alive(*daemon) && alive(*child);
      },
      kStartTimeout));
  EXPECT_NE(*daemon, launcher.pid());
  EXPECT_EQ(parent_of(*child), *daemon);
  ASSERT_EQ(signal_pid(*daemon, SIGTERM), 0);
  EXPECT_TRUE(wait_until([&] { return !alive(*daemon) && !alive(*child); }, kStopTimeout));
  EXPECT_TRUE(wait_until([&] { return ::access(pidfile_.c_str(), F_OK) != 0; }, kStopTimeout));
}

// -g FILE: the parent logs to FILE, the child to FILE with _vrrp before the extension.
TEST_F(VigildProcess, LogFilesPerProcess) {
  const std::string log = dir_.file("k.log");
  auto d = start({"-g" + log});
  EXPECT_TRUE(wait_until(
      [&] { return read_file(log).find("Starting VRRP child process") != std::string::npos; }, kDumpTimeout));
  ASSERT_EQ(signal_pid(d->pid(), SIGUSR1), 0);
  EXPECT_TRUE(wait_until(
      [&] { return read_file(dir_.file("k_vrrp.log")).find("Printing VRRP data") != std::string::npos; },
      kDumpTimeout));
}

// -s NAME: started outside the namespace, vigild joins it (d0 exists only there).
TEST_F(VigildProcess, NamespaceOption) {
  auto args = base_args();
  args.insert(args.end(), {"-s", ns_.name()});
  Vigild d(ns_, dir_, args, {}, /*enter_ns=*/false);
  ASSERT_TRUE(wait_until([&] { return d.log_has("Startup complete"); }, kStartTimeout)) << d.log();
  const pid_t child = child_pid();
  EXPECT_EQ(read_file(fmt::format("/proc/{}/net/dev", child)).find(" d0:") != std::string::npos,
            true);
  ASSERT_EQ(signal_pid(d.pid(), SIGTERM), 0);
  EXPECT_EQ(d.wait_exit(kStopTimeout), 0);
}

// `net_namespace NAME` in the file, started outside it: the child reads the file, enters the
// namespace and reads it again there (d0 exists only there); the parent follows it in.
TEST_F(VigildProcess, NetNamespaceKeywordMovesBothProcesses) {
  write_file(conf_, one_instance_config(51, 100, "net_namespace " + ns_.name() + "\n"));
  Vigild d(ns_, dir_, base_args(), {}, /*enter_ns=*/false);
  ASSERT_TRUE(wait_until([&] { return d.log_has("Startup complete"); }, kStartTimeout)) << d.log();
  const pid_t child = child_pid();
  ASSERT_GT(child, 0);
  struct stat want {}, parent_ns {}, child_ns {};
  ASSERT_EQ(::stat(("/run/netns/" + ns_.name()).c_str(), &want), 0);
  ASSERT_EQ(::stat(fmt::format("/proc/{}/ns/net", d.pid()).c_str(), &parent_ns), 0);
  ASSERT_EQ(::stat(fmt::format("/proc/{}/ns/net", child).c_str(), &child_ns), 0);
  EXPECT_EQ(parent_ns.st_ino, want.st_ino);
  EXPECT_EQ(child_ns.st_ino, want.st_ino);
  ASSERT_EQ(signal_pid(d.pid(), SIGTERM), 0);
  EXPECT_EQ(d.wait_exit(kStopTimeout), 0);
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// No VRRP configuration: no child (keepalived's warning); a reload that adds an instance starts it.
TEST_F(VigildProcess, ReloadStartsChildWhenConfigurationAppears) {
  write_file(conf_, "global_defs {\n  router_id lb1\n}\n");
  Vigild d(ns_, dir_, base_args());
  ASSERT_TRUE(wait_until([&] { return d.log_has("keepalived has no configuration to run"); },
                         kStartTimeout))
      << d.log();
  EXPECT_EQ(child_pid(), 0);
  EXPECT_FALSE(d.log_has("Starting VRRP child process"));

  write_file(conf_, one_instance_config());
  ASSERT_EQ(signal_pid(d.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return child_pid() != 0 && d.log_has("Reload complete"); },
                         kStartTimeout))
      << d.log();
  EXPECT_EQ(parent_of(child_pid()), d.pid());
}

}  // namespace
}  // namespace vigil::daemon::test

namespace vigil::daemon::test {
namespace {

// -d logs the parsed configuration (config/dump.h's JSON), then runs as usual.
TEST_F(VigildProcess, DumpConfToTheLog) {
  auto d = start({"-d"});
  EXPECT_TRUE(d->log_has("\"virtual_router_id\": 51")) << d->log();
  EXPECT_TRUE(alive(child_pid()));
}

}  // namespace
}  // namespace vigil::daemon::test
