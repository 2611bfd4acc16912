// event/fired.h — what a task's callback is told when it runs, and the callback type itself.
//
//   loop.add_read(fd, [this](const Fired& f) {
//     if (f.reason == Reason::timed_out) { on_master_down(); return; }
//     if (!f.ok()) { on_socket_error(f.fd); return; }
//     drain(f.fd);
//   }, std::chrono::seconds(3));
//
// Callbacks live inside the task record (InplaceFunction, kCallbackCapacity bytes): a capture
// larger than that fails to compile instead of allocating.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

#include <cstddef>
#include <cstdint>

#include "event/clock.h"
#include "event/inplace_function.h"

namespace vigil::event {

enum class Reason : std::uint8_t {
  ready,            // read/write task: the fd is readable / writable
  timed_out,        // read/write/child task: its timeout passed first
  error,            // read/write task: EPOLLERR, or the fd could not be watched (bad fd, regular file)
  hangup,           // read/write task: EPOLLHUP (peer gone; data may still be readable)
  exited,           // child task: the process was reaped; `status` is the waitpid() status
  timer,            // timer or shutdown timer expired
  event,            // add_event() task
  signal,           // signal task: `signo` arrived (through the signalfd)
  terminate_start,  // the start_terminate() callback
};

const char* to_string(Reason r);

struct Fired {
  Reason reason = Reason::event;
  int fd = -1;           // read/write tasks
  pid_t pid = 0;         // child tasks
  int status = 0;        // child tasks, reason == exited: raw waitpid() status
  int signo = 0;         // signal tasks
  pid_t sender = 0;      // signal tasks: ssi_pid of the sender (0 if unknown)
  TimePoint deadline{};  // the deadline that expired (timers, timeouts); epoch otherwise

  bool ok() const { return reason == Reason::ready; }
  bool timed_out() const { return reason == Reason::timed_out; }
  bool exited_normally() const { return reason == Reason::exited && WIFEXITED(status); }
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
  int term_signal() const { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }
};

// Capture budget of a callback: `this` plus three words.
inline constexpr std::size_t kCallbackCapacity = 32;
using Callback = InplaceFunction<void(const Fired&), kCallbackCapacity>;

}  // namespace vigil::event
