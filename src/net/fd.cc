#include "net/fd.h"

#include <unistd.h>

namespace vigil::net {

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);  // close errors are not actionable: the fd is gone either way
  fd_ = fd;
}

}  // namespace vigil::net
