#include "harness.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <thread>

namespace vigil::daemon::test {

namespace {

int sh(const std::string& cmd) { return std::system(cmd.c_str()); }

std::atomic<int> g_counter{0};

}  // namespace

Netns::Netns() : name_(fmt::format("vigild-t{}-{}", ::getpid(), g_counter++)) {
  ok_ = sh(fmt::format("ip netns add {}", name_)) == 0 &&
        sh(fmt::format("ip -n {0} link add d0 type veth peer name d1 && ip -n {0} link set d0 up "
                       "&& ip -n {0} link set d1 up && ip -n {0} link set lo up",
                       name_)) == 0;
}

Netns::~Netns() { (void)sh(fmt::format("ip netns del {} 2>/dev/null", name_)); }

TempDir::TempDir() {
  char tmpl[] = "/tmp/vigild-test-XXXXXX";
  path_ = ::mkdtemp(tmpl) ? tmpl : "";
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  // A process of the test may still be removing its own files: retry once if that raced.
  if (std::filesystem::remove_all(path_, ec) == static_cast<std::uintmax_t>(-1)) {
    std::filesystem::remove_all(path_, ec);
  }
}

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= end) return cond();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll interval, not a guess
  }
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

namespace {

// /proc/<pid>/stat: "pid (comm) S ppid …"; comm may contain spaces/parens: split at the last ')'.
bool proc_stat(pid_t pid, char& state, pid_t& ppid) {
  const std::string text = read_file(fmt::format("/proc/{}/stat", pid));
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 1));
  rest >> state >> ppid;
  return static_cast<bool>(rest);
}

}  // namespace

bool alive(pid_t pid) {
  char state = 0;
  pid_t ppid = 0;
  return proc_stat(pid, state, ppid) && state != 'Z' && state != 'X';
}

pid_t parent_of(pid_t pid) {
  char state = 0;
  pid_t ppid = 0;
  return proc_stat(pid, state, ppid) ? ppid : 0;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

Vigild::Vigild(const Netns& ns, const TempDir& dir, std::vector<std::string> args,
               std::vector<std::string> extra_env, bool enter_ns, std::vector<std::string> argv_override)
    : log_path_(dir.file(fmt::format("vigild-{}.log", g_counter++))) {
  const std::string netns_path = "/run/netns/" + ns.name();
  const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::vector<std::string> env = {"TMPDIR=" + dir.path(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  for (auto& e : extra_env) env.push_back(std::move(e));
  args.insert(args.begin(), VIGILD_PATH);
  if (!argv_override.empty()) args = std::move(argv_override);
  pid_ = ::fork();
  if (pid_ == 0) {
    if (enter_ns) {
      const int ns_fd = ::open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (ns_fd < 0 || ::setns(ns_fd, CLONE_NEWNET) != 0) _exit(120);
    }
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ::close(log_fd);
}

Vigild::~Vigild() {
  if (pid_ <= 0 || reaped_) return;
  // A clean stop first, so the VRRP child is gone too (the parent waits for it: at most
  // child_wait_time, 5 s by default, + 1 s); SIGKILL only if that fails.
  ::kill(pid_, SIGTERM);
  if (!wait_exit(std::chrono::milliseconds(6000))) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

std::optional<int> Vigild::wait_exit(std::chrono::milliseconds timeout) {
  if (reaped_) return std::nullopt;
  int status = 0;
  const bool done = wait_until(
      [&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
  if (!done) return std::nullopt;
  reaped_ = true;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

RunResult run_vigild(const std::vector<std::string>& args) {
  TempDir dir;
  const std::string out_path = dir.file("out"), err_path = dir.file("err");
  std::string cmd = VIGILD_PATH;
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += fmt::format(" >{} 2>{}", out_path, err_path);
  const int st = std::system(cmd.c_str());
  RunResult r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

std::string one_instance_config(int vrid, int priority, const std::string& extra) {
  return fmt::format(
      "{}\n"
      "vrrp_instance VI_1 {{\n"
      "  state BACKUP\n"
      "  interface d0\n"
      "  virtual_router_id {}\n"
      "  priority {}\n"
      "  advert_int 1\n"
      "  virtual_ipaddress {{\n"
      "    10.9.9.9/24\n"
      "  }}\n"
      "}}\n",
      extra, vrid, priority);
}

}  // namespace vigil::daemon::test
