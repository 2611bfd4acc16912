// Tests for daemon/log.h, daemon/log_writers.h, daemon/log_queue.h and daemon/async_sink.h.
#include "daemon/log.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "daemon/async_sink.h"
#include "daemon/log_queue.h"
#include "daemon/log_writers.h"

namespace vigil::daemon {
namespace {

using namespace std::chrono_literals;

TEST(DaemonLog, DetailLinesOnlyWithDashD) {
  std::vector<std::string> plain_lines, detail_lines;
  Logger plain(0), detailed(1);
  plain.add_sink(std::make_unique<MemorySink>(plain_lines));
  detailed.add_sink(std::make_unique<MemorySink>(detail_lines));
  for (Logger* l : {&plain, &detailed}) {
    l->info("Starting VRRP child process, pid={}", 42);
    l->detail("(VI_1) setting VIPs.");
  }
  EXPECT_EQ(plain_lines, std::vector<std::string>{"Starting VRRP child process, pid=42"});
  EXPECT_EQ(detail_lines.size(), 2u);
}

TEST(DaemonLog, ConsoleFormatMatchesKeepalived) {
  // Sun Nov 22 05:17:52 2026: message
  const auto line = console_line(std::chrono::system_clock::now(), "Stopping");
  ASSERT_GT(line.size(), 26u);
  EXPECT_EQ(line.substr(24, 2), ": ");
  EXPECT_TRUE(line.ends_with(": Stopping\n"));
}

// The stamp is made once per second and reused: lines within one second and across a second
// boundary carry exactly what localtime_r + strftime give for their own time.
TEST(DaemonLog, ConsoleStampIsRightWithinAndAcrossSeconds) {
  auto expected = [](std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    localtime_r(&t, &tm);
    char stamp[64];
    const std::size_t n = std::strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &tm);
    return std::string(stamp, n) + ": x\n";
  };
  const auto base = std::chrono::system_clock::from_time_t(1795000000);  // a whole second
  for (auto offset : {0ms, 1ms, 999ms, 1000ms, 1500ms, 61000ms, 0ms, 86400000ms}) {
    EXPECT_EQ(console_line(base + offset, "x"), expected(base + offset)) << offset.count();
  }
}

TEST(DaemonLog, ChildLogFileName) {
  EXPECT_EQ(child_log_file_name("/tmp/keepalived.log", "vrrp"), "/tmp/keepalived_vrrp.log");
  EXPECT_EQ(child_log_file_name("/var/log/ka", "vrrp"), "/var/log/ka_vrrp");
  EXPECT_EQ(child_log_file_name("/var.d/log", "vrrp"), "/var.d/log_vrrp");
  EXPECT_EQ(child_log_file_name("a.b.c", "vrrp"), "a.b_vrrp.c");
  EXPECT_EQ(insert_before_extension("/tmp/keepalived.log", {"vrrp", "", "blue"}),
            "/tmp/keepalived_vrrp_blue.log");
  EXPECT_EQ(insert_before_extension("/tmp/keepalived.data", {"ns1", "blue"}),
            "/tmp/keepalived_ns1_blue.data");
}

TEST(DaemonLog, FileWriterAppendsLines) {
  char dir[] = "/tmp/vigil-logtest-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/k.log";
  {
    Logger l;
    auto w = std::make_unique<FileWriter>(path);
    ASSERT_TRUE(w->ok());
    l.add_sink(std::make_unique<AsyncSink>(std::move(w)));
    l.info("one");
    l.notice("two");
  }  // the Logger's destruction flushes
  FILE* f = fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[256];
  std::vector<std::string> lines;
  while (fgets(buf, sizeof buf, f)) lines.emplace_back(buf);
  fclose(f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0].ends_with(": one\n"));
  EXPECT_TRUE(lines[1].ends_with(": two\n"));
  unlink(path.c_str());
  rmdir(dir);
}

// glibc's syslog(3) datagram, sent by our own writer to a socket standing in for /dev/log.
TEST(DaemonLog, SyslogWriterSendsRfc3164Datagrams) {
  char dir[] = "/tmp/vigil-logtest-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/log";
  const int s = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

  SyslogWriter w("Keepalived_vrrp", LOG_LOCAL1, 1234, path);
  w.write_line(w.format(LogLevel::info, std::chrono::system_clock::now(), "(VI_1) Entering MASTER STATE"));
  char buf[512];
  const ssize_t n = ::recv(s, buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  const std::string got(buf, static_cast<std::size_t>(n));
  // <142> = local1 (17 << 3 = 136) + info (6); then "Mmm dd hh:mm:ss " (16 characters).
  EXPECT_TRUE(got.starts_with("<142>")) << got;
  ASSERT_GT(got.size(), 21u);
  EXPECT_EQ(got.substr(21), "Keepalived_vrrp[1234]: (VI_1) Entering MASTER STATE") << got;
  ::close(s);
  unlink(path.c_str());
  rmdir(dir);
}

// take() into a buffer, as the writer thread does; nullopt once closed and empty.
std::optional<std::string> take(LineQueue& q) {
  char buf[256];
  auto n = q.take(buf);
  if (!n) return std::nullopt;
  return std::string(buf, *n);
}

TEST(DaemonLogQueue, DropsWhenFullAndReportsTheGapInPlace) {
  LineQueue q({.max_lines = 3, .max_bytes = 1 << 20});
  auto notice = [](std::uint64_t n) { return std::to_string(n) + " log lines dropped"; };
  for (int i = 0; i < 5; ++i) q.push("line" + std::to_string(i), notice);
  EXPECT_EQ(q.dropped(), 2u);
  EXPECT_EQ(q.size(), 3u);
  std::vector<std::string> out;
  for (int i = 0; i < 2; ++i) {
    out.push_back(*take(q));
    q.done();
  }
  q.push("line5", notice);  // room again: the notice goes first
  q.close();
  while (auto l = take(q)) {
    out.push_back(*l);
    q.done();
  }
  EXPECT_EQ(out, (std::vector<std::string>{"line0", "line1", "line2", "2 log lines dropped", "line5"}));
  EXPECT_EQ(q.dropped(), 2u);
}

TEST(DaemonLogQueue, ByteLimitAndPendingNoticeAtTheEnd) {
  LineQueue q({.max_lines = 100, .max_bytes = 10});
  auto notice = [](std::uint64_t n) { return std::to_string(n) + " dropped"; };
  EXPECT_TRUE(q.push("0123456789abc", notice));  // one line always fits an empty queue
  EXPECT_FALSE(q.push("x", notice));
  EXPECT_FALSE(q.push("y", notice));
  q.push_pending_notice(notice);
  q.close();
  std::vector<std::string> out;
  while (auto l = take(q)) {
    out.push_back(*l);
    q.done();
  }
  EXPECT_EQ(out, (std::vector<std::string>{"0123456789abc", "2 dropped"}));
  EXPECT_TRUE(q.wait_drained(0ms));
}

// A stream sink takes the queued lines that fit whole in one go (one write(2)); a line that
// would not fit waits for the next take(), and done() accounts for every line taken.
TEST(DaemonLogQueue, TakeSeveralJoinsWholeLinesThatFit) {
  LineQueue q({.linger = 0us});
  auto none = [](std::uint64_t) { return std::string(); };
  for (const char* l : {"aaa\n", "bbb\n", "ccc\n", "dddddddd\n"}) q.push(l, none);
  char buf[16];
  auto n = q.take(buf, /*several=*/true);
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buf, *n), "aaa\nbbb\nccc\n");  // "dddddddd\n" (9 bytes) does not fit the 4 left
  EXPECT_EQ(q.size(), 4u);                              // taken, not written yet
  q.done();
  EXPECT_EQ(q.size(), 1u);
  n = q.take(buf, true);
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buf, *n), "dddddddd\n");
  q.done();
  EXPECT_TRUE(q.wait_drained(0ms));
  q.push("x\n", none);  // one at a time without `several` (a datagram sink)
  q.push("y\n", none);
  n = q.take(buf);
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buf, *n), "x\n");
  q.done();
  EXPECT_EQ(q.size(), 1u);
}

TEST(DaemonLogQueue, TakeCutsLongLinesToTheBuffer) {
  LineQueue q({});
  q.push(std::string(100, 'x'), [](std::uint64_t) { return std::string(); });
  char buf[10];
  EXPECT_EQ(q.take(buf), 10u);
  q.done();
  EXPECT_EQ(q.size(), 0u);
}

// A writer that blocks until released: the stalled sink of issue 8.
class GatedWriter final : public LineWriter {
 public:
  struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    bool open = false;
    std::vector<std::string> lines;
  };
  explicit GatedWriter(Gate& g) : g_(g) {}
  std::string format(LogLevel, std::chrono::system_clock::time_point, std::string_view m) const override {
    return std::string(m);
  }
  void write_line(std::string_view line) override {
    std::unique_lock lock(g_.mu);
    g_.cv.wait(lock, [&] { return g_.open; });
    g_.lines.emplace_back(line);
  }

 private:
  Gate& g_;
};

TEST(DaemonAsyncSink, StalledWriterNeverBlocksTheCallerAndDropsAreCounted) {
  GatedWriter::Gate gate;
  Logger log;
  auto sink = std::make_unique<AsyncSink>(std::make_unique<GatedWriter>(gate),
                                          AsyncSink::Options{.limits = {.max_lines = 10}});
  AsyncSink* raw = sink.get();
  log.add_sink(std::move(sink));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) log.info("line {}", i);
  const auto took = std::chrono::steady_clock::now() - t0;
  // 1,000 lines against a sink that writes none: bounded by queue pushes, not by the sink.
  // 200 ms is orders of magnitude above a push (~µs) even under a sanitizer.
  EXPECT_LT(took, 200ms);
  // The writer holds one line (blocked in write_line), the queue ten: the rest were dropped.
  EXPECT_GE(log.dropped(), 1000u - 11u);
  EXPECT_LE(log.dropped(), 1000u - 10u);
  const auto dropped = log.dropped();

  {
    std::lock_guard lock(gate.mu);
    gate.open = true;
  }
  gate.cv.notify_all();
  ASSERT_TRUE(raw->flush(2s));
  log.info("after");
  ASSERT_TRUE(raw->flush(2s));
  std::lock_guard lock(gate.mu);
  ASSERT_GE(gate.lines.size(), 3u);
  EXPECT_EQ(gate.lines.front(), "line 0");
  EXPECT_EQ(gate.lines.back(), "after");
  EXPECT_TRUE(gate.lines[gate.lines.size() - 2].ends_with(" log lines dropped"));
  // Every drop is reported once, in place (the writer may have freed a slot mid-burst, so
  // there can be more than one notice); the kept lines are in order.
  std::uint64_t reported = 0;
  int last = -1;
  for (const auto& l : gate.lines) {
    if (l.ends_with(" log lines dropped")) {
      reported += std::stoull(l);
    } else if (l.starts_with("line ")) {
      const int n = std::stoi(l.substr(5));
      EXPECT_GT(n, last);
      last = n;
    }
  }
  EXPECT_EQ(reported, dropped);
}

TEST(DaemonAsyncSink, DestructionFlushesAndReportsDropsThatWereNeverFollowed) {
  GatedWriter::Gate gate;
  {
    Logger log;
    log.add_sink(std::make_unique<AsyncSink>(std::make_unique<GatedWriter>(gate),
                                             AsyncSink::Options{.limits = {.max_lines = 2}}));
    for (int i = 0; i < 10; ++i) log.info("l{}", i);
    std::lock_guard lock(gate.mu);
    gate.open = true;
    gate.cv.notify_all();
  }
  ASSERT_GE(gate.lines.size(), 3u);
  EXPECT_EQ(gate.lines.front(), "l0");
  EXPECT_TRUE(gate.lines.back().ends_with(" log lines dropped")) << gate.lines.back();
}

TEST(DaemonAsyncSink, DestructionGivesUpOnASinkThatNeverRecovers) {
  auto gate = std::make_unique<GatedWriter::Gate>();  // leaked below: the detached writer waits on it
  const auto t0 = std::chrono::steady_clock::now();
  {
    AsyncSink sink(std::make_unique<GatedWriter>(*gate), AsyncSink::Options{.flush_timeout = 100ms});
    sink.write(LogLevel::info, std::chrono::system_clock::now(), "stuck");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // 100 ms flush timeout + margin
  (void)gate.release();
}

}  // namespace
}  // namespace vigil::daemon

namespace vigil::daemon {
namespace {

TEST(DaemonLogQueue, PauseParksTheWriterUntilResume) {
  LineQueue q({});
  auto notice = [](std::uint64_t) { return std::string(); };
  std::atomic<int> written{0};
  std::thread writer([&] {
    char buf[64];
    while (q.take(buf)) {
      ++written;
      q.done();
    }
  });
  ASSERT_TRUE(q.pause(2s));  // the writer is (or gets) parked in take()
  q.push("a", notice);
  q.push("b", notice);
  EXPECT_FALSE(q.wait_drained(50ms));  // parked: nothing is written
  EXPECT_EQ(written.load(), 0);
  q.resume();
  EXPECT_TRUE(q.wait_drained(2s));
  EXPECT_EQ(written.load(), 2);
  q.close();
  writer.join();
}

// A writer that just wrote lines lingers (Limits::linger) before it sleeps on the condition
// variable: lines pushed meanwhile are written in order all the same, and a fork() pause still
// parks it within the linger.
TEST(DaemonLogQueue, LingeringWriterLosesNothingAndStillParks) {
  LineQueue q({.linger = 20ms});
  auto notice = [](std::uint64_t) { return std::string(); };
  std::mutex mu;
  std::vector<std::string> out;
  std::thread writer([&] {
    char buf[64];
    while (auto n = q.take(buf)) {
      {
        std::lock_guard lock(mu);
        out.emplace_back(buf, *n);
      }
      q.done();
    }
  });
  q.push("0", notice);
  ASSERT_TRUE(q.wait_drained(2s));  // written: the writer now lingers, then waits
  for (int i = 1; i < 100; ++i) q.push(std::to_string(i), notice);
  ASSERT_TRUE(q.wait_drained(2s));
  // Parked within the linger (20 ms) plus scheduling: 2 s is far above both.
  ASSERT_TRUE(q.pause(2s));
  q.push("100", notice);
  EXPECT_EQ(q.size(), 1u);  // parked: not taken
  q.resume();
  ASSERT_TRUE(q.wait_drained(2s));
  q.close();
  writer.join();
  std::lock_guard lock(mu);
  ASSERT_EQ(out.size(), 101u);
  for (int i = 0; i <= 100; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], std::to_string(i));
}

}  // namespace
}  // namespace vigil::daemon
