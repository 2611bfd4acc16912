// config/seq_expand.h — keepalived's line repetition: `~SEQ(var, start, step, end)`, `~SEQx(...)`
// (values in hex) and `~LST(var, v1, v2, …)` / `~LST({a, b}, {1, 2}, …)`.
//
// A line starting with one of these is processed once per value with $var set; the repeated
// "rest of the line" may itself start with another ~SEQ/~LST (nesting). keepalived.conf(5),
// "Sequence blocks" and "List blocks":
//   ~SEQ(v, end)              start = 1 (end > 0), -1 (end < 0) or 0; step = ±1
//   ~SEQ(v, start, end)       step = 1 if end >= start, else -1
//   ~SEQ(v, start, step, end) stop once past end (in the direction of step); step 0 is an error
// Numbers are decimal or 0x-hex, optionally negative.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::config::lex {

struct Repeat {
  std::vector<std::string> vars;  // one for ~SEQ; one or more for ~LST
  // ~SEQ / ~SEQx
  bool is_seq = false;
  bool hex = false;
  std::int64_t start = 0, step = 1;
  std::uint64_t seq_count = 0;
  // ~LST: lists[i] holds one value per var
  std::vector<std::vector<std::string>> lists;
  std::size_t body = 0;  // offset of the repeated text in the line

  std::uint64_t count() const { return is_seq ? seq_count : lists.size(); }
  // The values of iteration i (one per var).
  void values(std::uint64_t i, std::vector<std::string>& out) const;
};

struct RepeatError {
  std::size_t pos = 0;  // offset in the line
  std::string message;
};

// True when `text` starts with ~SEQ(, ~SEQx( or ~LST(.
bool starts_repeat(std::string_view text);

// Parses the ~SEQ/~LST at the start of `text`. On failure returns false and fills `err`.
bool parse_repeat(std::string_view text, Repeat& out, RepeatError& err);

}  // namespace vigil::config::lex
