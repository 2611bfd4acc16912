// track/command.cc — word splitting and PATH search for script commands.
#include "track/command.h"

#include <sys/stat.h>
#include <unistd.h>

#include "config/lex_command.h"

namespace vigil::track {

net::Result<std::vector<std::string>> split_command(std::string_view line) {
  std::vector<std::string> words = config::split_command(line);
  if (words.empty()) return net::Error{0, "empty command"};
  return words;
}

namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::string> find_executable(std::string_view name, const char* path_env) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) return std::string(name);
  std::string_view path = path_env != nullptr ? path_env
                                              : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  while (true) {
    const std::size_t colon = path.find(':');
    std::string_view dir = path.substr(0, colon);
    std::string candidate(dir.empty() ? "." : dir);
    candidate += '/';
    candidate += name;
    if (is_executable_file(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

std::string path_search_warning(std::string_view name, std::string_view resolved) {
  std::string s = "WARNING - script `";
  s.append(name).append("` resolved by path search to `").append(resolved);
  s += "`. Please specify full path.";
  return s;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace vigil::track
