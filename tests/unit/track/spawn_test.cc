// The spawner on its own, in both modes: many children, exec failures, scripts without #!.
#include "track/spawn.h"

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
