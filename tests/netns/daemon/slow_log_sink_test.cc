// Issue 8, last goal row: "a log sink that blocks 1 ms per line → 0 spurious state changes:
// logging never delays a protocol timer". Two real vigild (master a, backup b), 100 VRRPv3
// instances at 100 ms, in namespaces on one bridge. Each daemon's console (-l, stdout+stderr,
// parent and VRRP child) is a 4 KiB pipe this test reads at one line per millisecond — the
// slow console that stalled keepalived 2.2.7 into 1,456 spurious takeovers. While the sinks are
// saturated, a flood of SIGUSR2 makes each VRRP child log far faster than its console drains.
// With synchronous logging every line would hold the loop for 1 ms and the backups would time
// out (Master_Down = 3 × 100 ms + skew); with the AsyncSink the loop never waits, lines are
// dropped and counted, and the count is reported.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.h"
#include "netns_harness.h"

namespace vigil::daemon::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kInstances = 100;
// Start-up to a settled election: both daemons parse 100 instances and fork; then every
// instance needs one Master_Down_Interval (3 × 100 ms + skew ≤ 100 ms) and the preemption of
// the lower priority. 10 s leaves a wide margin on a loaded 2-core box under a sanitizer.
constexpr auto kConvergeTimeout = 10000ms;
constexpr auto kFloodFor = 3000ms;    // 30 advert intervals of sustained log pressure
constexpr auto kFloodEvery = 500us;   // ~2,000 SIGUSR2/s per child: 2× what its console drains
constexpr auto kDumpTimeout = 3000ms;  // the JSON dump of 100 instances, signalled through the parent

std::string config(int priority) {
  std::string c = "global_defs {\n  router_id slowlog\n}\n";
  for (int v = 1; v <= kInstances; ++v) {
    c += fmt::format(
        "vrrp_instance VI_{0} {{\n  state BACKUP\n  interface eth0\n  version 3\n"
        "  virtual_router_id {0}\n  priority {1}\n  advert_int 0.1\n"
        "  virtual_ipaddress {{\n    10.99.1.{0}/32\n  }}\n}}\n",
        v, priority);
  }
  return c;
}

// A vigild whose console is a pipe drained at one line per millisecond.
class SlowConsoleDaemon {
 public:
  SlowConsoleDaemon(const std::string& netns, const TempDir& dir, const std::string& conf)
      : dir_(dir) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return;
    ::fcntl(p[1], F_SETPIPE_SZ, 4096);  // a tiny console buffer: the writer blocks almost at once
    const std::vector<std::string> args = {
        VIGILD_PATH, "-n", "-l", "-D", "-G", "-P", "-f", conf, "-p", dir.file("keepalived.pid"),
        "-r", dir.file("vrrp.pid")};
    // 64 queued lines per sink instead of 2,048 so the start-up burst alone overflows too.
    const std::vector<std::string> env = {"TMPDIR=" + dir.path(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                          "VIGIL_LOG_QUEUE_LINES=64"};
    const std::string netns_path = "/run/netns/" + netns;
    pid_ = ::fork();
    if (pid_ == 0) {
      const int ns_fd = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (ns_fd < 0 || ::setns(ns_fd, CLONE_NEWNET) != 0) _exit(120);
      ::dup2(p[1], 1);
      ::dup2(p[1], 2);
      std::vector<char*> argv, envp;
      for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      for (auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
      ::execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    ::close(p[1]);
    read_fd_ = p[0];
    reader_ = std::thread([this] { read_slowly(); });
  }

  ~SlowConsoleDaemon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st = 0;
      // Stop: 100 instances send priority 0 and linger ~1 s; the parent waits ≤ child_wait_time
      // (5 s). The reader keeps draining meanwhile, so the daemon never blocks on us.
      if (!wait_until([&] { return ::waitpid(pid_, &st, WNOHANG) == pid_; }, 8000ms)) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &st, 0);
      }
    }
    if (reader_.joinable()) reader_.join();  // EOF once every writer (parent, child) is gone
    if (read_fd_ >= 0) ::close(read_fd_);
  }

  pid_t pid() const { return pid_; }
  // "running", or how it ended (diagnostics).
  std::string status() {
    int st = 0;
    if (pid_ <= 0) return "not started";
    if (::waitpid(pid_, &st, WNOHANG) != pid_) return "running";
    const int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    pid_ = -1;
    return fmt::format("exited {}", code);
  }
  pid_t child() const { return pid_in(dir_.file("vrrp.pid")).value_or(0); }
  std::size_t lines_read() const { return lines_.load(); }
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }
  bool saw(const std::string& text) const {
    std::lock_guard lock(mu_);
    return text_.find(text) != std::string::npos;
  }

  std::optional<nlohmann::json> json() const {
    const std::string path = dir_.file("keepalived.json");
    ::unlink(path.c_str());
    // The parent takes the JSON signal once its loop runs, which is before it forks the child
    // that writes vrrp.pid; earlier, the signal's default action would kill it.
    const pid_t c = child();
    if (pid_ <= 0 || c <= 0 || !alive(c) || ::kill(pid_, SIGRTMIN + 2) != 0) return std::nullopt;
    std::string text;
    if (!wait_until([&] { return !(text = read_file(path)).empty(); }, kDumpTimeout)) return std::nullopt;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return std::nullopt;
    return j;
  }

 private:
  // The slow console: one line, then 1 ms, until EOF.
  void read_slowly() {
    std::string partial;
    char c;
    for (;;) {
      const ssize_t n = ::read(read_fd_, &c, 1);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        return;
      }
      partial += c;
      if (c != '\n') continue;
      {
        std::lock_guard lock(mu_);
        text_ += partial;
      }
      partial.clear();
      ++lines_;
      std::this_thread::sleep_for(1ms);  // the sink's speed, not a wait for a condition
    }
  }

  const TempDir& dir_;
  pid_t pid_ = -1;
  int read_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string text_;
  std::atomic<std::size_t> lines_{0};
};

struct Snapshot {
  std::map<std::string, int> state, become_master, release_master, advert_rcvd;
};

std::optional<Snapshot> snapshot(const SlowConsoleDaemon& d) {
  auto j = d.json();
  if (!j || j->size() != static_cast<std::size_t>(kInstances)) return std::nullopt;
  Snapshot s;
  for (const auto& e : *j) {
    const std::string name = e["data"]["iname"];
    s.state[name] = e["data"]["state"];
    s.become_master[name] = e["stats"]["become_master"];
    s.release_master[name] = e["stats"]["release_master"];
    s.advert_rcvd[name] = e["stats"]["advert_rcvd"];
  }
  return s;
}

std::string describe(const std::optional<Snapshot>& s) {
  if (!s) return "no JSON dump";
  int n[4] = {};
  for (const auto& [name, st] : s->state) ++n[st & 3];
  return fmt::format("INIT {} BACKUP {} MASTER {} FAULT {}", n[0], n[1], n[2], n[3]);
}

bool all_in(const Snapshot& s, int state) {
  for (const auto& [name, st] : s.state) {
    if (st != state) return false;
  }
  return true;
}

TEST(SlowLogSink, BlockingConsoleCausesNoSpuriousStateChange) {
  vigil::testing::Topology topo("vsl", {"a", "b"});
  TempDir dir_a, dir_b;
  write_file(dir_a.file("k.conf"), config(150));
  write_file(dir_b.file("k.conf"), config(100));
  SlowConsoleDaemon a(topo.node("a").ns, dir_a, dir_a.file("k.conf"));
  SlowConsoleDaemon b(topo.node("b").ns, dir_b, dir_b.file("k.conf"));
  ASSERT_GT(a.pid(), 0);
  ASSERT_GT(b.pid(), 0);

  std::optional<Snapshot> a0, b0;
  ASSERT_TRUE(wait_until(
      [&] {
        a0 = snapshot(a);
        b0 = snapshot(b);
        return a0 && b0 && all_in(*a0, 2) && all_in(*b0, 1);
      },
      kConvergeTimeout))
      << "no settled election (a all MASTER, b all BACKUP): a " << a.status() << ", b " << b.status()
      << ": " << describe(a0) << " / " << describe(b0)
      << "\n--- a's console ---\n" << a.text().substr(0, 3000) << "\n--- b's console ---\n"
      << b.text().substr(0, 3000);

  // The flood: SIGUSR2 straight to each VRRP child; every one handled is a log line.
  const pid_t ca = a.child(), cb = b.child();
  ASSERT_GT(ca, 0);
  ASSERT_GT(cb, 0);
  const std::size_t read_before = a.lines_read();
  int sent = 0;
  for (auto end = Clock::now() + kFloodFor; Clock::now() < end; ++sent) {
    ::kill(ca, SIGUSR2);
    ::kill(cb, SIGUSR2);
    std::this_thread::sleep_for(kFloodEvery);  // pacing of the flood, not a wait
  }

  std::optional<Snapshot> a1, b1;
  ASSERT_TRUE(wait_until([&] { return (a1 = snapshot(a)) && (b1 = snapshot(b)); }, kDumpTimeout));
  int spurious = 0;
  for (const auto& [name, st] : a1->state) {
    spurious += (st != 2) + (a1->become_master[name] != a0->become_master.at(name)) +
                (a1->release_master[name] != a0->release_master.at(name));
    spurious += (b1->state.at(name) != 1) + (b1->become_master.at(name) != b0->become_master.at(name)) +
                (b1->release_master.at(name) != b0->release_master.at(name));
    // The backup kept hearing its master throughout (≥ 25 of the 30 adverts of the flood).
    EXPECT_GE(b1->advert_rcvd.at(name) - b0->advert_rcvd.at(name), 25) << name;
  }
  EXPECT_EQ(spurious, 0);

  // The consoles could not keep up: lines were dropped, counted and reported.
  const std::string stats = dir_a.file("keepalived.stats");
  ASSERT_EQ(::kill(ca, SIGUSR2), 0);
  std::string text;
  ASSERT_TRUE(wait_until([&] { return (text = read_file(stats)).find("Log lines dropped: ") != std::string::npos; },
                         kDumpTimeout));
  const auto pos = text.rfind("Log lines dropped: ");
  const long dropped = std::stol(text.substr(pos + 19));
  EXPECT_GT(dropped, 0);
  // Once the console drains, the notice is written in the place of the gap.
  EXPECT_TRUE(wait_until([&] { return a.saw(" log lines dropped"); }, kDumpTimeout));
  std::printf("flood: %d SIGUSR2 per child in %lld ms; a's console read %zu lines meanwhile, "
              "a's VRRP child dropped %ld; spurious state changes: %d\n",
              sent, static_cast<long long>(kFloodFor.count()), a.lines_read() - read_before, dropped,
              spurious);
}

}  // namespace
}  // namespace vigil::daemon::test
