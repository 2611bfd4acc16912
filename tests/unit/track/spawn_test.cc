// The spawner on its own, in both modes: many children, exec failures, scripts without #!.
#include "track/spawn.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <vector>

#include "helpers.h"

namespace vigil::track {
namespace {

class TrackSpawn : public ::testing::TestWithParam<SpawnMode> {};

int wait_status(pid_t pid) {
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  return status;
}

TEST_P(TrackSpawn, ManyChildrenAllRunAndExitZero) {
  Spawner spawner(GetParam());
  const auto cmd = SpawnCommand::make("/bin/true", {"true"});
  // More than the 512 concurrent stacks, back to back: any overflow takes the blocking path.
  std::vector<pid_t> pids;
  for (int i = 0; i < 700; ++i) {
    auto pid = spawner.spawn(cmd, Credentials{});
    ASSERT_TRUE(pid.has_value()) << pid.error().str();
    pids.push_back(*pid);
  }
  for (pid_t p : pids) {
    const int st = wait_status(p);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  EXPECT_EQ(spawner.in_flight(), 0u);  // every child has exec'd and exited
}

// Children share our fd table until they unshare it (CLONE_FILES): their /dev/null on 0-2 and
// their close_range must never reach ours.
TEST_P(TrackSpawn, ChildrenLeaveOurFdsAlone) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  struct stat before[3];
  for (int fd = 0; fd <= 2; ++fd) ASSERT_EQ(::fstat(fd, &before[fd]), 0);
  Spawner spawner(GetParam());
  const auto cmd = SpawnCommand::make("/bin/true", {"true"});
  std::vector<pid_t> pids;
  for (int i = 0; i < 50; ++i) {
    auto pid = spawner.spawn(cmd, Credentials{});
    ASSERT_TRUE(pid.has_value()) << pid.error().str();
    pids.push_back(*pid);
  }
  for (pid_t pid : pids) wait_status(pid);
  for (int fd = 0; fd <= 2; ++fd) {
    struct stat now;
    ASSERT_EQ(::fstat(fd, &now), 0);
    EXPECT_EQ(now.st_ino, before[fd].st_ino) << "fd " << fd;
    EXPECT_EQ(now.st_dev, before[fd].st_dev) << "fd " << fd;
  }
  EXPECT_EQ(::write(p[1], "x", 1), 1);  // our pipe is still open at both ends
  char c = 0;
  EXPECT_EQ(::read(p[0], &c, 1), 1);
  ::close(p[0]);
  ::close(p[1]);
}

TEST_P(TrackSpawn, ExecFailureExits127) {
  Spawner spawner(GetParam());
  auto pid = spawner.spawn(SpawnCommand::make("/nonexistent/vigil", {"x"}), Credentials{});
  ASSERT_TRUE(pid.has_value());
  const int st = wait_status(*pid);
  EXPECT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 127);
  if (GetParam() == SpawnMode::blocking) {
    EXPECT_EQ(spawner.last_exec_errno(), ENOENT);
  }
}

TEST_P(TrackSpawn, ScriptWithoutShebangRunsUnderSh) {
  testing::TempDir dir;
  const auto script = dir.file("noshebang");
  const auto out = dir.file("out");
  {
    std::FILE* f = std::fopen(script.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f, "echo \"$0 $1 $2\" > %s\nexit 3\n", out.c_str());
    std::fclose(f);
  }
  ASSERT_EQ(::chmod(script.c_str(), 0755), 0);
  Spawner spawner(GetParam());
  auto pid = spawner.spawn(SpawnCommand::make(script, {"noshebang", "a", "b c"}), Credentials{});
  ASSERT_TRUE(pid.has_value());
  const int st = wait_status(*pid);
  EXPECT_EQ(WEXITSTATUS(st), 3);
  EXPECT_EQ(testing::read_file(out), script + " a b c\n");
}

INSTANTIATE_TEST_SUITE_P(Modes, TrackSpawn,
                         ::testing::Values(SpawnMode::concurrent, SpawnMode::blocking),
                         [](const ::testing::TestParamInfo<SpawnMode>& p) {
                           return p.param == SpawnMode::concurrent ? std::string("concurrent")
                                                                   : std::string("blocking");
                         });

}  // namespace
}  // namespace vigil::track
