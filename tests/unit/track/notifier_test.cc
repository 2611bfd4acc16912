// Notify scripts receive exactly keepalived's arguments; FIFO lines arrive in order, in
// keepalived's format (reference §5.5, §5.6). Real children on a real Loop.
#include "track/notifier.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "helpers.h"

namespace vigil::track {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// A script that records its arguments, one "[arg]" each, atomically (write then rename).
std::string recorder(const TempDir& dir, const std::string& name) {
  const auto out = dir.file(name + ".out");
  return testing::write_script(
      dir.file(name + ".sh"),
      "{ echo $#; for a in \"$@\"; do echo \"[$a]\"; done; } > " + out + ".tmp && mv " + out +
          ".tmp " + out);
}

bool no_children_left() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno == ECHILD;
}

struct Fixture {
  event::MonotonicClock clock;
  event::Loop loop{clock};
  Spawner spawner;
  testing::LogCapture log;
  Notifier notifier{loop, spawner, log.sink()};
  TempDir dir;

  NotifyCommand cmd(const std::string& line) {
    auto c = NotifyCommand::prepare(line, Credentials{});
    EXPECT_TRUE(c.has_value());
    return *c;
  }
  // Waits for a recorder's output; a /bin/sh script takes milliseconds, 5 s is the limit.
  std::string output(const std::string& name) {
    const auto path = dir.file(name + ".out");
    EXPECT_TRUE(testing::run_until(loop, [&] { return ::access(path.c_str(), F_OK) == 0; }, 5s))
        << name;
    return testing::read_file(path);
  }
};

TEST(TrackNotifier, InstanceScriptsGetKeepalivedsArguments) {
  Fixture f;
  NotifyScripts s;
  s.master = f.cmd(recorder(f.dir, "master") + " m1 'x y'");
  s.generic = f.cmd(recorder(f.dir, "generic"));
  s.backup = f.cmd(recorder(f.dir, "backup"));
  f.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::master, 100, s);
  EXPECT_EQ(f.output("master"), "2\n[m1]\n[x y]\n");
  EXPECT_EQ(f.output("generic"), "4\n[INSTANCE]\n[VI_1]\n[MASTER]\n[100]\n");
  // notify_backup did not run for a MASTER transition.
  EXPECT_NE(::access(f.dir.file("backup.out").c_str(), F_OK), 0);
  // Fire and forget, but reaped by the loop: no zombie is left behind (limit: 5 s).
  EXPECT_TRUE(testing::run_until(f.loop, no_children_left, 5s));
}

TEST(TrackNotifier, GenericNotifyKeepsConfiguredWordsFirst) {
  Fixture f;
  NotifyScripts s;
  s.generic = f.cmd(recorder(f.dir, "generic") + " extra");
  f.notifier.state_change(NotifyKind::instance, "VI_2", NotifyState::fault, 90, s);
  EXPECT_EQ(f.output("generic"), "5\n[extra]\n[INSTANCE]\n[VI_2]\n[FAULT]\n[90]\n");
}

TEST(TrackNotifier, GroupNotifyReportsPriorityZero) {
  Fixture f;
  NotifyScripts s;
  s.generic = f.cmd(recorder(f.dir, "generic"));
  s.backup = f.cmd(recorder(f.dir, "gbackup") + " g");
  f.notifier.state_change(NotifyKind::group, "G1", NotifyState::backup, 100, s);
  EXPECT_EQ(f.output("generic"), "4\n[GROUP]\n[G1]\n[BACKUP]\n[0]\n");
  EXPECT_EQ(f.output("gbackup"), "1\n[g]\n");
}

TEST(TrackNotifier, DeletedIsFaultUnlessNotifyDeletedIsConfigured) {
  Fixture f;
  NotifyScripts s;
  s.generic = f.cmd(recorder(f.dir, "generic"));
  s.fault = f.cmd(recorder(f.dir, "fault"));
  f.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::deleted, 100, s);
  EXPECT_EQ(f.output("generic"), "4\n[INSTANCE]\n[VI_1]\n[FAULT]\n[100]\n");
  EXPECT_EQ(f.output("fault"), "0\n");

  Fixture g;
  NotifyScripts t;
  t.generic = g.cmd(recorder(g.dir, "generic"));
  t.deleted = g.cmd(recorder(g.dir, "deleted") + " gone");
  g.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::deleted, 100, t);
  EXPECT_EQ(g.output("generic"), "4\n[INSTANCE]\n[VI_1]\n[DELETED]\n[100]\n");
  EXPECT_EQ(g.output("deleted"), "1\n[gone]\n");
}

TEST(TrackNotifier, RxLowerPriGetsConfiguredArgsOnly) {
  Fixture f;
  NotifyScripts s;
  s.master_rx_lower_pri = f.cmd(recorder(f.dir, "rx") + " a b");
  s.generic = f.cmd(recorder(f.dir, "generic"));
  f.notifier.master_rx_lower_pri("VI_1", 100, s);
  EXPECT_EQ(f.output("rx"), "2\n[a]\n[b]\n");
}

TEST(TrackNotifier, LineThatIsNotAnExecutableGoesThroughTheShell) {
  Fixture f;
  const auto out = f.dir.file("sh.out");
  const auto script = testing::write_script(f.dir.file("env.sh"), "echo \"$X $*\" > " + out);
  NotifyScripts s;
  s.generic = f.cmd("X=5 " + script);
  EXPECT_TRUE(s.generic->via_shell());
  f.notifier.state_change(NotifyKind::instance, "V 1", NotifyState::stop, 7, s);
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return ::access(out.c_str(), F_OK) == 0; }, 5s));
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return !testing::read_file(out).empty(); }, 5s));
  EXPECT_EQ(testing::read_file(out), "5 INSTANCE V 1 STOP 7\n");
}

TEST(TrackNotifier, StopScriptIsKilledAfterOneSecond) {
  Fixture f;
  const auto pidfile = f.dir.file("pid");
  NotifyScripts s;
  s.stop = f.cmd(testing::write_script(f.dir.file("stop.sh"),
                                       "echo $$ > " + pidfile + ".tmp; mv " + pidfile + ".tmp " +
                                           pidfile + "\nexec sleep 30"));
  const auto t0 = f.clock.now();
  f.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::stop, 100, s);
  ASSERT_TRUE(testing::run_until(f.loop, [&] { return ::access(pidfile.c_str(), F_OK) == 0; }, 5s));
  pid_t pid = 0;
  std::istringstream(testing::read_file(pidfile)) >> pid;
  ASSERT_GT(pid, 0);
  // kStopScriptTimeout (1 s) + SIGTERM delivery; limit 3 s. The loop reaps it (no zombie left).
  ASSERT_TRUE(testing::run_until(f.loop, no_children_left, 3s));
  EXPECT_GE(f.clock.now() - t0, kStopScriptTimeout);
  EXPECT_NE(::kill(pid, 0), 0);
}

TEST(TrackNotifier, FifoLinesArriveInOrderInKeepalivedsFormat) {
  Fixture f;
  const auto path = f.dir.file("notify.fifo");
  auto fifo = FifoWriter::open(path);
  ASSERT_TRUE(fifo.has_value()) << fifo.error().str();
  f.notifier.add_fifo(std::move(*fifo));
  // A reader that opens after the writer: the FIFO exists and the open does not block.
  net::Fd reader(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  ASSERT_TRUE(reader);

  NotifyScripts s;
  s.priority_changes = true;
  f.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::backup, 100, s);
  f.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::master, 100, s);
  f.notifier.priority_changed("VI_1", true, 90, s);
  f.notifier.master_rx_lower_pri("VI_1", 90, s);
  f.notifier.state_change(NotifyKind::group, "G1", NotifyState::master, 90, s);
  f.notifier.priority_changed("VI_1", false, 80, s);
  f.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::fault, 80, s);
  f.notifier.state_change(NotifyKind::instance, "VI_1", NotifyState::stop, 80, s);
  NotifyScripts quiet;  // priority changes not enabled: no line
  f.notifier.priority_changed("VI_1", true, 70, quiet);

  char buf[4096];
  const ssize_t n = ::read(reader.get(), buf, sizeof buf);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)),
            "INSTANCE \"VI_1\" BACKUP 100\n"
            "INSTANCE \"VI_1\" MASTER 100\n"
            "INSTANCE \"VI_1\" MASTER_PRIORITY 90\n"
            "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 90\n"
            "GROUP \"G1\" MASTER 0\n"
            "INSTANCE \"VI_1\" BACKUP_PRIORITY 80\n"
            "INSTANCE \"VI_1\" FAULT 80\n"
            "INSTANCE \"VI_1\" STOP 80\n");
  EXPECT_EQ(f.notifier.fifo(0).written(), 8u);
}

TEST(TrackNotifier, FullFifoDropsInsteadOfBlocking) {
  TempDir dir;
  auto fifo = FifoWriter::open(dir.file("f"));
  ASSERT_TRUE(fifo.has_value());
  const std::string line = fifo_line(NotifyKind::instance, "VI_1", NotifyState::master, 100);
  // Nobody reads: the pipe (64 KiB by default) fills, then lines are dropped, never blocking.
  std::uint64_t tries = 0;
  while (fifo->dropped() == 0 && tries < 1'000'000) {
    fifo->write(line);
    ++tries;
  }
  EXPECT_EQ(fifo->dropped(), 1u);
  EXPECT_GT(fifo->written(), 100u);
}

TEST(TrackNotifier, ExistingNonFifoIsRefused) {
  TempDir dir;
  testing::write_script(dir.file("plain"), "x");
  EXPECT_FALSE(FifoWriter::open(dir.file("plain")).has_value());
}

TEST(TrackNotifier, FifoScriptGetsThePathAsLastArgument) {
  Fixture f;
  const auto path = f.dir.file("n.fifo");
  auto fifo = FifoWriter::open(path);
  ASSERT_TRUE(fifo.has_value());
  ASSERT_TRUE(f.notifier.start_fifo_script(f.cmd(recorder(f.dir, "fifoscript") + " -v"), path)
                  .has_value());
  EXPECT_EQ(f.output("fifoscript"), "2\n[-v]\n[" + path + "]\n");
}

// keepalived's FIFO creation: mode 0644 less the umask; removed with its writer (and only then:
// a moved-from writer removes nothing).
TEST(TrackFifoWriter, CreatedFifoHasKeepalivedsModeAndGoesWithItsWriter) {
  TempDir dir;
  const auto path = dir.file("k.fifo");
  const mode_t old_mask = ::umask(022);
  auto fifo = FifoWriter::open(path);
  ::umask(old_mask);
  ASSERT_TRUE(fifo.has_value()) << fifo.error().str();
  EXPECT_TRUE(fifo->created());
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  {
    std::vector<FifoWriter> kept;
    {
      FifoWriter moved_from = std::move(*fifo);
      kept.push_back(std::move(moved_from));
    }  // the moved-from writers go: the FIFO stays
    EXPECT_EQ(::access(path.c_str(), F_OK), 0);
  }
  EXPECT_NE(::access(path.c_str(), F_OK), 0);  // the last writer took it away
}

TEST(TrackFifoWriter, ExistingFifoIsNeitherChownedNorRemoved) {
  TempDir dir;
  const auto path = dir.file("mine.fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  struct stat before {};
  ASSERT_EQ(::lstat(path.c_str(), &before), 0);
  {
    auto fifo = FifoWriter::open(path, FifoOwner{.uid = before.st_uid + 1, .gid = before.st_gid + 1});
    ASSERT_TRUE(fifo.has_value()) << fifo.error().str();
    EXPECT_FALSE(fifo->created());
  }
  struct stat after {};
  ASSERT_EQ(::lstat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_uid, before.st_uid);
  EXPECT_EQ(after.st_gid, before.st_gid);
  EXPECT_EQ(after.st_mode & 07777, 0600u);
}

TEST(TrackFifoWriter, CreatedFifoBelongsToItsOwner) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
  TempDir dir;
  const auto path = dir.file("owned.fifo");
  auto fifo = FifoWriter::open(path, FifoOwner{.uid = 65534, .gid = 65533});
  ASSERT_TRUE(fifo.has_value()) << fifo.error().str();
  EXPECT_EQ(fifo->owner_error(), 0);
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_gid, 65533u);
}

TEST(TrackFifoWriter, SymlinkIsRefused) {
  TempDir dir;
  const auto target = dir.file("real.fifo"), link = dir.file("link.fifo");
  ASSERT_EQ(::mkfifo(target.c_str(), 0600), 0);
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_FALSE(FifoWriter::open(link).has_value());
  EXPECT_EQ(::access(target.c_str(), F_OK), 0);  // nothing removed
}

}  // namespace
}  // namespace vigil::track
