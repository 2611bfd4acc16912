// daemon/nss_getent.cc — the user and group lookups of a static vigild (VIGIL_STATIC,
// src/daemon/CMakeLists.txt): getpwnam, getpwnam_r, getpwuid_r, getgrnam_r and getgrouplist,
// defined here so the static link takes these instead of libc.a's.
//
// A static glibc answers them by dlopen'ing the NSS modules nsswitch.conf names into the static
// process — libnss_systemd.so (Debian's `passwd: files systemd`) crashes there, and any module
// must come from the exact glibc vigild was linked with. Here each lookup runs getent(1) (libc-bin,
// Essential on Debian): the same NSS sources, the same answers keepalived gets from its getpwnam,
// in a dynamic process of their own. A lookup costs a fork/exec (~1 ms); vigild makes them only
// when it loads a configuration that runs scripts (script_user, a script's `user`).
//
// getent's keys are looked up as numbers when they are numeric, where getpwnam would look for a
// user of that name: a name lookup only accepts an entry of that name, so a numeric user falls
// through to the caller's uid path (track/credentials.cc) as with libc when no user has that
// name.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace {

constexpr const char* kGetent = "/usr/bin/getent";

enum class Found { yes, no, error };

// Runs `getent DB -- KEY`; its standard output in *out. getent exits 0 when it found the key,
// 2 when not.
Found getent(const char* db, const char* key, std::string* out) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Found::error;
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  ::posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  ::posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const char* argv[] = {"getent", db, "--", key, nullptr};
  pid_t pid = -1;
  const int err = ::posix_spawn(&pid, kGetent, &fa, nullptr, const_cast<char* const*>(argv), environ);
  ::posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (err != 0) {
    ::close(fds[0]);
    return Found::error;
  }
  out->clear();
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      if (out->size() < (1u << 20)) out->append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Found::error;
  }
  if (!WIFEXITED(status)) return Found::error;
  if (WEXITSTATUS(status) == 2) return Found::no;
  return WEXITSTATUS(status) == 0 ? Found::yes : Found::error;
}

// The first line of *text split at ':'.
std::vector<std::string_view> fields_of(const std::string& text) {
  std::string_view line(text);
  line = line.substr(0, line.find('\n'));
  std::vector<std::string_view> f;
  for (std::size_t start = 0;;) {
    const std::size_t colon = line.find(':', start);
    f.push_back(line.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return f;
}

template <class T>
bool number(std::string_view s, T& out) {
  unsigned long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return false;
  out = static_cast<T>(v);
  return true;
}

// Copies strings into the caller's buffer, NUL-terminated; fails (ERANGE) when it is full.
class Arena {
 public:
  Arena(char* buf, std::size_t len) : p_(buf), left_(len) {}
  char* copy(std::string_view s) {
    if (s.size() + 1 > left_) return nullptr;
    char* at = p_;
    std::memcpy(at, s.data(), s.size());
    at[s.size()] = '\0';
    p_ += s.size() + 1;
    left_ -= s.size() + 1;
    return at;
  }
  // Room for n pointers, aligned.
  char** pointers(std::size_t n) {
    const std::size_t pad = (alignof(char*) - reinterpret_cast<std::uintptr_t>(p_) % alignof(char*)) % alignof(char*);
    if (pad + n * sizeof(char*) > left_) return nullptr;
    auto** at = reinterpret_cast<char**>(p_ + pad);
    p_ += pad + n * sizeof(char*);
    left_ -= pad + n * sizeof(char*);
    return at;
  }

 private:
  char* p_;
  std::size_t left_;
};

// name:passwd:uid:gid:gecos:dir:shell
int passwd_lookup(const char* key, std::string_view want_name, passwd* pwd, char* buf, size_t buflen,
                  passwd** result) {
  *result = nullptr;
  std::string text;
  switch (getent("passwd", key, &text)) {
    case Found::no: return 0;
    case Found::error: return EIO;
    case Found::yes: break;
  }
  const auto f = fields_of(text);
  passwd pw{};
  if (f.size() != 7 || !number(f[2], pw.pw_uid) || !number(f[3], pw.pw_gid)) return EIO;
  if (!want_name.empty() && f[0] != want_name) return 0;  // a numeric key found a uid instead
  Arena a(buf, buflen);
  if ((pw.pw_name = a.copy(f[0])) == nullptr || (pw.pw_passwd = a.copy(f[1])) == nullptr ||
      (pw.pw_gecos = a.copy(f[4])) == nullptr || (pw.pw_dir = a.copy(f[5])) == nullptr ||
      (pw.pw_shell = a.copy(f[6])) == nullptr) {
    return ERANGE;
  }
  *pwd = pw;
  *result = pwd;
  return 0;
}

}  // namespace

extern "C" {

int getpwnam_r(const char* name, passwd* pwd, char* buf, size_t buflen, passwd** result) {
  if (name[0] == '\0') {
    *result = nullptr;
    return 0;
  }
  return passwd_lookup(name, name, pwd, buf, buflen, result);
}

int getpwuid_r(uid_t uid, passwd* pwd, char* buf, size_t buflen, passwd** result) {
  const std::string key = std::to_string(uid);
  return passwd_lookup(key.c_str(), {}, pwd, buf, buflen, result);
}

passwd* getpwnam(const char* name) {
  static passwd pw;
  static char buf[4096];
  passwd* result = nullptr;
  const int err = getpwnam_r(name, &pw, buf, sizeof buf, &result);
  if (err != 0) errno = err;
  return result;
}

// name:passwd:gid:member,member,...
int getgrnam_r(const char* name, group* grp, char* buf, size_t buflen, group** result) {
  *result = nullptr;
  if (name[0] == '\0') return 0;
  std::string text;
  switch (getent("group", name, &text)) {
    case Found::no: return 0;
    case Found::error: return EIO;
    case Found::yes: break;
  }
  const auto f = fields_of(text);
  group gr{};
  if (f.size() != 4 || !number(f[2], gr.gr_gid)) return EIO;
  if (f[0] != name) return 0;  // a numeric name found a gid instead
  std::vector<std::string_view> members;
  for (std::size_t start = 0; start < f[3].size();) {
    const std::size_t comma = f[3].find(',', start);
    const std::size_t end = comma == std::string_view::npos ? f[3].size() : comma;
    if (end > start) members.push_back(f[3].substr(start, end - start));
    start = end + 1;
  }
  Arena a(buf, buflen);
  char** mem = a.pointers(members.size() + 1);
  if (mem == nullptr || (gr.gr_name = a.copy(f[0])) == nullptr || (gr.gr_passwd = a.copy(f[1])) == nullptr) {
    return ERANGE;
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    if ((mem[i] = a.copy(members[i])) == nullptr) return ERANGE;
  }
  mem[members.size()] = nullptr;
  gr.gr_mem = mem;
  *grp = gr;
  *result = grp;
  return 0;
}

// `getent initgroups USER` prints USER and the ids of its supplementary groups; the list is
// `group` first, then those (without `group` again), as glibc's.
int getgrouplist(const char* user, gid_t group, gid_t* groups, int* ngroups) {
  std::vector<gid_t> all{group};
  std::string text;
  if (getent("initgroups", user, &text) == Found::yes) {
    std::string_view line(text);
    line = line.substr(0, line.find('\n'));
    std::size_t pos = line.find_first_of(" \t");  // after the user name
    while (pos != std::string_view::npos) {
      const std::size_t start = line.find_first_not_of(" \t", pos);
      if (start == std::string_view::npos) break;
      pos = line.find_first_of(" \t", start);
      gid_t g = 0;
      if (number(line.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start), g) &&
          g != group) {
        all.push_back(g);
      }
    }
  }
  const int have = *ngroups;
  const int n = static_cast<int>(all.size());
  for (int i = 0; i < n && i < have; ++i) groups[i] = all[static_cast<std::size_t>(i)];
  *ngroups = n;
  return n <= have ? n : -1;
}

}  // extern "C"
