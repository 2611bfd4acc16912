#include "net/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace vigil::net {
namespace {

std::string full_path(std::string_view path) { return "/proc/sys/" + std::string(path); }

Result<std::string> read_fd(int fd, std::string_view path) {
  char buf[256];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  if (n < 0) return errno_error("read " + full_path(path));
  std::string v(buf, static_cast<std::size_t>(n));
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  return v;
}

Status write_fd(int fd, std::string_view path, std::string_view value) {
  ssize_t n = ::pwrite(fd, value.data(), value.size(), 0);
  if (n < 0) return errno_error("write " + full_path(path) + " = " + std::string(value));
  return {};
}

}  // namespace

Result<std::string> sysctl_read(std::string_view path) {
  Fd fd{::open(full_path(path).c_str(), O_RDONLY | O_CLOEXEC)};
  if (!fd) return errno_error("open " + full_path(path));
  return read_fd(fd.get(), path);
}

Status sysctl_write(std::string_view path, std::string_view value) {
  Fd fd{::open(full_path(path).c_str(), O_WRONLY | O_CLOEXEC)};
  if (!fd) return errno_error("open " + full_path(path));
  return write_fd(fd.get(), path, value);
}

Result<bool> ipv6_forwarding(const std::string& ifname) {
  auto v = sysctl_read("net/ipv6/conf/" + ifname + "/forwarding");
  if (!v) return v.error();
  return *v != "0";
}

SysctlGuard& SysctlGuard::operator=(SysctlGuard&& other) noexcept {
  if (this != &other) {
    restore();
    saved_ = std::move(other.saved_);
    other.saved_.clear();
  }
  return *this;
}

Status SysctlGuard::set(std::string_view path, std::string_view value) {
  for (auto& s : saved_) {
    if (s.path == path) return write_fd(s.fd.get(), path, value);
  }
  Fd fd{::open(full_path(path).c_str(), O_RDWR | O_CLOEXEC)};
  if (!fd) return errno_error("open " + full_path(path));
  auto old = read_fd(fd.get(), path);
  if (!old) return old.error();
  if (auto st = write_fd(fd.get(), path, value); !st) return st;
  saved_.push_back({std::string(path), std::move(*old), std::move(fd)});
  return {};
}

void SysctlGuard::restore() {
  while (!saved_.empty()) {
    Saved& s = saved_.back();
    (void)write_fd(s.fd.get(), s.path, s.old_value);
    saved_.pop_back();
  }
}

}  // namespace vigil::net
