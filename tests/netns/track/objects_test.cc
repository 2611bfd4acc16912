// track_interface, track_file and vrrp_track_process with real vigild processes.
//
// Timing (RFC 5798 §6.1, VRRPv3 advert 100 ms): Master_Down(100) = 360.9 ms, Master_Down(150) =
// 341.4 ms. Start-up allowance 3 s (loaded 2-core machine). Link events and inotify reach vigild
// within milliseconds; the process tracker's /proc scan fallback runs every 1 s.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "vrrp_lab.h"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartup = 3000ms;
constexpr auto kElected = kStartup + 400ms;
constexpr auto kFailover = 1000ms;  // master-down 360.9 ms + the change reaching vigild + slack

// a (150, with `tracking` in its instance, `global` before it) and b (100) on one LAN;
// a has an interface eth1 (up) to track.
struct Pair {
  Topology topo;
  Router probe;
  std::unique_ptr<Router> a, b;
  explicit Pair(const std::string& prefix) : topo(prefix, {"a", "b"}), probe(topo.node("a"), Router::Kind::vigil, "") {
    // No dummy driver on every host: a veth pair inside a (eth1 is up while both ends are).
    sh(topo.node("a").exec("ip link add eth1 type veth peer name eth1p"));
    sh(topo.node("a").exec("ip link set eth1p up"));
    sh(topo.node("a").exec("ip link set eth1 up"));
    // Operationally up once linkwatch has run (≤ 1 s per round; 10 s as Topology allows).
    if (!wait_until([&] { return run(topo.node("a").exec("ip -o link show dev eth1")).out.find(" state UP ") !=
                                 std::string::npos; }, std::chrono::seconds(10))) {
      throw std::runtime_error("eth1 did not come up");
    }
  }
  void start(const std::string& global, const std::string& tracking) {
    a = std::make_unique<Router>(topo.node("a"), Router::Kind::vigil,
                                 global + lab_config({.priority = 150, .extra = tracking}, "a"));
    b = std::make_unique<Router>(topo.node("b"), Router::Kind::vigil, lab_config({.priority = 100}, "b"));
    a->start();
    b->start();
  }
  void eth1(bool up) { sh(topo.node("a").exec(std::string("ip link set eth1 ") + (up ? "up" : "down"))); }
};

TEST(TrackObjects, TrackedInterfaceWithWeightLowersPriority) {
  Pair p("vti");
  p.start("", "  track_interface {\n    eth1 weight -60\n  }\n");
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected)) << p.a->log();
  EXPECT_EQ(p.a->effective_priority(), 150);
  p.eth1(false);
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, kFailover)) << p.a->log();
  EXPECT_EQ(p.a->state(), kBackup);  // weighted: lower priority, not FAULT
  EXPECT_EQ(p.a->effective_priority(), 90);
  EXPECT_NE(p.a->log().find("(VI_1) Changing effective priority from 150 to 90"), std::string::npos);
  p.eth1(true);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster && p.a->owns("10.99.0.100"); }, kFailover)) << p.a->log();
  EXPECT_EQ(p.a->effective_priority(), 150);
}

TEST(TrackObjects, TrackedInterfaceWithoutWeightMeansFault) {
  Pair p("vtf");
  p.start("", "  track_interface {\n    eth1\n  }\n");
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected)) << p.a->log();
  p.eth1(false);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kFault; }, 500ms)) << p.a->log();
  EXPECT_FALSE(p.a->owns("10.99.0.100"));
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, kFailover));
  p.eth1(true);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kFailover)) << p.a->log();
}

TEST(TrackObjects, TrackedFileValueTimesWeight) {
  Pair p("vtl");
  const std::string file = p.probe.dir() + "/prio";
  p.start(fmt::format("track_file tf {{\n  file \"{}\"\n  weight -10\n  init_file 3\n}}\n", file),
          "  track_file {\n    tf\n  }\n");
  // init_file wrote 3: 150 - 30 = 120 from the start.
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected)) << p.a->log();
  EXPECT_EQ(p.a->effective_priority(), 120);
  EXPECT_EQ(run("cat " + file).out, "3\n");
  sh("echo 6 > " + file);  // 150 - 60 = 90 < 100
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, kFailover)) << p.a->log();
  EXPECT_EQ(p.a->effective_priority(), 90);
  sh("echo -2 > " + file + ".new && mv " + file + ".new " + file);  // replaced by rename: 170
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kFailover)) << p.a->log();
  EXPECT_EQ(p.a->effective_priority(), 170);
  sh("echo 40 > " + file);  // -400 ≤ -254: FAULT (reference §3.5)
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kFault; }, 500ms)) << p.a->log();
  sh("rm " + file);  // no file reads as 0
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster && p.a->effective_priority() == 150; }, kFailover))
      << p.a->log();
}

// track_src_ip: a configured advert source that is removed from the host means FAULT.
TEST(TrackObjects, TrackSrcIpFaultsWhenTheSourceGoes) {
  Pair p("vtx");
  const auto& a = p.topo.node("a");
  sh(a.exec("ip addr add 10.99.0.201/24 dev eth0"));
  p.start("", "  mcast_src_ip 10.99.0.201\n  track_src_ip\n");
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected)) << p.a->log();
  sh(a.exec("ip addr del 10.99.0.201/24 dev eth0"));
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kFault; }, 500ms)) << p.a->log();
  EXPECT_NE(p.a->log().find("(VI_1) source address 10.99.0.201 was removed"), std::string::npos) << p.a->log();
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, kFailover));
  sh(a.exec("ip addr add 10.99.0.201/24 dev eth0"));
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kFailover)) << p.a->log();
}

// dont_track_primary: the instance's own interface going down does not mean FAULT.
TEST(TrackObjects, DontTrackPrimaryIgnoresItsOwnLinkDown) {
  Pair p("vtd");
  p.start("", "  dont_track_primary\n");
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, kElected)) << p.a->log();
  sh(p.topo.node("a").exec("ip link set eth0 down"));
  // The link event reaches vigild within milliseconds; b stops hearing a and takes over
  // (master-down 360.9 ms) — that b is master proves the link went down for a.
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, kFailover));
  EXPECT_EQ(p.a->state(), kMaster) << p.a->log();
  EXPECT_EQ(p.a->log().find("Entering FAULT STATE"), std::string::npos) << p.a->log();
}

// A copy of sleep with a name of its own (comm), started and killed by PID.
class Proc {
 public:
  Proc(const std::string& bin) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(bin.c_str(), bin.c_str(), "60", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Proc() { stop(); }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

TEST(TrackObjects, TrackedProcessQuorumLostAndGained) {
  Pair p("vtp");
  const std::string name = fmt::format("vgtk{}", ::getpid() % 100000);  // comm: ≤ 15 chars
  const std::string bin = p.probe.dir() + "/" + name;
  std::filesystem::copy_file("/bin/sleep", bin);
  ::chmod(bin.c_str(), 0755);
  // quorum 2, weight 0: FAULT unless two copies run.
  p.start(fmt::format("vrrp_track_process tp {{\n  process {}\n  quorum 2\n}}\n", name),
          "  track_process {\n    tp\n  }\n");
  ASSERT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, kElected)) << p.b->log();
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kFault; }, kElected)) << p.a->log();
  Proc one(bin);
  // Seen through the proc connector at once, or by the 1 s /proc scan.
  EXPECT_FALSE(wait_until([&] { return p.a->state() != kFault; }, 1200ms)) << "quorum 2 met by one process";
  Proc two(bin);
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kMaster; }, 1200ms + kFailover)) << p.a->log();
  EXPECT_NE(p.a->log().find("Quorum gained for tracked process tp"), std::string::npos) << p.a->log();
  one.stop();
  ASSERT_TRUE(wait_until([&] { return p.a->state() == kFault; }, 1200ms)) << p.a->log();
  EXPECT_NE(p.a->log().find("Quorum lost for tracked process tp"), std::string::npos) << p.a->log();
  EXPECT_TRUE(wait_until([&] { return p.b->state() == kMaster; }, kFailover));
}

}  // namespace
}  // namespace vigil::testing
