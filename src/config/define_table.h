// config/define_table.h — keepalived's `$NAME=value` definitions and their expansion.
//
// A definition holds raw text, one string per line (more than one for a multi-line definition
// written with trailing `\`). Expansion is lazy: the stored text is substituted when used, so a
// definition may refer to names defined later (reference §3.1, keepalived.conf(5) "Parameter
// substitution").
//
// Uses: `${NAME}` anywhere, `$NAME` only when followed by white space or the end of the line.
// Undefined names are left untouched. `${_RANDOM 1 6}` / `${_ENV HOME}` pass arguments, which
// the lookup callback receives.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/lex_line.h"

namespace vigil::config::lex {

inline constexpr std::size_t kMaxLineBytes = 64 * 1024;  // longest line substitution may build

inline bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
inline bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

struct Definition {
  std::vector<std::string> lines;  // raw text; one entry for a single-line definition
  bool multiline = false;          // written with trailing `\`: used as lines of their own
};

class DefineTable {
 public:
  void set(std::string_view name, std::vector<std::string> lines, bool multiline = false);
  const Definition* find(std::string_view name) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Definition, Hash, std::equal_to<>> map_;
};

// If `text` is a definition line (`$NAME=value`, no space before `=`), returns the length of the
// name (without `$`) and sets `value` to what follows `=` with leading white space removed.
// Returns 0 otherwise.
std::size_t parse_definition(std::string_view text, std::string_view& value);

// What a lookup found: nothing (leave the use untouched) or the lines to put in its place.
using Lookup = std::function<const Definition*(std::string_view name, std::string_view args)>;

// Replaces every use of a known name in `in`, left to right, scanning each inserted value again
// (expansion is recursive). A `#` or `!` outside quotes that substitution produced (${_HASH})
// ends the line there: the rest is a comment and is not expanded. A multi-line definition ends
// the scan: its lines become lines of their own (`prefix+first`, middle lines, `last+rest`),
// still raw, for the caller to process afresh — so a line of it may start with ~SEQ or @ID
// (corpus 044 relies on this). Inserted bytes carry the column of the `$` of the use.
enum class SubstResult : std::uint8_t {
  unchanged,  // nothing replaced; `out` is empty
  replaced,   // `out` holds the line(s)
  runaway,    // too many replacements or too long a line: a definition uses itself
};
SubstResult substitute(LineView in, const Lookup& lookup, std::vector<OwnedLine>& out);

}  // namespace vigil::config::lex
