// track/fifo_writer.cc — mkfifo + non-blocking writes.
#include "track/fifo_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace vigil::track {

net::Result<FifoWriter> FifoWriter::open(const std::string& path, FifoOwner owner) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return net::errno_error("stat(" + path + ")");
    if (::mkfifo(path.c_str(), S_IRUSR | S_IWUSR) != 0 && errno != EEXIST) {
      return net::errno_error("mkfifo(" + path + ")");
    }
    if (owner.uid || owner.gid) {
      if (::chown(path.c_str(), owner.uid.value_or(static_cast<uid_t>(-1)),
                  owner.gid.value_or(static_cast<gid_t>(-1))) != 0) {
        return net::errno_error("chown(" + path + ")");
      }
    }
  } else if (!S_ISFIFO(st.st_mode)) {
    return net::Error{EEXIST, path + " exists and is not a FIFO"};
  }
  net::Fd fd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return net::errno_error("open(" + path + ")");
  return FifoWriter(path, std::move(fd));
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
