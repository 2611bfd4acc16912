// config/preprocess.h — keepalived.conf text → logical lines of tokens.
//
// This is the lexer and preprocessor with keepalived's rules (reference §3.1): `#`/`!` comments,
// `"`/`'` quoting with escapes, `include` and its variants (globs, csh braces, relative to the
// including file), `@ID`/`@^ID` conditional lines, `$NAME=value` definitions and their expansion
// (`$NAME`, `${NAME}`, the predefined `${_PWD}` … `${_BANG}`), and `~SEQ`/`~SEQx`/`~LST` repetition.
//
// Line-level details (lex_line.h): white space includes CR, a `"` inside a word starts a new
// token (`x"y z"w` → x, `y z`, w), `;` is an ordinary character.
//
// Output: every surviving line, in reading order, split into tokens. `{` and `}` are always tokens
// of their own, wherever they stand on a line; the parser (config/parser.h) builds blocks from them.
// Each token carries the location of its first character in the file it came from.
//
// Use:
//   SourceFiles files; Diagnostics diags;
//   auto lines = preprocess_file("/etc/keepalived/keepalived.conf", {.config_id = "lb1"}, files, diags);
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/source.h"

namespace vigil::config {

struct Token {
  std::string_view text;  // after quote removal and substitution. Backslashes and single quotes
                          // are kept as written (keepalived 2.2.7 does the same at this level);
                          // split_command() (lex_command.h) applies the script-string rules.
                          // A view into the SourceFiles the line was read with (a file's bytes,
                          // or text made by substitution): valid while that table lives.
  SourceLoc loc;        // first character of the token in its source file
  bool quoted = false;  // the token was (partly) quoted: never a brace, never a keyword
  bool is_open() const { return !quoted && text == "{"; }
  bool is_close() const { return !quoted && text == "}"; }
};

struct Line {
  std::vector<Token> tokens;  // never empty
  SourceLoc loc() const { return tokens.front().loc; }
};

// Bits of keepalived's include_check / -e: which include problems are errors.
enum IncludeCheck : std::uint8_t {
  kIncludeReadable = 1,   // includer: every matched file must be readable
  kIncludeMatch = 2,      // includem: the pattern must match something
  kIncludeWildcard = 4,   // includew: each wildcard must match
  kIncludeBrace = 8,      // includeb: each brace alternative must match
  kIncludeAll = 15,       // includea / -e
};

struct PreprocessOptions {
  std::string config_id;          // for @ID lines; default: hostname up to the first dot
  std::uint8_t include_check = 0; // default checks for plain `include` (from -e)
  std::string instance_name;      // ${_INSTANCE}; empty: the config id
  std::uint32_t random_seed = 0;  // ${_RANDOM}; 0 = a fixed seed (config/ reads no clock): the
                                  // daemon passes a varying seed where keepalived's values vary
  unsigned max_include_depth = 64;
  // Additions (cfglex):
  bool allow_includes = true;      // false: every include line is an error (fuzzing, tests)
  std::size_t max_lines = 4'000'000;  // lines processed, including ~SEQ/definition expansion;
                                      // past it processing stops with a fatal diagnostic
  bool use_process_env = true;     // ${_ENV VAR} reads the environment (after `env` below)
  std::vector<std::pair<std::string, std::string>> env;  // ${_ENV VAR} values that win
  // The daemon's snapshot of a checked configuration (a respawned VRRP child runs what the
  // parent checked, not what the files hold now): files found here, by the path they are opened
  // with, are taken from memory; `record_into` receives every file read (path → bytes).
  std::shared_ptr<const std::map<std::string, std::string, std::less<>>> read_from;
  std::map<std::string, std::string, std::less<>>* record_into = nullptr;
};

// Reads `path` and everything it includes. Problems (unreadable file, bad include, bad ~SEQ…)
// are reported in `diags` with file:line:col; whatever could be read is returned.
std::vector<Line> preprocess_file(const std::filesystem::path& path, const PreprocessOptions& opts,
                                  SourceFiles& files, Diagnostics& diags);

// Streaming form (what config/check.h uses): each line is handed to `sink` as soon as it is
// made, and the token array is reused for the next line — copy what must outlive the call (the
// token texts themselves stay valid as long as `files`). No list of all lines is ever built.
using LineSink = std::function<void(std::span<const Token>)>;
void preprocess_file(const std::filesystem::path& path, const PreprocessOptions& opts,
                     SourceFiles& files, Diagnostics& diags, const LineSink& sink);
void preprocess_text(std::string_view text, std::string_view name, const PreprocessOptions& opts,
                     SourceFiles& files, Diagnostics& diags, const LineSink& sink);

// Same, for text already in memory (tests, fuzzing). Includes are resolved relative to the
// directory of `name` (or the current directory if it has none).
std::vector<Line> preprocess_text(std::string_view text, std::string_view name,
                                  const PreprocessOptions& opts, SourceFiles& files,
                                  Diagnostics& diags);

// keepalived's default config id: the host name up to the first dot.
std::string default_config_id();

}  // namespace vigil::config
