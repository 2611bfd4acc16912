// Tests for daemon/child_link.h: the parent ↔ VRRP child messages (real socketpair, real memfd).
#include "daemon/child_link.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace vigil::daemon {
namespace {

TEST(ChildLink, ReportRoundTrip) {
  ChildReport r;
  r.usable = true;
  r.has_instances = true;
  r.settings.net_namespace = "ns1";
  r.settings.instance = "blue";
  r.settings.use_pid_dir = true;
  r.settings.state_dump_file = "/tmp/state.txt";
  r.settings.stats_dump_file = "";
  r.settings.json_dump_file = "/var/dumps/";
  r.settings.data_use_instance = true;
  r.settings.reload_check_config = true;
  r.settings.reload_check_log = "/tmp/check.log";
  r.router_id = "lb1";
  r.child_wait_time = std::chrono::milliseconds(1500);
  const auto back = decode_report(encode_report(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->usable);
  EXPECT_TRUE(back->has_instances);
  EXPECT_EQ(back->settings.net_namespace, "ns1");
  EXPECT_EQ(back->settings.instance, "blue");
  EXPECT_TRUE(back->settings.use_pid_dir);
  EXPECT_EQ(back->settings.state_dump_file, "/tmp/state.txt");
  EXPECT_EQ(back->settings.stats_dump_file, "");
  EXPECT_EQ(back->settings.json_dump_file, "/var/dumps/");
  EXPECT_TRUE(back->settings.data_use_instance);
  EXPECT_TRUE(back->settings.reload_check_config);
  EXPECT_EQ(back->settings.reload_check_log, "/tmp/check.log");
  EXPECT_EQ(back->router_id, "lb1");
  EXPECT_EQ(back->child_wait_time.count(), 1500);

  const auto defaults = decode_report(encode_report(ChildReport{}));
  ASSERT_TRUE(defaults.has_value());
  EXPECT_FALSE(defaults->usable);
  EXPECT_FALSE(defaults->settings.reload_check_config);
  EXPECT_EQ(defaults->child_wait_time.count(), 5000);
}

TEST(ChildLink, MalformedReportsAreRefused) {
  std::string good = encode_report(ChildReport{});
  EXPECT_FALSE(decode_report("").has_value());
  EXPECT_FALSE(decode_report(good.substr(0, good.size() - 1)).has_value());  // last NUL missing
  EXPECT_FALSE(decode_report(good + "extra").has_value());
  EXPECT_FALSE(decode_report(good + std::string("x\0", 2)).has_value());  // one field too many
  std::string bad_wait = good;
  bad_wait.replace(bad_wait.size() - 5, 4, "5x00");  // child_wait_time "5000" → not a number
  EXPECT_FALSE(decode_report(bad_wait).has_value());
}

TEST(ChildLink, MessagesCarryKindPidPayloadAndOneDescriptor) {
  int fds[2];
  ASSERT_TRUE(make_link(fds));
  LinkMessage m;
  EXPECT_EQ(receive_message(fds[0], m, false), Received::none);  // non-blocking, nothing there

  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  ASSERT_TRUE(send_message(fds[1], kReportSettings, "payload", pipe_fds[1]));
  ASSERT_TRUE(send_message(fds[1], kReportLoaded));
  ASSERT_EQ(receive_message(fds[0], m, false), Received::message);
  EXPECT_EQ(m.kind, kReportSettings);
  EXPECT_EQ(m.pid, ::getpid());
  EXPECT_EQ(m.payload, "payload");
  ASSERT_GE(m.fd, 0);
  EXPECT_NE(m.fd, pipe_fds[1]);
  EXPECT_EQ(::fcntl(m.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  // The descriptor is the pipe's write end: what goes in comes out of the pipe we kept.
  ASSERT_EQ(::write(m.fd, "x", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(pipe_fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  ::close(m.fd);

  ASSERT_EQ(receive_message(fds[0], m, true), Received::message);  // one is there: no wait
  EXPECT_EQ(m.kind, kReportLoaded);
  EXPECT_TRUE(m.payload.empty());
  EXPECT_EQ(m.fd, -1);

  ::close(fds[1]);
  EXPECT_EQ(receive_message(fds[0], m, true), Received::closed);
  for (int fd : {fds[0], pipe_fds[0], pipe_fds[1]}) ::close(fd);
}

TEST(ChildLink, SnapshotMemfdIsSealedAndReadsBack) {
  FileTexts files{{"/etc/keepalived/keepalived.conf", "include /etc/keepalived/a.conf\n"},
                  {"/etc/keepalived/a.conf", std::string("with\0nul\nand lines\n", 19)},
                  {"/etc/keepalived/empty.conf", ""}};
  const int fd = snapshot_to_memfd(files);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::fcntl(fd, F_GET_SEALS) & F_SEAL_WRITE, F_SEAL_WRITE);
  EXPECT_LT(::write(fd, "x", 1), 0);  // sealed: nobody changes what was checked
  const auto back = snapshot_from_fd(fd);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, files);
  ::close(fd);

  EXPECT_FALSE(snapshot_from_fd(-1).has_value());
  const int empty = snapshot_to_memfd({});
  ASSERT_GE(empty, 0);
  ASSERT_TRUE(snapshot_from_fd(empty).has_value());
  EXPECT_TRUE(snapshot_from_fd(empty)->empty());
  ::close(empty);
}

}  // namespace
}  // namespace vigil::daemon
