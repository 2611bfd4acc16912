// daemon/log_queue.h — the bounded line queue between the event loop and a slow log sink.
//
// The loop must never wait for a log sink (a stalled console, a full journald socket, a slow
// disk): a line is pushed here in O(1) and a writer thread (daemon/async_sink.h) takes it off.
// When the queue is full the line is dropped and counted — never blocking, never growing
// without bound. The first line accepted after a run of drops is preceded by a notice line
// ("N log lines dropped") made by the pusher, so the gap is reported exactly where it happened
// and order is preserved.
//
//   LineQueue q({.max_lines = 2048, .max_bytes = 256 * 1024});
//   q.push(line, [](std::uint64_t n) { return format_notice(n); });   // loop thread
//   std::vector<char> buf(kMaxLine);                                  // writer thread:
//   while (auto n = q.take(buf)) { write(buf.data(), *n); q.done(); }
//   q.close();                                                        // take() returns nullopt once empty
//
// fork() safety: the writer thread never allocates or frees memory. take() copies the next line
// into the caller's preallocated buffer (a longer line is cut) and leaves the string in place;
// the pushing thread erases written lines on its next push. So a fork() from the loop thread can
// never catch the writer inside the allocator (an allocator lock held forever in the child —
// AddressSanitizer's allocator, unlike glibc's, is not reset by fork()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace vigil::daemon {

class LineQueue {
 public:
  struct Limits {
    std::size_t max_lines = 2048;
    std::size_t max_bytes = 256 * 1024;
    // A writer that has just written lines and finds the queue empty waits this long before it
    // sleeps on the condition variable: lines pushed meanwhile need no wake-up. Without it, a
    // writer that keeps up wakes once per line (a futex call on the pushing loop thread and a
    // context switch on the other core: 5,000 lines in a 1,000-instance takeover). 0: none.
    std::chrono::microseconds linger{1000};
  };
  // Makes the "N log lines dropped" line; called by push() under the queue's lock.
  using NoticeFn = std::function<std::string(std::uint64_t dropped)>;

  explicit LineQueue(Limits limits) : limits_(limits) {}

  // Never blocks. False if the line was dropped (queue full, or closed).
  bool push(std::string line, const NoticeFn& notice);
  // Queues the notice for drops not yet reported (the sink never recovered before the end).
  void push_pending_notice(const NoticeFn& notice);

  // Blocks until a line is there, copies it into `buf` (cut to its size) and returns its length;
  // nullopt once the queue is closed and everything was taken. Never allocates. With `several`
  // (a byte-stream sink: console, file), the lines queued behind it that fit `buf` whole are
  // copied after it, so one write(2) carries them all (a 1,000-instance takeover logs ~3,000
  // lines: one write each kept the writer's core busy while the takeover needed it).
  std::optional<std::size_t> take(std::span<char> buf, bool several = false);
  // The writer finished writing the lines it took last (for wait_drained()).
  void done();
  // Waits until every pushed line was written (pop + done), up to `timeout`. True if drained.
  bool wait_drained(std::chrono::milliseconds timeout);
  void close();

  // fork() from the pushing thread: park the writer (blocked on a condition variable, holding
  // no lock at all) until resume(). Waits up to `timeout` for it to get there (a writer stuck in
  // a blocking write(2) holds no lock either); true if it is parked.
  bool pause(std::chrono::milliseconds timeout);
  void resume();

  std::uint64_t dropped() const;   // total lines dropped so far
  std::size_t size() const;  // lines not written yet

 private:
  void erase_written();
  const Limits limits_;
  mutable std::mutex mu_;
  std::condition_variable ready_, drained_;
  // Lines [0, taken_) were copied out by the writer, [0, written_) also written; the pusher
  // erases written ones. Limits apply to what is not written yet.
  std::deque<std::string> lines_;
  std::size_t taken_ = 0, written_ = 0;
  std::size_t bytes_ = 0;          // of the lines not written yet
  std::uint64_t dropped_ = 0;
  std::uint64_t unreported_ = 0;   // dropped since the last notice
  bool closed_ = false;
  bool paused_ = false;
  bool waiting_ = false;  // the writer is inside take()'s wait
  bool lingered_ = true;  // the writer found the queue empty since it last took a line
  std::condition_variable parked_;
};

}  // namespace vigil::daemon
