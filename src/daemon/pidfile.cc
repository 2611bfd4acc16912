#include "daemon/pidfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <utility>

namespace vigil::daemon {

namespace {

PidfileError io_error(std::string_view what, const std::string& path, int err) {
  return {PidfileError::Kind::io, err,
          fmt::format("{} pid file {} - {} ({})", what, path, std::strerror(err), err)};
}

// Open (creating 0644) and take the OFD write lock. Returns the fd.
Result<int, PidfileError> open_and_lock(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return unexpected(io_error("Unable to open", path, errno));
  // The umask may have narrowed the mode; pidfiles are world-readable like keepalived's.
  (void)::fchmod(fd, 0644);
  struct flock lk {};
  lk.l_type = F_WRLCK;
  lk.l_whence = SEEK_SET;
  if (::fcntl(fd, F_OFD_SETLK, &lk) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EAGAIN || err == EACCES) {
      return unexpected(PidfileError{PidfileError::Kind::locked, err,
                                          fmt::format("Another process has pid file {} locked", path)});
    }
    return unexpected(io_error("Unable to lock", path, err));
  }
  return fd;
}

}  // namespace

Result<Pidfile, PidfileError> Pidfile::acquire(std::string path) {
  auto fd = open_and_lock(path);
  if (!fd) return unexpected(fd.error());
  if (::ftruncate(*fd, 0) != 0) {
    const int err = errno;
    ::close(*fd);
    return unexpected(io_error("Unable to truncate", path, err));
  }
  return Pidfile(std::move(path), *fd);
}

Pidfile::Pidfile(Pidfile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

Pidfile& Pidfile::operator=(Pidfile&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Pidfile::~Pidfile() { remove(); }

bool Pidfile::path_is_ours() const {
  struct stat by_path {}, by_fd {};
  if (fd_ < 0 || ::lstat(path_.c_str(), &by_path) != 0 || ::fstat(fd_, &by_fd) != 0) return false;
  return by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino;
}

Result<void, PidfileError> Pidfile::write_pid(pid_t pid) {
  if (!path_is_ours()) {
    auto fd = open_and_lock(path_);
    if (!fd) return unexpected(fd.error());
    if (fd_ >= 0) ::close(fd_);
    fd_ = *fd;
  }
  const std::string text = fmt::format("{}\n", pid);
  if (::ftruncate(fd_, 0) != 0) return unexpected(io_error("Unable to truncate", path_, errno));
  const ssize_t n = ::pwrite(fd_, text.data(), text.size(), 0);
  if (n != static_cast<ssize_t>(text.size())) {
    return unexpected(io_error("Unable to write", path_, n < 0 ? errno : EIO));
  }
  return {};
}

void Pidfile::clear() {
  if (fd_ >= 0 && path_is_ours()) (void)::ftruncate(fd_, 0);
}

void Pidfile::remove() {
  if (fd_ < 0) return;
  if (path_is_ours()) ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

void Pidfile::abandon() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<pid_t, int> read_pidfile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unexpected(errno);
  char buf[32];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return unexpected(ENODATA);
  buf[n] = '\0';
  char* end = nullptr;
  const long v = std::strtol(buf, &end, 10);
  if (end == buf || (*end != '\n' && *end != '\0') || v <= 0) return unexpected(EINVAL);
  return static_cast<pid_t>(v);
}

}  // namespace vigil::daemon
