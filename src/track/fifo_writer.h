// track/fifo_writer.h — a notify FIFO (`vrrp_notify_fifo` / `notify_fifo`, reference §5.6).
//
// As keepalived does: created with mkfifo when absent, mode 0644 (less the umask), and then — only
// when we created it — given to the configured owner (the FIFO's `user [group]`, else the default
// script user), changing just the ids that differ from ours; a failed chown is reported
// (owner_error()) but the FIFO is used anyway. Opened O_RDWR | O_NONBLOCK | O_NOFOLLOW (a symlink
// is refused): holding a read end ourselves means the open never blocks or fails for want of a
// reader, and a reader that comes and goes does not turn writes into EPIPE. A FIFO we created is
// removed when the writer goes (reload with other FIFO settings, exit) or when its open fails;
// one that existed before is left alone. Lines are written whole, in call order (one write()
// each; lines are shorter than PIPE_BUF, so they are atomic). A full pipe drops the line
// (EAGAIN), counted in dropped() — vigil never blocks on a slow reader.
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
  ~FifoWriter();
  FifoWriter(FifoWriter&& o) noexcept;
  FifoWriter& operator=(FifoWriter&& o) noexcept;
  FifoWriter(const FifoWriter&) = delete;
  FifoWriter& operator=(const FifoWriter&) = delete;

  // False if the line was dropped (pipe full, or another write error).
  bool write(std::string_view line);

  const std::string& path() const { return path_; }
  bool created() const { return created_; }
  int owner_error() const { return owner_error_; }  // errno of the failed chown, or 0
  std::uint64_t written() const { return written_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  FifoWriter(std::string path, net::Fd fd, bool created, int owner_error)
      : path_(std::move(path)), fd_(std::move(fd)), created_(created), owner_error_(owner_error) {}
  std::string path_;
  net::Fd fd_;
  bool created_ = false;  // ours to remove
  int owner_error_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace vigil::track
