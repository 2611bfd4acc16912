// track/spawn.cc — clone(CLONE_VM | CLONE_VFORK) + raw system calls in the child (see spawn.h).
#include "track/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

extern char** environ;

namespace vigil::track {

SpawnCommand SpawnCommand::make(std::string file, std::vector<std::string> argv) {
  SpawnCommand c;
  c.file_ = std::move(file);
  c.argv_ = std::move(argv);
  c.ptrs_.reserve(c.argv_.size() + 1);
  for (auto& a : c.argv_) c.ptrs_.push_back(a.data());
  c.ptrs_.push_back(nullptr);
  return c;
}

namespace {

constexpr std::size_t kChildStack = 64 * 1024;
constexpr int kMaxShellArgs = 62;  // ENOEXEC fallback: sh + file + up to this many arguments

// Everything the child reads, prepared by the parent; exec_errno is written back by the child
// (the memory is shared until exec).
struct ChildArgs {
  const char* file;
  char* const* argv;
  char* const* envp;
  const Credentials* creds;
  SpawnOptions opts;
  int dev_null;
  bool reset_sched;  // vigil runs SCHED_RR/FIFO (vrrp_rt_priority): the script must not
  bool reset_nice;   // vigil runs niced (vrrp_priority): the script gets nice 0
  int exec_errno;
};

// A kernel `struct sigaction` of zeros is {SIG_DFL, no flags, empty mask} on every architecture.
struct ZeroKernelSigaction {
  unsigned long words[4] = {0, 0, 0, 0};
};

[[noreturn]] __attribute__((no_sanitize("address", "undefined"))) void child_exit(int code) {
  ::syscall(SYS_exit_group, code);
  __builtin_unreachable();
}

// Runs in the child on its private stack, sharing vigil's memory: raw system calls only (no
// allocation, no locks, no libc state), nothing instrumented.
__attribute__((no_sanitize("address", "undefined"))) int child_main(void* p) {
  auto* a = static_cast<ChildArgs*>(p);
  const ZeroKernelSigaction dfl;
  for (long sig = 1; sig < _NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::syscall(SYS_rt_sigaction, sig, &dfl, nullptr, _NSIG / 8);
  }
  if (a->reset_sched) {
    const sched_param normal{};
    ::syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &normal);
  }
  if (a->reset_nice) ::syscall(SYS_setpriority, PRIO_PROCESS, 0, 0);
  if (a->opts.own_process_group) ::syscall(SYS_setpgid, 0, 0);
  if (a->opts.death_signal) ::syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  if (a->creds->change) {
    if (::syscall(SYS_setgroups, a->creds->groups.size(), a->creds->groups.data()) != 0 ||
        ::syscall(SYS_setresgid, a->creds->gid, a->creds->gid, a->creds->gid) != 0 ||
        ::syscall(SYS_setresuid, a->creds->uid, a->creds->uid, a->creds->uid) != 0) {
      a->exec_errno = errno;
      child_exit(127);
    }
  }
  for (int fd = 0; fd <= 2; ++fd) {
    if (a->dev_null != fd) ::syscall(SYS_dup3, a->dev_null, fd, 0);
  }
  ::syscall(SYS_close_range, 3U, ~0U, 0U);
  const unsigned long no_signals = 0;
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &no_signals, nullptr, _NSIG / 8);

  ::syscall(SYS_execve, a->file, a->argv, a->envp);
  int err = errno;
  if (err == ENOEXEC) {  // no #! line: run it with the shell, as execvp does
    char* sh_argv[kMaxShellArgs + 3];
    int n = 0;
    sh_argv[n++] = const_cast<char*>("sh");
    sh_argv[n++] = const_cast<char*>(a->file);
    for (int i = 1; a->argv[i] != nullptr && n < kMaxShellArgs + 2; ++i) sh_argv[n++] = a->argv[i];
    sh_argv[n] = nullptr;
    ::syscall(SYS_execve, "/bin/sh", sh_argv, a->envp);
    err = errno;
  }
  a->exec_errno = err;
  child_exit(127);
}

bool unwanted_env(std::string_view kv) {
  for (std::string_view name : {"IFS=", "LD_PRELOAD=", "LD_LIBRARY_PATH="}) {
    if (kv.substr(0, name.size()) == name) return true;
  }
  return false;
}

}  // namespace

Spawner::Spawner() : dev_null_(::open("/dev/null", O_RDWR | O_CLOEXEC)) {
  if (!dev_null_) throw std::system_error(errno, std::generic_category(), "open /dev/null");
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!unwanted_env(*e)) env_strings_.emplace_back(*e);
  }
  for (auto& s : env_strings_) env_.push_back(s.data());
  env_.push_back(nullptr);
  stack_size_ = kChildStack;
  stack_ = ::mmap(nullptr, stack_size_, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack_ == MAP_FAILED) {
    stack_ = nullptr;
    throw std::system_error(errno, std::generic_category(), "mmap child stack");
  }
}

Spawner::~Spawner() {
  if (stack_ != nullptr) ::munmap(stack_, stack_size_);
}

Result<pid_t> Spawner::spawn(const SpawnCommand& cmd, const Credentials& creds,
                             SpawnOptions opts) {
  // The child inherits our scheduling: with SCHED_RR it runs (and releases us) at once, and
  // drops to SCHED_OTHER itself just before exec, as keepalived's script children do.
  const int policy = ::sched_getscheduler(0);
  errno = 0;
  const int nice_value = ::getpriority(PRIO_PROCESS, 0);
  ChildArgs args{cmd.file().c_str(), cmd.argv_ptrs(), env_.data(), &creds, opts,
                 dev_null_.get(), policy == SCHED_RR || policy == SCHED_FIFO,
                 errno == 0 && nice_value != 0, 0};
  // Block every signal across clone so no handler of ours can run on the child's borrowed
  // memory between clone and the child's reset (it unblocks them itself before exec).
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  char* top = static_cast<char*>(stack_) + stack_size_;
  const pid_t pid = ::clone(child_main, top, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  const int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    errno = clone_errno;
    return errno_error("clone(" + cmd.file() + ")");
  }
  last_exec_errno_ = args.exec_errno;
  return pid;
}

}  // namespace vigil::track
