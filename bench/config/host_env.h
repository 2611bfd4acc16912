// bench/config/host_env.h — Environment callbacks answered by this host (interfaces by
// if_nametoindex, scripts by PATH search + access(X_OK), users by getpwnam). For tools and
// tests; src/config itself stays pure.
#pragma once

#include <net/if.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "config/rules.h"

namespace vigil::config {

inline bool host_script_usable(std::string_view cmd) {
  std::string c(cmd);
  if (c.empty()) return false;
  if (c.find('/') != std::string::npos) return access(c.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string cand = p.substr(start, end - start) + "/" + c;
    if (access(cand.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

inline Environment host_environment() {
  Environment env;
  // Memoized: a large config names the same few interfaces thousands of times.
  auto cache = std::make_shared<std::map<std::string, bool, std::less<>>>();
  env.interface_exists = [cache](std::string_view n) {
    if (auto it = cache->find(n); it != cache->end()) return it->second;
    bool ok = if_nametoindex(std::string(n).c_str()) != 0;
    cache->emplace(std::string(n), ok);
    return ok;
  };
  env.script_usable = host_script_usable;
  env.user_exists = [](std::string_view u) { return getpwnam(std::string(u).c_str()) != nullptr; };
  return env;
}

}  // namespace vigil::config
