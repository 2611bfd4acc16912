#include "daemon/async_sink.h"

#include <pthread.h>
#include <signal.h>

namespace vigil::daemon {

namespace {

// The writer thread: no allocation from here on (see log_queue.h); `buf` was allocated by the
// thread that made the sink.
void writer_loop(std::shared_ptr<void> keep, LineWriter& writer, LineQueue& queue, std::span<char> buf) {
  (void)keep;
  const bool several = writer.stream();
  while (auto n = queue.take(buf, several)) {
    writer.write_line(std::string_view(buf.data(), *n));
    queue.done();
  }
}

}  // namespace

AsyncSink::AsyncSink(std::unique_ptr<LineWriter> writer, Options options)
    : shared_(std::make_shared<Shared>(std::move(writer), options.limits)),
      flush_timeout_(options.flush_timeout) {
  LineWriter* w = shared_->writer.get();
  notice_ = [w](std::uint64_t n) {
    return w->format(LogLevel::warning, std::chrono::system_clock::now(),
                     fmt::format("{} log lines dropped", n));
  };
  // The writer thread takes no signals: the loop reads them from its signalfd, and a signal
  // left unblocked here would be delivered to this thread instead.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  thread_ = std::thread(writer_loop, std::shared_ptr<void>(shared_), std::ref(*shared_->writer),
                        std::ref(shared_->queue), std::span<char>(shared_->buffer));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

AsyncSink::~AsyncSink() {
  auto& q = shared_->queue;
  q.push_pending_notice(notice_);
  q.close();
  if (q.wait_drained(flush_timeout_)) {
    thread_.join();
  } else {
    thread_.detach();  // stalled in write(2): it keeps `shared_` alive until the process ends
  }
}

void AsyncSink::write(LogLevel level, std::chrono::system_clock::time_point when,
                      std::string_view message) {
  std::string line = shared_->writer->format(level, when, message);
  shared_->queue.push(std::move(line), notice_);
}

std::uint64_t AsyncSink::dropped() const { return shared_->queue.dropped(); }

// 50 ms: a writer between two lines parks in microseconds; one blocked in write(2) on a stalled
// sink holds no lock and is left as it is rather than delaying the fork.
void AsyncSink::pause_for_fork() { (void)shared_->queue.pause(std::chrono::milliseconds(50)); }

void AsyncSink::resume_after_fork() { shared_->queue.resume(); }

bool AsyncSink::flush(std::chrono::milliseconds timeout) {
  return shared_->queue.wait_drained(timeout);
}

}  // namespace vigil::daemon
