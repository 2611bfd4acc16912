// track/script_security.cc — ownership/permission walk of a script's path.
#include "track/script_security.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <cstdlib>

#include <fmt/format.h>

namespace vigil::track {

namespace {

// True when someone other than root may modify `st` (the entry itself, or — for a directory —
// what it contains). `next_root_owned`: the next component of the path inside this directory is
// root-owned, which makes a sticky world-writable directory safe.
bool writable_by_non_root(const struct stat& st, bool next_root_owned) {
  if (st.st_uid != 0) return true;
  if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0) return true;
  if ((st.st_mode & S_IWOTH) != 0) {
    const bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0;
    return !(sticky_dir && next_root_owned);
  }
  return false;
}

}  // namespace

ScriptCheck check_script_file(const std::string& path, uid_t run_uid) {
  using K = ScriptCheck::Kind;
  char real[PATH_MAX];
  if (::realpath(path.c_str(), real) == nullptr) return {K::not_found, errno};
  struct stat file {};
  if (::stat(real, &file) != 0) return {K::not_found, errno};
  if (!S_ISREG(file.st_mode)) return {K::not_found, EACCES};
  if (::access(real, X_OK) != 0) return {K::not_found, errno};
  if (run_uid != 0) return {};
  if (writable_by_non_root(file, false)) return {K::unsafe};
  // Walk the directories from the file upwards to "/".
  std::string dir(real);
  bool child_root_owned = file.st_uid == 0;
  while (dir.size() > 1) {
    const std::size_t slash = dir.rfind('/');
    dir.resize(slash == 0 ? 1 : slash);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return {K::not_found, errno};
    if (writable_by_non_root(st, child_root_owned)) return {K::unsafe};
    child_root_owned = st.st_uid == 0;
  }
  return {};
}

Vetting vet_notify_script(const std::string& path, ScriptCheck check, bool security_enabled) {
  Vetting v;
  switch (check.kind) {
    case ScriptCheck::Kind::ok:
      break;
    case ScriptCheck::Kind::not_found:
      v.disable = true;
      v.log.push_back(
          fmt::format("Script {} cannot be accessed - {}", path, std::strerror(check.error)));
      break;
    case ScriptCheck::Kind::unsafe:
      v.unsafe = true;
      v.disable = security_enabled;
      v.log.push_back(fmt::format("Unsafe permissions found for script '{}'{}", path,
                                  security_enabled ? " - disabling." : "."));
      break;
  }
  return v;
}

Vetting vet_track_script(std::string_view name, const std::string& path, ScriptCheck check,
                         bool security_enabled) {
  Vetting v = vet_notify_script(path, check, security_enabled);
  if (!v.disable) return v;
  v.log.push_back(check.kind == ScriptCheck::Kind::unsafe
                      ? fmt::format("Disabling track script {} due to insecure", name)
                      : fmt::format("Disabling track script {} since not found/accessible", name));
  return v;
}

}  // namespace vigil::track
