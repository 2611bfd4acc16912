// Sync groups across two LANs, notify scripts' arguments, notify FIFO lines, and reloads, with
// real vigild processes.
//
// Timing (RFC 5798 §6.1, VRRPv3 advert 100 ms): Master_Down(100) = 360.9 ms, Master_Down(150) =
// 341.4 ms. Start-up allowance 3 s (loaded 2-core machine). Notify scripts are children started
// at the transition: 1 s to run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "net/vrrp_socket.h"
#include "track_lab.h"
#include "vrrp/packet.h"
#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

// A FIFO the test makes and reads (non-blocking) the way a notify_fifo consumer would.
class FifoReader {
 public:
  explicit FifoReader(const std::string& path) {
    if (::mkfifo(path.c_str(), 0600) == 0) fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  }
  ~FifoReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  FifoReader(const FifoReader&) = delete;
  FifoReader& operator=(const FifoReader&) = delete;
  bool ok() const { return fd_ >= 0; }
  // Everything written so far (what is pending now is appended first).
  const std::string& read_all() {
    char buf[4096];
    for (ssize_t n; (n = ::read(fd_, buf, sizeof buf)) > 0;) text_.append(buf, static_cast<std::size_t>(n));
    return text_;
  }
  const std::string& text() const { return text_; }

 private:
  int fd_ = -1;
  std::string text_;
};

constexpr auto kStartup = 3000ms;
constexpr auto kElected = kStartup + 400ms;
constexpr auto kFailover = 1000ms;  // master-down ≤ 360.9 ms + the event reaching vigild + slack
constexpr auto kScriptRun = 1000ms;

bool has_line(const std::string& path, const std::string& line) {
  const auto lines = lines_of(path);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// A notify script appending "<argc>|<args>" to `out`.
std::string args_script(const Router& r, const std::string& out) {
  const std::string path = r.dir() + "/notify.sh";
  sh("printf '%s\\n' '#!/bin/sh' 'echo \"$#|$*\" >> " + out + "' > " + path + " && chmod 755 " + path);
  return path;
}

std::string instance(const std::string& name, const std::string& ifname, int vrid, int prio,
                     const std::string& vip, const std::string& extra = "") {
  return fmt::format(
      "vrrp_instance {} {{\n  state BACKUP\n  interface {}\n  virtual_router_id {}\n  priority {}\n"
      "  advert_int 0.1\n  version 3\n{}  virtual_ipaddress {{\n    {}\n  }}\n}}\n",
      name, ifname, vrid, prio, extra, vip);
}

// Sync group G = {VI_1 on LAN 1 (eth0), VI_2 on LAN 2 (eth1)}.
std::string two_lan_config(const std::string& id, int prio, const std::string& group_extra) {
  return fmt::format("global_defs {{\n  router_id {}\n}}\n"
                     "vrrp_sync_group G {{\n  group {{\n    VI_1\n    VI_2\n  }}\n{}}}\n",
                     id, group_extra) +
         instance("VI_1", "eth0", 51, prio, "10.99.0.100/24") + instance("VI_2", "eth1", 52, prio, "10.98.0.100/24");
}

TEST(TrackSyncNotify, SyncGroupOnTwoLansFailsOverTogether) {
  Topology topo("vtw", {"a", "b"});
  add_second_lan(topo, {"a", "b"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string out = probe.dir() + "/group.out";
  const std::string script = args_script(probe, out);
  Router a(topo.node("a"), Router::Kind::vigil,
           two_lan_config("a", 150, "  notify " + script + "\n  notify_fault \"" + script + " group-fault\"\n"));
  Router b(topo.node("b"), Router::Kind::vigil, two_lan_config("b", 100, ""));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster && a.state("VI_2") == kMaster; }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state("VI_1") == kBackup && b.state("VI_2") == kBackup; }, kElected));
  EXPECT_TRUE(wait_until([&] { return has_line(out, "4|GROUP G MASTER 0"); }, kScriptRun)) << run("cat " + out).out;
  // a's LAN-2 link goes down: VI_2 FAULT pulls VI_1 to FAULT (VI_1's own link is fine); b takes
  // both (VI_1 at once on a's priority-0 advert, VI_2 at its master-down).
  sh(topo.node("a").exec("ip link set eth1 down"));
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kFault && a.state("VI_2") == kFault; }, 500ms)) << a.log();
  ASSERT_TRUE(wait_until([&] {
    return b.state("VI_1") == kMaster && b.state("VI_2") == kMaster && b.owns("10.99.0.100") &&
           b.owns_on("10.98.0.100", "eth1");
  }, kFailover)) << b.log();
  EXPECT_FALSE(a.owns("10.99.0.100"));
  EXPECT_NE(a.log().find("VRRP_Group(G) Syncing instances to FAULT state"), std::string::npos) << a.log();
  EXPECT_TRUE(wait_until([&] { return has_line(out, "4|GROUP G FAULT 0") && has_line(out, "1|group-fault"); }, kScriptRun))
      << run("cat " + out).out;
  // Back up: a (150) preempts on both LANs, together.
  sh(topo.node("a").exec("ip link set eth1 up"));
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster && a.state("VI_2") == kMaster; }, kFailover + 1000ms))
      << a.log();
  EXPECT_TRUE(wait_until([&] { return b.state("VI_1") == kBackup && b.state("VI_2") == kBackup; }, 500ms));
}

// Trackers at the group level apply to every member: a group track_file with a non-zero value
// (weight 0) puts both instances in FAULT; back to 0, both come back.
TEST(TrackSyncNotify, GroupLevelTrackerMovesEveryMember) {
  Topology topo("vtk", {"a", "b"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string file = probe.dir() + "/fault";
  auto config = [&](const std::string& id, int prio, const std::string& group_extra, const std::string& head) {
    return fmt::format("global_defs {{\n  router_id {}\n}}\n{}"
                       "vrrp_sync_group G {{\n  group {{\n    VI_1\n    VI_2\n  }}\n{}}}\n",
                       id, head, group_extra) +
           instance("VI_1", "eth0", 51, prio, "10.99.0.100/24") + instance("VI_2", "eth0", 52, prio, "10.99.0.101/24");
  };
  Router a(topo.node("a"), Router::Kind::vigil,
           config("a", 150, "  track_file {\n    tf weight 0\n  }\n",
                  fmt::format("track_file tf {{\n  file \"{}\"\n}}\n", file)));
  Router b(topo.node("b"), Router::Kind::vigil, config("b", 100, "", ""));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster && a.state("VI_2") == kMaster; }, kElected)) << a.log();
  sh("echo 1 > " + file);
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kFault && a.state("VI_2") == kFault; }, 500ms)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state("VI_1") == kMaster && b.state("VI_2") == kMaster; }, kFailover)) << b.log();
  sh("echo 0 > " + file);
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster && a.state("VI_2") == kMaster; }, kFailover + 1000ms))
      << a.log();
}

// notify_<state> get only their configured words; `notify` gets TYPE NAME STATE PRIORITY
// appended (reference §5.5); notify_deleted at a reload that removes the instance.
TEST(TrackSyncNotify, NotifyScriptsGetKeepalivedsArguments) {
  Topology topo("vtn", {"a"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string out = probe.dir() + "/notify.out", file = probe.dir() + "/fault";
  const std::string s = args_script(probe, out);
  const std::string scripts = fmt::format(
      "  notify_master \"{0} to-master\"\n  notify_backup \"{0} to-backup x\"\n  notify_fault \"{0} to-fault\"\n"
      "  notify_stop \"{0} to-stop\"\n  notify {0}\n  track_file {{\n    tf weight 0\n  }}\n", s);
  const std::string head = fmt::format("global_defs {{\n  router_id a\n}}\ntrack_file tf {{\n  file \"{}\"\n}}\n", file);
  const std::string vi2 = instance("VI_2", "eth0", 52, 120, "10.99.0.102/24",
                                   fmt::format("  notify_deleted \"{0} deleted\"\n  notify {0}\n", s));
  Router a(topo.node("a"), Router::Kind::vigil, head + instance("VI_1", "eth0", 51, 150, "10.99.0.100/24", scripts) + vi2);
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster; }, kElected)) << a.log();
  for (const char* line : {"2|to-backup x", "4|INSTANCE VI_1 BACKUP 150", "1|to-master", "4|INSTANCE VI_1 MASTER 150"}) {
    EXPECT_TRUE(wait_until([&] { return has_line(out, line); }, kScriptRun)) << line << "\n" << run("cat " + out).out;
  }
  sh("echo 1 > " + file);  // weight 0, non-zero value: FAULT
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kFault; }, 500ms)) << a.log();
  for (const char* line : {"1|to-fault", "4|INSTANCE VI_1 FAULT 150"}) {
    EXPECT_TRUE(wait_until([&] { return has_line(out, line); }, kScriptRun)) << line << "\n" << run("cat " + out).out;
  }
  sh("echo 0 > " + file);
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster; }, kFailover)) << a.log();
  // A reload without VI_2: it is deleted (notify_deleted configured → DELETED).
  ASSERT_TRUE(wait_until([&] { return a.state("VI_2") == kMaster; }, kFailover));
  const auto reloads = count_of(a.log(), "Reload complete");
  a.set_config(head + instance("VI_1", "eth0", 51, 150, "10.99.0.100/24", scripts));
  a.reload();
  ASSERT_TRUE(wait_until([&] { return count_of(a.log(), "Reload complete") > reloads; }, 3000ms)) << a.log();
  for (const char* line : {"1|deleted", "4|INSTANCE VI_2 DELETED 120"}) {
    EXPECT_TRUE(wait_until([&] { return has_line(out, line); }, kScriptRun)) << line << "\n" << run("cat " + out).out;
  }
  EXPECT_EQ(a.state("VI_1"), kMaster);
  ASSERT_TRUE(a.stop(3000ms));
  for (const char* line : {"1|to-stop", "4|INSTANCE VI_1 STOP 150"}) {
    EXPECT_TRUE(wait_until([&] { return has_line(out, line); }, kScriptRun)) << line << "\n" << run("cat " + out).out;
  }
  // Nothing but these (a script runs once per transition, with exactly these words).
  for (const auto& l : lines_of(out)) {
    EXPECT_TRUE(l == "2|to-backup x" || l == "1|to-master" || l == "1|to-fault" || l == "1|to-stop" ||
                l == "1|deleted" || l.starts_with("4|INSTANCE VI_"))
        << l;
  }
}

// The FIFO gets one line per event, in order, in keepalived's format (reference §5.6).
TEST(TrackSyncNotify, FifoLinesArriveInOrder) {
  Topology topo("vto", {"a"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string fifo = probe.dir() + "/vrrp.fifo", file = probe.dir() + "/prio";
  FifoReader reader(fifo);
  ASSERT_TRUE(reader.ok());
  const std::string& got = reader.text();
  auto read_all = [&] { return reader.read_all(); };
  Router a(topo.node("a"), Router::Kind::vigil,
           fmt::format("track_file tf {{\n  file \"{}\"\n  weight -1\n}}\n", file) +
               lab_config({.priority = 150,
                           .extra = "  track_file {\n    tf\n  }\n",
                           .global_extra = "  vrrp_notify_fifo " + fifo + "\n  vrrp_notify_priority_changes\n"},
                          "a"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  sh("echo 10 > " + file);
  ASSERT_TRUE(wait_until([&] { return a.effective_priority() == 140; }, 500ms)) << a.log();
  ASSERT_TRUE(a.stop(3000ms));
  const std::string expected =
      "INSTANCE \"VI_1\" BACKUP 150\n"
      "INSTANCE \"VI_1\" MASTER 150\n"
      "INSTANCE \"VI_1\" MASTER_PRIORITY 140\n"
      "INSTANCE \"VI_1\" STOP 140\n";
  EXPECT_TRUE(wait_until([&] { return read_all() == expected; }, 500ms)) << got;
}

// A FIFO configured by a reload is opened then: the states are written to it after the reload
// (fifo_write_vrrp_states_on_reload), and the next transition.
TEST(TrackSyncNotify, FifoAddedByAReloadGetsTheNextLines) {
  Topology topo("vtz", {"a"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string fifo = probe.dir() + "/vrrp.fifo", file = probe.dir() + "/fault";
  FifoReader reader(fifo);
  ASSERT_TRUE(reader.ok());
  const std::string& got = reader.text();
  auto read_all = [&] { return reader.read_all(); };
  auto config = [&](const std::string& global) {
    return fmt::format("track_file tf {{\n  file \"{}\"\n  weight 0\n}}\n", file) +
           lab_config({.priority = 150, .extra = "  track_file {\n    tf\n  }\n", .global_extra = global}, "a");
  };
  Router a(topo.node("a"), Router::Kind::vigil, config(""));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  const auto reloads = count_of(a.log(), "Reload complete");
  a.set_config(config("  vrrp_notify_fifo " + fifo + "\n  fifo_write_vrrp_states_on_reload\n"));
  a.reload();
  ASSERT_TRUE(wait_until([&] { return count_of(a.log(), "Reload complete") > reloads; }, 3000ms)) << a.log();
  // Nothing moved; the states are written again (fifo_write_vrrp_states_on_reload).
  EXPECT_TRUE(wait_until([&] { return read_all() == "INSTANCE \"VI_1\" MASTER 150\n"; }, 500ms)) << got;
  sh("echo 1 > " + file);
  EXPECT_TRUE(wait_until([&] {
    return read_all() == "INSTANCE \"VI_1\" MASTER 150\nINSTANCE \"VI_1\" FAULT 150\n";
  }, 500ms)) << got << a.log();
}

// vrrp_notify_fifo_script is started with the FIFO's path and reads the same lines.
TEST(TrackSyncNotify, FifoScriptReadsTheLines) {
  Topology topo("vtq", {"a"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string fifo = probe.dir() + "/vrrp.fifo", out = probe.dir() + "/fifo.out";
  const std::string reader = probe.dir() + "/reader.sh";
  sh("printf '%s\\n' '#!/bin/sh' 'while read l; do echo \"$l\" >> " + out + "; done < \"$1\"' > " + reader +
     " && chmod 755 " + reader);
  Router a(topo.node("a"), Router::Kind::vigil,
           lab_config({.priority = 150,
                       .global_extra = "  vrrp_notify_fifo " + fifo + "\n  vrrp_notify_fifo_script " + reader + "\n"},
                      "a"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  EXPECT_TRUE(wait_until([&] {
    return lines_of(out) == std::vector<std::string>{"INSTANCE \"VI_1\" BACKUP 150", "INSTANCE \"VI_1\" MASTER 150"};
  }, kScriptRun)) << run("cat " + out).out << a.log();
}

// A MASTER that receives an advert of lower priority (crafted and sent from b's namespace, VRRPv3
// priority 100 against a's 150) forces a new election and runs notify_master_rx_lower_pri with
// only its configured arguments (reference §5.5), and writes MASTER_RX_LOWER_PRI to the FIFO.
TEST(TrackSyncNotify, MasterRxLowerPriRunsItsScript) {
  Topology topo("vtl", {"a", "b"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string out = probe.dir() + "/rx.out";
  const std::string script = args_script(probe, out);
  const std::string fifo = probe.dir() + "/notify.fifo";
  FifoReader reader(fifo);
  ASSERT_TRUE(reader.ok());
  Router a(topo.node("a"), Router::Kind::vigil,
           fmt::format("global_defs {{\n  router_id a\n  vrrp_notify_fifo {}\n}}\n", fifo) +
               instance("VI_1", "eth0", 51, 150, "10.99.0.100/24",
                        fmt::format("  notify_master_rx_lower_pri \"{} rxlow second\"\n", script)));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  ASSERT_FALSE(has_line(out, "2|rxlow second"));  // nothing lower seen yet

  const auto& b = topo.node("b");
  auto tx = [&] {
    NetnsScope in(b.ns);
    return net::VrrpSender::open({.family = vrrp::Family::inet,
                                  .ifindex = static_cast<int>(::if_nametoindex("eth0"))});
  }();
  ASSERT_TRUE(tx) << tx.error().str();
  const std::array<vrrp::IpAddress, 1> vips{*vrrp::IpAddress::parse("10.99.0.100")};
  const vrrp::AdvertFields fields{.version = vrrp::Version::v3, .family = vrrp::Family::inet, .vrid = {51},
                                  .priority = {100}, .interval = vrrp::Centiseconds{10}, .addresses = vips};
  std::array<std::uint8_t, 64> buf{};
  const auto group = net::vrrp_group(vrrp::Family::inet);
  auto n = vrrp::encode_ipv4(fields, {.source = *vrrp::IpAddress::parse(b.ipv4), .destination = group, .id = 1},
                             {}, buf);
  ASSERT_TRUE(n);
  auto st = tx->send(std::span<const std::uint8_t>(buf.data(), *n), group);
  ASSERT_TRUE(st) << st.error().str();

  // One advert in: the script runs (a child started on receipt: 1 s to run).
  ASSERT_TRUE(wait_until([&] { return has_line(out, "2|rxlow second"); }, kScriptRun))
      << run("cat " + out).out << a.log();
  EXPECT_EQ(lines_of(out).size(), 1u) << run("cat " + out).out;
  EXPECT_NE(a.log().find("(VI_1) Received advert from " + b.ipv4 +
                         " with lower priority 100, ours 150, forcing new election"),
            std::string::npos)
      << a.log();
  EXPECT_TRUE(wait_until([&] {
    return reader.read_all().find("INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI ") != std::string::npos;
  }, kScriptRun)) << reader.text();
  EXPECT_EQ(a.state(), kMaster);  // it stays MASTER and answers with its own advert
}

// `vrrp_notify_fifo PATH USER GROUP`: a FIFO vigild creates is given to USER:GROUP (keepalived
// chowns only what it created) and removed when vigild stops.
TEST(TrackSyncNotify, CreatedFifoBelongsToItsUserAndGoesAtStop) {
  Topology topo("vto", {"a"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string fifo = probe.dir() + "/owned.fifo";  // absent: vigild creates it
  Router a(topo.node("a"), Router::Kind::vigil,
           fmt::format("global_defs {{\n  router_id a\n  vrrp_notify_fifo {} nobody nogroup\n}}\n", fifo) +
               instance("VI_1", "eth0", 51, 150, "10.99.0.100/24"));
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.state() == kMaster; }, kElected)) << a.log();
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0) << a.log();
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_uid, 65534u);  // nobody
  EXPECT_EQ(st.st_gid, 65534u);  // nogroup
  EXPECT_EQ(a.log().find("Failed to set uid:gid"), std::string::npos) << a.log();
  ASSERT_TRUE(a.stop(5000ms));  // graceful stop: ≤ 1 advert + the shutdown itself, generous
  EXPECT_NE(::access(fifo.c_str(), F_OK), 0) << "FIFO left behind";
}

// A reload: a sync group whose members do not move keeps its state (no sync, no group
// notify); a vrrp_script the reload adds starts running (weight 0 failing → FAULT, the group
// follows, the peer takes both).
TEST(TrackSyncNotify, ReloadKeepsGroupStateAndStartsNewScripts) {
  Topology topo("vtr", {"a", "b"});
  Router probe(topo.node("a"), Router::Kind::vigil, "");
  const std::string out = probe.dir() + "/group.out";
  const std::string script = args_script(probe, out);
  auto config = [&](const std::string& id, int prio, const std::string& head, const std::string& vi1_extra) {
    return fmt::format("global_defs {{\n  router_id {}\n}}\n{}"
                       "vrrp_sync_group G {{\n  group {{\n    VI_1\n    VI_2\n  }}\n  notify {}\n}}\n",
                       id, head, script) +
           instance("VI_1", "eth0", 51, prio, "10.99.0.100/24", vi1_extra) +
           instance("VI_2", "eth0", 52, prio, "10.99.0.101/24");
  };
  Router a(topo.node("a"), Router::Kind::vigil, config("a", 150, "", ""));
  Router b(topo.node("b"), Router::Kind::vigil, config("b", 100, "", ""));
  a.start();
  b.start();
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kMaster && a.state("VI_2") == kMaster; }, kElected)) << a.log();
  ASSERT_TRUE(wait_until([&] { return has_line(out, "4|GROUP G MASTER 0"); }, kScriptRun));
  auto reload = [&] {
    const auto n = count_of(a.log(), "Reload complete");
    a.reload();
    return wait_until([&] { return count_of(a.log(), "Reload complete") > n; }, 3000ms);
  };
  const auto syncs = count_of(a.log(), "Syncing instances");
  const auto notified = lines_of(out).size();
  ASSERT_TRUE(reload()) << a.log();
  // Stable for a while (5 master-down intervals): nothing moved, nothing notified.
  EXPECT_FALSE(wait_until([&] { return a.state("VI_1") != kMaster || a.state("VI_2") != kMaster; }, 2000ms));
  EXPECT_EQ(count_of(a.log(), "Syncing instances"), syncs) << a.log();
  EXPECT_EQ(lines_of(out).size(), notified) << run("cat " + out).out;
  // No member saw a BACKUP timer fire in MASTER: the second member's master_down re-armed by
  // want_master, which the group's sync (MASTER at once) cancelled, used to be armed after it.
  EXPECT_EQ(a.log().find("unexpected event"), std::string::npos) << a.log();
  a.set_config(config("a", 150, "vrrp_script chk {\n  script /bin/false\n  interval 0.2\n}\n",
                      "  track_script {\n    chk\n  }\n"));
  ASSERT_TRUE(reload()) << a.log();
  // The new script's first run (≤ 0.2 s) fails: VI_1 FAULT, the group follows; b takes both.
  ASSERT_TRUE(wait_until([&] { return a.state("VI_1") == kFault && a.state("VI_2") == kFault; }, 1000ms)) << a.log();
  ASSERT_TRUE(wait_until([&] { return b.state("VI_1") == kMaster && b.state("VI_2") == kMaster; }, kFailover)) << b.log();
  EXPECT_TRUE(wait_until([&] { return has_line(out, "4|GROUP G FAULT 0"); }, kScriptRun));
}

}  // namespace
}  // namespace vigil::testing
