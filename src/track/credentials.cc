// track/credentials.cc — user/group lookup for script execution.
#include "track/credentials.h"

#include <grp.h>
#include <pwd.h>

#include <cerrno>
#include <charconv>

namespace vigil::track {

namespace {

template <class T>
bool parse_id(std::string_view s, T& out) {
  unsigned long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return false;
  out = static_cast<T>(v);
  return true;
}

}  // namespace

net::Result<Credentials> resolve_credentials(std::string_view user, std::string_view group,
                                        bool supplementary) {
  Credentials c;
  c.change = true;
  c.user = std::string(user);
  const std::string uname(user);
  passwd pw{};
  passwd* found = nullptr;
  char buf[4096];
  std::string login;  // the passwd name, for the supplementary group list
  if (::getpwnam_r(uname.c_str(), &pw, buf, sizeof buf, &found) == 0 && found != nullptr) {
    c.uid = pw.pw_uid;
    c.gid = pw.pw_gid;
    login = pw.pw_name;
  } else if (parse_id(user, c.uid)) {
    found = nullptr;
    if (::getpwuid_r(c.uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr) {
      c.gid = pw.pw_gid;
      login = pw.pw_name;
    } else if (group.empty()) {
      return net::Error{0, "user " + uname + " has no group and none was given"};
    }
  } else {
    return net::Error{0, "unknown user " + uname};
  }
  if (!group.empty()) {
    const std::string gname(group);
    ::group gr{};
    ::group* gfound = nullptr;
    char gbuf[4096];
    if (::getgrnam_r(gname.c_str(), &gr, gbuf, sizeof gbuf, &gfound) == 0 && gfound != nullptr) {
      c.gid = gr.gr_gid;
    } else if (!parse_id(group, c.gid)) {
      return net::Error{0, "unknown group " + gname};
    }
  }
  c.groups = {c.gid};
  if (supplementary && !login.empty()) {
    int n = 32;
    std::vector<gid_t> gs(static_cast<std::size_t>(n));
    while (::getgrouplist(login.c_str(), c.gid, gs.data(), &n) < 0) {
      gs.resize(static_cast<std::size_t>(n));
    }
    gs.resize(static_cast<std::size_t>(n));
    c.groups = std::move(gs);
  }
  return c;
}

}  // namespace vigil::track
