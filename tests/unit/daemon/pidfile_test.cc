// Tests for daemon/pidfile.h: lock semantics across processes.
#include "daemon/pidfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace vigil::daemon {
namespace {

class DaemonPidfile : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(mkdtemp(dir_), nullptr);
    path_ = std::string(dir_) + "/test.pid";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_);
  }
  char dir_[32] = "/tmp/vigil-pidtest-XXXXXX";
  std::string path_;
};

TEST_F(DaemonPidfile, WritesPidMode0644AndRemovesOnDestruction) {
  {
    auto pf = Pidfile::acquire(path_);
    ASSERT_TRUE(pf.has_value()) << pf.error().message;
    ASSERT_TRUE(pf->write_pid(getpid()).has_value());
    struct stat st {};
    ASSERT_EQ(stat(path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    auto pid = read_pidfile(path_);
    ASSERT_TRUE(pid.has_value());
    EXPECT_EQ(*pid, getpid());
  }
  EXPECT_NE(access(path_.c_str(), F_OK), 0);
}

// Another process holding the lock → "already running", whatever the file says.
TEST_F(DaemonPidfile, SecondProcessIsRefusedWhileFirstHoldsLock) {
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto pf = Pidfile::acquire(path_);
    if (!pf || !pf->write_pid(getpid())) _exit(3);
    char c = 'r';
    (void)!write(ready[1], &c, 1);
    (void)!read(release[0], &c, 1);  // hold until told
    pf->remove();
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);  // the holder has the lock

  auto second = Pidfile::acquire(path_);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().kind, PidfileError::Kind::locked);
  EXPECT_EQ(second.error().message, "Another process has pid file " + path_ + " locked");
  // The failed attempt must not have clobbered the holder's pid.
  EXPECT_EQ(read_pidfile(path_).value_or(-1), child);

  ASSERT_EQ(write(release[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  auto third = Pidfile::acquire(path_);  // holder gone: lock free
  EXPECT_TRUE(third.has_value());
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
}

TEST_F(DaemonPidfile, StaleFileDoesNotBlock) {
  FILE* f = fopen(path_.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("999999\n", f);
  fclose(f);
  auto pf = Pidfile::acquire(path_);
  ASSERT_TRUE(pf.has_value());
  ASSERT_TRUE(pf->write_pid(1234).has_value());
  EXPECT_EQ(read_pidfile(path_).value_or(-1), 1234);
}

// The lock follows the open file description: a forked child keeps it after the parent closes.
TEST_F(DaemonPidfile, LockInheritedAcrossFork) {
  auto pf = Pidfile::acquire(path_);
  ASSERT_TRUE(pf.has_value());
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (!pf->write_pid(getpid())) _exit(3);
    char c = 'r';
    (void)!write(ready[1], &c, 1);
    (void)!read(release[0], &c, 1);
    pf->abandon();
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  pf->abandon();  // the parent lets go of its fd; the child's keeps the description (and lock)
  auto other = Pidfile::acquire(path_);
  EXPECT_FALSE(other.has_value());
  EXPECT_EQ(read_pidfile(path_).value_or(-1), child);
  ASSERT_EQ(write(release[1], "x", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(Pidfile::acquire(path_).has_value());
  for (int fd : {ready[0], ready[1], release[0], release[1]}) close(fd);
}

TEST_F(DaemonPidfile, WritePidRecreatesDeletedFile) {
  auto pf = Pidfile::acquire(path_);
  ASSERT_TRUE(pf.has_value());
  ASSERT_EQ(unlink(path_.c_str()), 0);
  ASSERT_TRUE(pf->write_pid(77).has_value());
  EXPECT_EQ(read_pidfile(path_).value_or(-1), 77);
  EXPECT_FALSE(Pidfile::acquire(path_).has_value());  // and it is locked again
}

TEST_F(DaemonPidfile, RefusesSymlink) {
  const std::string target = std::string(dir_) + "/target";
  ASSERT_EQ(symlink(target.c_str(), path_.c_str()), 0);
  auto pf = Pidfile::acquire(path_);
  ASSERT_FALSE(pf.has_value());
  EXPECT_EQ(pf.error().kind, PidfileError::Kind::io);
  EXPECT_EQ(pf.error().err, ELOOP);
}

}  // namespace
}  // namespace vigil::daemon
