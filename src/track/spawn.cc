// track/spawn.cc — clone(CLONE_VM | CLONE_VFORK) + raw system calls in the child (see spawn.h).
#include "track/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>

extern char** environ;

namespace vigil::track {

SpawnCommand SpawnCommand::make(std::string file, std::vector<std::string> argv) {
  SpawnCommand c;
  c.file_ = std::move(file);
  c.argv_ = std::move(argv);
  c.rebuild_ptrs();
  return c;
}

void SpawnCommand::rebuild_ptrs() {
  ptrs_.clear();
  for (auto& a : argv_) ptrs_.push_back(a.data());
  ptrs_.push_back(nullptr);
}

SpawnCommand& SpawnCommand::operator=(const SpawnCommand& o) {
  if (this == &o) return *this;
  file_.assign(o.file_);
  argv_.resize(o.argv_.size());
  for (std::size_t i = 0; i < argv_.size(); ++i) argv_[i].assign(o.argv_[i]);
  rebuild_ptrs();
  return *this;
}

namespace {

// Children in flight before their exec. On a starved machine a child may wait hundreds of ms for
// a CPU before it execs; 512 slots cover ~1 s of that at 500 spawns/s before spawn() blocks.
constexpr std::size_t kSlots = 512;
constexpr std::size_t kSlotStack = 16 * 1024;    // per slot (virtual; the child touches ~2 KiB)
constexpr std::size_t kVforkStack = 64 * 1024;   // the fallback path's stack
constexpr int kMaxShellArgs = 62;  // ENOEXEC fallback: sh + file + up to this many arguments

#if defined(__x86_64__) || defined(__aarch64__)
constexpr bool kAsyncSupported = true;
#else
constexpr bool kAsyncSupported = false;
#endif

// A system call that returns -errno and never touches errno: the child shares our memory and
// our TLS (so glibc's errno is *our* errno) while it runs next to us.
__attribute__((no_sanitize("address", "undefined"), always_inline)) inline long raw(
    long n, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0) {
#if defined(__x86_64__)
  long ret;
  register long r10 asm("r10") = a4;
  register long r8 asm("r8") = a5;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
               : "rcx", "r11", "memory");
  return ret;
#elif defined(__aarch64__)
  register long x8 asm("x8") = n;
  register long x0 asm("x0") = a1;
  register long x1 asm("x1") = a2;
  register long x2 asm("x2") = a3;
  register long x3 asm("x3") = a4;
  register long x4 asm("x4") = a5;
  asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
  return x0;
#else
  const long r = ::syscall(n, a1, a2, a3, a4, a5);  // vfork path only: we are suspended
  return r < 0 ? -errno : r;
#endif
}

template <class P>
long arg(P* p) {
  return reinterpret_cast<long>(p);
}

// A kernel `struct sigaction` of zeros is {SIG_DFL, no flags, empty mask} on every architecture.
struct ZeroKernelSigaction {
  unsigned long words[4] = {0, 0, 0, 0};
};

[[noreturn]] __attribute__((no_sanitize("address", "undefined"))) void child_exit(int code) {
  for (;;) raw(SYS_exit_group, code);
}

}  // namespace

// Everything the child reads, prepared by the parent and left untouched until the child has
// exec'd or exited; exec_errno is written back by the child.
struct ChildArgs {
  const char* file = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const gid_t* groups = nullptr;
  std::size_t ngroups = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  bool change_ids = false;
  SpawnOptions opts{};
  int dev_null = -1;
  bool reset_sched = false;  // vigil runs SCHED_RR/FIFO (vrrp_rt_priority): the script must not
  bool reset_nice = false;   // vigil runs niced (vrrp_priority): the script gets nice 0
  int exec_errno = 0;
};

// One child in flight: its stack and its own copies of what it reads. `tid` is non-zero from
// clone until the kernel zeroes it (CLONE_CHILD_CLEARTID) when the child execs or exits — the
// moment it stops using the slot.
struct Spawner::Slot {
  alignas(4) pid_t tid = 0;
  char* stack_top = nullptr;
  SpawnCommand command;
  std::vector<gid_t> groups;
  ChildArgs args;
};

namespace {

// Runs in the child on its private stack, sharing vigil's memory: raw system calls only (no
// allocation, no locks, no libc state, no errno), nothing instrumented.
__attribute__((no_sanitize("address", "undefined"))) int child_main(void* p) {
  auto* a = static_cast<ChildArgs*>(p);
  // Cloned with CLONE_FILES (the parent need not copy its fd table for us): our own copy now,
  // before any fd is touched, so the dup3/close_range below never reach the parent's fds.
  if (raw(SYS_unshare, CLONE_FILES) != 0) child_exit(127);
  const ZeroKernelSigaction dfl;
  for (long sig = 1; sig < _NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    raw(SYS_rt_sigaction, sig, arg(&dfl), 0, _NSIG / 8);
  }
  if (a->reset_sched) {
    const sched_param normal{};
    raw(SYS_sched_setscheduler, 0, SCHED_OTHER, arg(&normal));
  }
  if (a->reset_nice) raw(SYS_setpriority, PRIO_PROCESS, 0, 0);
  if (a->opts.own_process_group) raw(SYS_setpgid, 0, 0);
  if (a->opts.death_signal) raw(SYS_prctl, PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  if (a->change_ids) {
    long r = raw(SYS_setgroups, static_cast<long>(a->ngroups), arg(a->groups));
    if (r == 0) r = raw(SYS_setresgid, a->gid, a->gid, a->gid);
    if (r == 0) r = raw(SYS_setresuid, a->uid, a->uid, a->uid);
    if (r != 0) {
      a->exec_errno = static_cast<int>(-r);
      child_exit(127);
    }
  }
  for (int fd = 0; fd <= 2; ++fd) {
    if (a->dev_null != fd) raw(SYS_dup3, a->dev_null, fd, 0);
  }
  raw(SYS_close_range, 3, ~0U, 0);
  const unsigned long no_signals = 0;
  raw(SYS_rt_sigprocmask, SIG_SETMASK, arg(&no_signals), 0, _NSIG / 8);

  long r = raw(SYS_execve, arg(a->file), arg(a->argv), arg(a->envp));
  if (r == -ENOEXEC) {  // no #! line: run it with the shell, as execvp does
    char* sh_argv[kMaxShellArgs + 3];
    int n = 0;
    sh_argv[n++] = const_cast<char*>("sh");
    sh_argv[n++] = const_cast<char*>(a->file);
    for (int i = 1; a->argv[i] != nullptr && n < kMaxShellArgs + 2; ++i) sh_argv[n++] = a->argv[i];
    sh_argv[n] = nullptr;
    r = raw(SYS_execve, arg("/bin/sh"), arg(sh_argv), arg(a->envp));
  }
  a->exec_errno = static_cast<int>(-r);
  child_exit(127);
}

bool unwanted_env(std::string_view kv) {
  for (std::string_view name : {"IFS=", "LD_PRELOAD=", "LD_LIBRARY_PATH="}) {
    if (kv.substr(0, name.size()) == name) return true;
  }
  return false;
}

}  // namespace

Spawner::Spawner(SpawnMode mode) : dev_null_(::open("/dev/null", O_RDWR | O_CLOEXEC)) {
  if (!dev_null_) throw std::system_error(errno, std::generic_category(), "open /dev/null");
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!unwanted_env(*e)) env_strings_.emplace_back(*e);
  }
  for (auto& s : env_strings_) env_.push_back(s.data());
  env_.push_back(nullptr);
  async_ = mode == SpawnMode::concurrent && kAsyncSupported;
  stack_size_ = kVforkStack + (async_ ? kSlots * kSlotStack : 0);
  stack_ = ::mmap(nullptr, stack_size_, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack_ == MAP_FAILED) {
    stack_ = nullptr;
    throw std::system_error(errno, std::generic_category(), "mmap child stacks");
  }
  if (async_) {
    char* base = static_cast<char*>(stack_) + kVforkStack;
    for (std::size_t i = 0; i < kSlots; ++i) {
      auto slot = std::make_unique<Slot>();
      slot->stack_top = base + (i + 1) * kSlotStack;
      slots_.push_back(std::move(slot));
    }
  }
}

Spawner::~Spawner() {
  // A child between clone and exec still runs on its slot's stack: wait for it (microseconds
  // normally) before unmapping. If one never gets there within ~2 s, leak the stacks instead.
  bool busy = false;
  for (auto& slot : slots_) {
    for (int i = 0; i < 200 && __atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE) != 0; ++i) {
      const timespec ten_ms{0, 10'000'000};
      const pid_t seen = __atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE);
      if (seen != 0) ::syscall(SYS_futex, &slot->tid, FUTEX_WAIT, seen, &ten_ms, nullptr, 0);
    }
    busy = busy || __atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE) != 0;
  }
  if (busy) {
    for (auto& slot : slots_) static_cast<void>(slot.release());  // still in use: leak
    return;
  }
  if (stack_ != nullptr) ::munmap(stack_, stack_size_);
}

std::size_t Spawner::in_flight() const {
  std::size_t n = 0;
  for (const auto& slot : slots_) n += __atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE) != 0 ? 1 : 0;
  return n;
}

net::Result<pid_t> Spawner::spawn(const SpawnCommand& cmd, const Credentials& creds,
                             SpawnOptions opts) {
  // The child inherits our scheduling and drops realtime priority / nice itself just before
  // exec, as keepalived's script children do.
  // Our policy and nice value, re-read at most every kSchedRecheck (two system calls saved per
  // spawn; the daemon changes them once, at start-up).
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
  const std::int64_t now_ns = std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
  if (sched_checked_ns_ < 0 || now_ns - sched_checked_ns_ >= kSchedRecheck.count()) {
    sched_checked_ns_ = now_ns;
    const int policy = ::sched_getscheduler(0);
    errno = 0;
    const int nice_value = ::getpriority(PRIO_PROCESS, 0);
    reset_sched_ = policy == SCHED_RR || policy == SCHED_FIFO;
    reset_nice_ = errno == 0 && nice_value != 0;
  }
  ChildArgs base;
  base.envp = env_.data();
  base.uid = creds.uid;
  base.gid = creds.gid;
  base.change_ids = creds.change;
  base.opts = opts;
  base.dev_null = dev_null_.get();
  base.reset_sched = reset_sched_;
  base.reset_nice = reset_nice_;

  Slot* slot = nullptr;
  for (std::size_t k = 0; k < slots_.size() && slot == nullptr; ++k) {
    Slot* s = slots_[(next_slot_ + k) % slots_.size()].get();
    if (__atomic_load_n(&s->tid, __ATOMIC_ACQUIRE) == 0) {
      slot = s;
      next_slot_ = (next_slot_ + k + 1) % slots_.size();
    }
  }
  // Block every signal across clone so no handler of ours can run on the child's borrowed
  // memory before the child has reset them (it unblocks them itself before exec).
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid;
  int clone_errno;
  if (slot != nullptr) {
    // Concurrent: the child runs beside us on its slot; we never wait for it.
    slot->command = cmd;
    slot->groups.assign(creds.groups.begin(), creds.groups.end());
    slot->args = base;
    slot->args.file = slot->command.file().c_str();
    slot->args.argv = slot->command.argv_ptrs();
    slot->args.groups = slot->groups.data();
    slot->args.ngroups = slot->groups.size();
    __atomic_store_n(&slot->tid, 1, __ATOMIC_RELEASE);
    pid = ::clone(child_main, slot->stack_top, CLONE_VM | CLONE_FILES | CLONE_CHILD_CLEARTID | SIGCHLD,
                  &slot->args, nullptr, nullptr, &slot->tid);
    clone_errno = errno;
    if (pid < 0) __atomic_store_n(&slot->tid, 0, __ATOMIC_RELEASE);
    last_exec_errno_ = 0;
  } else {
    // Every slot busy (or no concurrent mode): suspend until the child has exec'd.
    ChildArgs args = base;
    args.file = cmd.file().c_str();
    args.argv = cmd.argv_ptrs();
    args.groups = creds.groups.data();
    args.ngroups = creds.groups.size();
    pid = ::clone(child_main, static_cast<char*>(stack_) + kVforkStack,
                  CLONE_VM | CLONE_FILES | CLONE_VFORK | SIGCHLD, &args);
    clone_errno = errno;
    last_exec_errno_ = args.exec_errno;
    ++blocking_spawns_;
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    errno = clone_errno;
    return net::errno_error("clone(" + cmd.file() + ")");
  }
  return pid;
}

}  // namespace vigil::track
