// FIFO lines and generic notify arguments in keepalived's exact format (reference §5.5, §5.6).
#include "track/notify_format.h"

#include <gtest/gtest.h>

namespace vigil::track {
namespace {

TEST(TrackNotifyFormat, FifoLines) {
  EXPECT_EQ(fifo_line(NotifyKind::instance, "VI_1", NotifyState::master, 100),
            "INSTANCE \"VI_1\" MASTER 100\n");
  EXPECT_EQ(fifo_line(NotifyKind::group, "G1", NotifyState::backup, 0), "GROUP \"G1\" BACKUP 0\n");
  EXPECT_EQ(fifo_line(NotifyKind::instance, "VI_1", NotifyState::stop, 105),
            "INSTANCE \"VI_1\" STOP 105\n");
  EXPECT_EQ(fifo_line(NotifyKind::instance, "v", NotifyState::master_rx_lower_pri, 50),
            "INSTANCE \"v\" MASTER_RX_LOWER_PRI 50\n");
  EXPECT_EQ(fifo_line(NotifyKind::instance, "v", NotifyState::backup_priority, 90),
            "INSTANCE \"v\" BACKUP_PRIORITY 90\n");
  EXPECT_EQ(to_string(NotifyState::master_priority), "MASTER_PRIORITY");
  EXPECT_EQ(to_string(NotifyState::fault), "FAULT");
  EXPECT_EQ(to_string(NotifyState::deleted), "DELETED");
}

TEST(TrackNotifyFormat, GenericArgsAppendTypeNameStatePriority) {
  EXPECT_EQ(generic_notify_argv({"/n.sh", "x"}, NotifyKind::instance, "VI_1", NotifyState::fault,
                                100),
            (std::vector<std::string>{"/n.sh", "x", "INSTANCE", "VI_1", "FAULT", "100"}));
  // Groups always report priority 0.
  EXPECT_EQ(generic_notify_argv({"/n.sh"}, NotifyKind::group, "G", NotifyState::master, 100),
            (std::vector<std::string>{"/n.sh", "GROUP", "G", "MASTER", "0"}));
}

}  // namespace
}  // namespace vigil::track
