// track/fifo_writer.h — a notify FIFO (`vrrp_notify_fifo` / `notify_fifo`, reference §5.6).
//
// Created with mkfifo (mode 0600, then chowned to the configured user/group) when absent, and
// opened O_RDWR | O_NONBLOCK: holding a read end ourselves means the open never blocks or fails
// for want of a reader, and a reader that comes and goes does not turn writes into EPIPE. Lines
// are written whole, in call order (one write() each; lines are shorter than PIPE_BUF, so they
// are atomic). A full pipe drops the line (EAGAIN), counted in dropped() — vigil never blocks on a
// slow reader.
//
//   auto fifo = FifoWriter::open("/run/keepalived.fifo", owner);
//   fifo->write(fifo_line(NotifyKind::instance, "VI_1", NotifyState::master, 100));
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/fd.h"
#include "net/result.h"

namespace vigil::track {

struct FifoOwner {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

class FifoWriter {
 public:
  static net::Result<FifoWriter> open(const std::string& path, FifoOwner owner = {});

  // False if the line was dropped (pipe full, or another write error).
  bool write(std::string_view line);

  const std::string& path() const { return path_; }
  std::uint64_t written() const { return written_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  FifoWriter(std::string path, net::Fd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  net::Fd fd_;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace vigil::track
