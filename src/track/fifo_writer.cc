// track/fifo_writer.cc — mkfifo + non-blocking writes.
#include "track/fifo_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace vigil::track {

net::Result<FifoWriter> FifoWriter::open(const std::string& path, FifoOwner owner) {
  bool created = false;
  int owner_error = 0;
  if (::mkfifo(path.c_str(), S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH) == 0) {
    created = true;
    const uid_t uid = owner.uid && *owner.uid != ::geteuid() ? *owner.uid : static_cast<uid_t>(-1);
    const gid_t gid = owner.gid && *owner.gid != ::getegid() ? *owner.gid : static_cast<gid_t>(-1);
    if ((uid != static_cast<uid_t>(-1) || gid != static_cast<gid_t>(-1)) &&
        ::chown(path.c_str(), uid, gid) != 0) {
      owner_error = errno;
    }
  } else if (errno != EEXIST) {
    return net::errno_error("mkfifo(" + path + ")");
  } else if (struct stat st {}; ::lstat(path.c_str(), &st) == 0 && !S_ISFIFO(st.st_mode)) {
    return net::Error{EEXIST, path + " exists and is not a FIFO"};  // a symlink neither
  }
  net::Fd fd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    auto err = net::errno_error("open(" + path + ")");
    if (created) ::unlink(path.c_str());
    return err;
  }
  return FifoWriter(path, std::move(fd), created, owner_error);
}

FifoWriter::~FifoWriter() {
  // Unlinked first, so a reader that reopens the path when we close cannot get this one back.
  if (created_) ::unlink(path_.c_str());
}

FifoWriter::FifoWriter(FifoWriter&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(std::move(o.fd_)),
      created_(std::exchange(o.created_, false)),
      owner_error_(o.owner_error_),
      written_(o.written_),
      dropped_(o.dropped_) {}

FifoWriter& FifoWriter::operator=(FifoWriter&& o) noexcept {
  if (this == &o) return *this;
  if (created_) ::unlink(path_.c_str());
  path_ = std::move(o.path_);
  fd_ = std::move(o.fd_);
  created_ = std::exchange(o.created_, false);
  written_ = o.written_;
  dropped_ = o.dropped_;
  owner_error_ = o.owner_error_;
  return *this;
}

bool FifoWriter::write(std::string_view line) {
  ssize_t n;
  do {
    n = ::write(fd_.get(), line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(line.size())) {
    ++dropped_;
    return false;
  }
  ++written_;
  return true;
}

}  // namespace vigil::track
