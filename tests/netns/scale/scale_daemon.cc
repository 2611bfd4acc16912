// tests/netns/scale/scale_daemon.cc — Daemon (scale_lab.h): a vigild or keepalived started in
// a lab router's namespace, its signals, CPU time, memory and JSON dump.
#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "scale_lab.h"

#ifndef VIGILD_PATH
#error "VIGILD_PATH must be defined by CMake"
#endif

namespace vigil::testing::scale {

namespace {

// utime + stime in seconds, from /proc/PID/stat (fields 14 and 15, after the "(comm)").
// CPU time of every thread of `pid` in seconds, to the nanosecond: the first field of each
// /proc/PID/task/TID/schedstat. /proc/PID/stat counts in 10 ms ticks, too coarse for the 70 ms
// a daemon spends over a 10 s window (±1 tick at each end is ±30 %).
double proc_cpu_precise(pid_t pid) {
  std::error_code ec;
  double total = 0;
  bool any = false;
  for (const auto& e : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::istringstream in(read_file(e.path().string() + "/schedstat"));
    unsigned long long ns = 0;
    if (in >> ns) {
      total += static_cast<double>(ns) / 1e9;
      any = true;
    }
  }
  return any ? total : -1;
}

double proc_cpu(pid_t pid) {
  if (const double precise = proc_cpu_precise(pid); precise >= 0) return precise;
  std::string s = read_file(fmt::format("/proc/{}/stat", pid));
  auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(s.substr(close + 2));
  std::string field;
  unsigned long long ut = 0, st = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) ut = std::stoull(field);
    if (i == 15) st = std::stoull(field);
  }
  return static_cast<double>(ut + st) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

long proc_rss_kb(pid_t pid) {
  std::istringstream in(read_file(fmt::format("/proc/{}/status", pid)));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

}  // namespace

Daemon::Daemon(const Topology::Node& node, Kind kind, const std::string& config, LogSink sink)
    : node_(node), kind_(kind), sink_(sink) {
  char tmpl[] = "/tmp/vigil-scale-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::ofstream(dir_ + "/vrrp.conf") << config;
}

Daemon::~Daemon() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(std::chrono::milliseconds(5000))) {
      if (auto c = child(); c && ::kill(*c, 0) == 0) ::kill(*c, SIGKILL);
      ::kill(pid_, SIGKILL);
      wait_exit(std::chrono::milliseconds(5000));
    }
  }
  if (auto c = child(); c && ::kill(*c, 0) == 0) ::kill(*c, SIGKILL);
  if (pipe_rd_ >= 0) {
    // The reader ends when every writer (the daemon's processes) has gone.
    if (reader_.joinable()) reader_.join();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void Daemon::start() {
  const char* alt = std::getenv("VIGIL_BENCH_VIGILD");  // A/B runs against another build
  const std::string bin = kind_ == Kind::vigil ? (alt != nullptr ? alt : VIGILD_PATH) : "/usr/sbin/keepalived";
  std::vector<std::string> argv = {bin, "-n", "-l", "-D", "-P", "-G",
                                   "-f", dir_ + "/vrrp.conf", "-p", dir_ + "/parent.pid",
                                   "-r", dir_ + "/vrrp.pid"};
  int out = -1;
  if (sink_ == LogSink::file) {
    out = ::open((dir_ + "/log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  } else {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pipe_rd_ = p[0];
    out = p[1];
    // The slow console: one line, then 1 ms of not reading. The pipe fills and the daemon's
    // writes block unless it keeps logging off its protocol path.
    reader_ = std::thread([this, rd = p[0]] {
      FILE* in = ::fdopen(rd, "r");
      std::ofstream copy(dir_ + "/log", std::ios::app);
      char* line = nullptr;
      std::size_t cap = 0;
      while (::getline(&line, &cap, in) > 0) {
        copy << line << std::flush;  // ready() looks for "Startup complete" in the copy
        ++lines_;
        timespec ms{0, 1000000};
        ::nanosleep(&ms, nullptr);
      }
      std::free(line);
      std::fclose(in);
    });
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // The environment is built before fork: the child of a threaded process only execs.
  std::vector<std::string> env_text = {"TMPDIR=" + dir_};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "TMPDIR=", 7) != 0) env_text.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  // The child enters the namespace the way `ip netns exec` does (its network namespace, a mount
  // namespace with that network namespace's /sys), without timing ip's own start-up (exec and 8
  // shared libraries, ~1.5 ms) as part of the daemon's.
  const int netns = ::open(("/run/netns/" + node_.ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (netns < 0) throw std::runtime_error("open /run/netns/" + node_.ns);
  const char* sysfs_source = node_.ns.c_str();
  std::fflush(stdout);  // not fflush(nullptr): it would wait on the slow-sink reader's FILE lock
  std::fflush(stderr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::dup2(devnull, 0);
    if (::setns(netns, CLONE_NEWNET) != 0 || ::unshare(CLONE_NEWNS) != 0 ||
        ::mount("", "/", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
      ::_exit(126);
    }
    ::umount2("/sys", MNT_DETACH);
    if (::mount(sysfs_source, "/sys", "sysfs", 0, nullptr) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(netns);
  ::close(out);
  ::close(devnull);
}

std::optional<pid_t> Daemon::child() const { return pid_in(dir_ + "/vrrp.pid"); }

void Daemon::term() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}
void Daemon::hup() {
  if (pid_ > 0) ::kill(pid_, SIGHUP);
}
void Daemon::kill9() {
  if (auto c = child()) ::kill(*c, SIGKILL);
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

bool Daemon::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || reaped_) return true;
  return wait_until([&] {
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }, timeout);
}

bool Daemon::ready() {
  if (pid_ <= 0 || reaped_) return false;
  auto c = child();
  if (!c || ::kill(*c, 0) != 0) return false;
  if (kind_ == Kind::keepalived) return true;
  return read_file(dir_ + "/log").find("Startup complete") != std::string::npos;
}

double Daemon::cpu_seconds() const {
  double s = pid_ > 0 ? proc_cpu(pid_) : 0;
  if (auto c = child()) s += proc_cpu(*c);
  return s;
}

long Daemon::parent_rss_kb() const { return pid_ > 0 ? proc_rss_kb(pid_) : 0; }
long Daemon::child_rss_kb() const {
  auto c = child();
  return c ? proc_rss_kb(*c) : 0;
}
long Daemon::rss_kb() const { return parent_rss_kb() + child_rss_kb(); }

std::optional<nlohmann::json> Daemon::json(std::chrono::milliseconds timeout) {
  if (!ready()) return std::nullopt;
  const std::string path = dir_ + "/keepalived.json";
  std::error_code ec;
  std::filesystem::remove(path, ec);
  ::kill(pid_, SIGRTMIN + 2);
  std::optional<nlohmann::json> parsed;
  // Polled every 1 ms: the reload time is derived from how fast this answers.
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (std::filesystem::exists(path)) {
      try {
        parsed = nlohmann::json::parse(read_file(path));
        break;
      } catch (...) {
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return parsed;
}

std::optional<Daemon::States> Daemon::states() {
  auto j = json();
  if (!j) return std::nullopt;
  const nlohmann::json& list = j->is_object() && j->contains("vrrp") ? (*j)["vrrp"] : *j;
  if (!list.is_array()) return std::nullopt;
  States s;
  for (const auto& item : list) {
    const int st = item.contains("data") ? item["data"].value("state", -1) : -1;
    if (st == 2) {
      ++s.master;
    } else if (st == 1) {
      ++s.backup;
    } else {
      ++s.other;
    }
    if (item.contains("stats")) {
      s.transitions += item["stats"].value("become_master", 0L) + item["stats"].value("release_master", 0L);
    }
  }
  return s;
}

}  // namespace vigil::testing::scale
