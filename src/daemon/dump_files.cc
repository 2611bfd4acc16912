#include "daemon/dump_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace vigil::daemon {

std::string dump_directory(const char* tmpdir_env) {
  if (tmpdir_env != nullptr && tmpdir_env[0] == '/') {
    struct stat st {};
    if (::stat(tmpdir_env, &st) == 0 && S_ISDIR(st.st_mode)) return tmpdir_env;
  }
  return "/tmp";
}

DumpPaths dump_paths(const char* tmpdir_env) {
  std::string dir = dump_directory(tmpdir_env);
  if (!dir.ends_with('/')) dir += '/';
  return {dir + "keepalived.data", dir + "keepalived_parent.data", dir + "keepalived.stats",
          dir + "keepalived.json"};
}

int write_file_atomically(const std::string& path, std::string_view content) {
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkostemp(tmp.data(), O_CLOEXEC);  // created 0600
  if (fd < 0) return errno;
  int err = 0;
  std::string_view rest = content;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) ::unlink(tmp.c_str());
  return err;
}

}  // namespace vigil::daemon
