// bench_slowlog — does a slow log sink disturb the protocol?
//
//   sudo build/release/bench/slowlog/bench_slowlog [--instances 100] [--window 20] [--flood 3]
//
// Two routers on a bridge (network namespaces, tests/netns/lib): a (priority 150) and b (100),
// N VRRPv3 instances at 100 ms, both started with `-n -l -D -G -P` (console on, syslog off, as
// the issue-8 measurement). Each daemon's stdout+stderr is a 4 KiB pipe read one line per
// millisecond: the slow console. After the election had its chance (10 s at most), the window
// starts: for `--flood` seconds each VRRP child gets ~2,000 SIGUSR2/s (one log line each), then
// the daemons run on undisturbed. Reported per implementation: state changes (become_master +
// release_master on both routers, from the JSON dumps) during the window — every one is
// spurious, the election was settled — and over the whole run, console lines read, and for
// vigild the lines it dropped (`Log lines dropped` in keepalived.stats). Same procedure for
// vigild and for /usr/sbin/keepalived, one after the other, in the same invocation.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "netns_harness.h"

namespace {

using namespace std::chrono_literals;
using vigil::testing::pid_in;
using vigil::testing::read_file;
using Clock = std::chrono::steady_clock;

std::string config(int instances, int priority) {
  std::string c = "global_defs {\n  router_id slowlog\n}\n";
  for (int v = 1; v <= instances; ++v) {
    c += fmt::format(
        "vrrp_instance VI_{0} {{\n  state BACKUP\n  interface eth0\n  version 3\n"
        "  virtual_router_id {0}\n  priority {1}\n  advert_int 0.1\n"
        "  virtual_ipaddress {{\n    10.99.{2}.{3}/32\n  }}\n}}\n",
        v, priority, 1 + v / 250, 1 + v % 250);
  }
  return c;
}

class Daemon {
 public:
  Daemon(const std::string& netns, const std::string& bin, bool keepalived, int instances, int priority) {
    char tmpl[] = "/tmp/vigil-slowlog-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::ofstream(dir_ + "/k.conf") << config(instances, priority);
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return;
    ::fcntl(p[1], F_SETPIPE_SZ, 4096);
    std::vector<std::string> args;
    if (keepalived) args = {"/usr/sbin/ip", "netns", "exec", netns};  // keepalived reads /sys
    args.push_back(bin);
    for (std::string a : {"-n", "-l", "-D", "-G", "-P", "-f"}) args.push_back(a);
    args.push_back(dir_ + "/k.conf");
    args.insert(args.end(), {"-p", dir_ + "/parent.pid", "-r", dir_ + "/vrrp.pid"});
    const std::string env_tmp = "TMPDIR=" + dir_;
    const std::string ns_path = "/run/netns/" + netns;
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) _exit(120);
      ::dup2(p[1], 1);
      ::dup2(p[1], 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      char* envp[] = {const_cast<char*>(env_tmp.c_str()), const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
      ::execve(argv[0], argv.data(), envp);
      _exit(127);
    }
    ::close(p[1]);
    fd_ = p[0];
    reader_ = std::thread([this] {
      char buf[1];
      for (;;) {
        const ssize_t n = ::read(fd_, buf, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        if (buf[0] != '\n') continue;
        ++lines_;
        std::this_thread::sleep_for(1ms);  // the slow console
      }
    });
  }
  ~Daemon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st = 0;
      if (!vigil::testing::wait_until([&] { return ::waitpid(pid_, &st, WNOHANG) == pid_; }, 15000ms)) {
        if (auto c = pid_in(dir_ + "/vrrp.pid")) ::kill(*c, SIGKILL);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &st, 0);
      }
    }
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) ::close(fd_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  pid_t child() const { return pid_in(dir_ + "/vrrp.pid").value_or(0); }
  std::size_t lines() const { return lines_.load(); }
  const std::string& dir() const { return dir_; }

  // Sum of become_master + release_master, and how many instances are in `state`.
  struct Counts {
    long changes = 0;
    int in_state[4] = {};
  };
  std::optional<Counts> counts(std::chrono::milliseconds timeout = 10000ms) const {
    const pid_t c = child();
    if (c <= 0 || ::kill(c, 0) != 0) return std::nullopt;
    const std::string path = dir_ + "/keepalived.json";
    ::unlink(path.c_str());
    if (::kill(pid_, SIGRTMIN + 2) != 0) return std::nullopt;
    nlohmann::json j;
    if (!vigil::testing::wait_until(
            [&] {
              j = nlohmann::json::parse(read_file(path), nullptr, false);
              return !j.is_discarded() && j.is_array() && !j.empty();
            },
            timeout)) {
      return std::nullopt;
    }
    Counts r;
    for (const auto& e : j) {
      r.changes += e["stats"]["become_master"].get<long>() + e["stats"]["release_master"].get<long>();
      ++r.in_state[e["data"]["state"].get<int>() & 3];
    }
    return r;
  }
  long dropped() const {
    const std::string path = dir_ + "/keepalived.stats";
    ::unlink(path.c_str());
    if (::kill(child(), SIGUSR2) != 0) return -1;
    std::string t;
    if (!vigil::testing::wait_until([&] { return !(t = read_file(path)).empty(); }, 5000ms)) return -1;
    const auto pos = t.rfind("Log lines dropped: ");
    return pos == std::string::npos ? -1 : std::stol(t.substr(pos + 19));
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::thread reader_;
  std::atomic<std::size_t> lines_{0};
};

struct Result {
  bool settled = false;
  long window_changes = -1, total_changes = -1;
  std::size_t lines = 0;
  long dropped = -1;
};

Result run(bool keepalived, int instances, int window_s, int flood_s) {
  vigil::testing::Topology topo("vsb", {"a", "b"});
  const std::string bin = keepalived ? "/usr/sbin/keepalived" : VIGILD_PATH;
  Daemon a(topo.node("a").ns, bin, keepalived, instances, 150);
  Daemon b(topo.node("b").ns, bin, keepalived, instances, 100);
  Result r;
  std::optional<Daemon::Counts> ca, cb;
  r.settled = vigil::testing::wait_until(
      [&] {
        ca = a.counts(2000ms);
        cb = b.counts(2000ms);
        return ca && cb && ca->in_state[2] == instances && cb->in_state[1] == instances;
      },
      10000ms);
  if (!ca || !cb) {
    ca = a.counts();
    cb = b.counts();
  }
  const long start_changes = (ca ? ca->changes : 0) + (cb ? cb->changes : 0);
  const auto end = Clock::now() + std::chrono::seconds(window_s);
  const auto flood_end = Clock::now() + std::chrono::seconds(flood_s);
  while (Clock::now() < end) {
    if (Clock::now() < flood_end) {
      ::kill(a.child(), SIGUSR2);
      ::kill(b.child(), SIGUSR2);
      std::this_thread::sleep_for(500us);  // flood pacing: ~2 kHz per child, 2x the console
    } else {
      std::this_thread::sleep_for(50ms);  // the window runs on
    }
  }
  const auto ea = a.counts(), eb = b.counts();
  if (ea && eb) {
    r.total_changes = ea->changes + eb->changes;
    r.window_changes = r.total_changes - start_changes;
  }
  r.lines = a.lines() + b.lines();
  if (!keepalived) r.dropped = a.dropped() + b.dropped();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int instances = 100, window = 20, flood = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--instances")) instances = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--window")) window = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--flood")) flood = std::atoi(argv[i + 1]);
  }
  fmt::print("slow console (1 line/ms, 4 KiB pipe), {} instances @ 100 ms x 2 routers, window {} s "
             "(SIGUSR2 flood ~2 kHz per child for the first {} s)\n",
             instances, window, flood);
  fmt::print("{:<11} {:>8} {:>15} {:>16} {:>12} {:>13}\n", "impl", "settled", "changes:window",
             "spurious:total", "lines read", "lines dropped");
  const bool have_keepalived = ::access("/usr/sbin/keepalived", X_OK) == 0;
  for (bool ka : {false, true}) {
    if (ka && !have_keepalived) break;
    const Result r = run(ka, instances, window, flood);
    fmt::print("{:<11} {:>8} {:>15} {:>16} {:>12} {:>13}\n", ka ? "keepalived" : "vigild",
               r.settled ? "yes" : "no", r.window_changes,
               r.total_changes < 0 ? -1 : r.total_changes - instances, r.lines,
               ka ? std::string("n/a (blocks)") : std::to_string(r.dropped));
  }
  fmt::print("changes:window = become_master + release_master on both routers during the window "
             "(all spurious: goal 0);\nspurious:total = all changes since start beyond the one become_master each of "
             "a's instances needs (goal 0).\n");
  return 0;
}
