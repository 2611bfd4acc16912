// daemon/async_sink.h — a log sink that never blocks its caller (issue 8: "logging that cannot
// block the loop").
//
// write() formats the line on the calling (loop) thread and pushes it on a bounded LineQueue
// (daemon/log_queue.h); one writer thread per sink takes lines off and hands them to the
// LineWriter, which may block as long as it likes (slow console, full journald socket, NFS).
// A full queue drops the line and counts it: dropped() (shown in the stats dump) and, when the
// sink recovers, one "N log lines dropped" line in the place of the gap. Order is preserved.
//
// Destruction flushes: every queued line is written, waiting at most `flush_timeout`; a sink
// that is still stalled then is abandoned (its thread detached, owning what it uses) so that
// stopping the daemon never hangs on a log destination.
//
// fork(): the child must not destroy the parent's AsyncSinks (Logger::abandon_sinks_after_fork).
#pragma once

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "daemon/log.h"
#include "daemon/log_queue.h"
#include "daemon/log_writers.h"

namespace vigil::daemon {

class AsyncSink final : public LogSink {
 public:
  static constexpr std::size_t kMaxLine = 16 * 1024;  // longer lines are cut
  struct Options {
    LineQueue::Limits limits{};
    std::chrono::milliseconds flush_timeout{1000};
  };

  explicit AsyncSink(std::unique_ptr<LineWriter> writer) : AsyncSink(std::move(writer), Options{}) {}
  AsyncSink(std::unique_ptr<LineWriter> writer, Options options);
  ~AsyncSink() override;
  AsyncSink(const AsyncSink&) = delete;
  AsyncSink& operator=(const AsyncSink&) = delete;

  void write(LogLevel level, std::chrono::system_clock::time_point when,
             std::string_view message) override;
  std::uint64_t dropped() const override;
  void pause_for_fork() override;
  void resume_after_fork() override;
  // Waits until every line pushed so far is written (tests). True if it happened in time.
  bool flush(std::chrono::milliseconds timeout);

 private:
  struct Shared {
    Shared(std::unique_ptr<LineWriter> w, LineQueue::Limits l)
        : writer(std::move(w)), queue(l), buffer(kMaxLine) {}
    std::unique_ptr<LineWriter> writer;
    LineQueue queue;
    std::vector<char> buffer;  // the writer thread's copy of the line it writes (it never allocates)
  };
  std::shared_ptr<Shared> shared_;
  LineQueue::NoticeFn notice_;  // formats "N log lines dropped" with the writer's format
  std::chrono::milliseconds flush_timeout_;
  std::thread thread_;
};

}  // namespace vigil::daemon
