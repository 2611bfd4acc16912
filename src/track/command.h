// track/command.h — turning a configured script line into an argv, the way keepalived does.
//
// keepalived does not hand `script "/usr/bin/chk --port 80"` to /bin/sh: it splits the line into
// words itself (quotes group words) and execs the first word directly, searching PATH when the
// name has no '/'. vigil does the same, so quoting and PATH behave identically.
//
//   auto words = split_command("chk_port 'two words' a'b'c");      // {chk_port, two words, abc}
//   auto path = find_executable(words->front(), getenv("PATH"));     // "/usr/local/bin/chk_port"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/result.h"

namespace vigil::track {

// config::split_command (config/lex_command.h: keepalived 2.2.7's escape pass, then words with
// '…'/"…" grouping; an unterminated quote runs to the end). Error: no word at all.
net::Result<std::vector<std::string>> split_command(std::string_view line);

// The file exec would run for `name`: itself when it contains '/', otherwise the first PATH entry
// holding an executable regular file of that name. nullopt when there is none. `path_env` is the
// PATH value (nullptr → "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").
std::optional<std::string> find_executable(std::string_view name, const char* path_env);

// keepalived's warning when a command name was found through PATH:
//   WARNING - script `true` resolved by path search to `/usr/bin/true`. Please specify full path.
std::string path_search_warning(std::string_view name, std::string_view resolved);

// The command line shown in logs: the words joined by single spaces.
std::string join_words(const std::vector<std::string>& words);

}  // namespace vigil::track
