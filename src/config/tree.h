// config/tree.h — logical lines of tokens → a tree of statements, by brace matching.
//
// A statement is a keyword with its words (`priority 100`), optionally followed by a block
// (`vrrp_instance VI_1 { … }`). The block may open on the same line or on the next one, may
// close on the same line (`track_script { chk }`), and several statements may share a line
// around braces. Problems — a `}` with nothing open, a `{` with no statement before it, a block
// still open at the end of the input — are reported with file:line:col and do not stop the walk.
#pragma once

#include <vector>

#include "config/preprocess.h"
#include "config/source.h"

namespace vigil::config {

struct Stmt {
  std::vector<Token> words;       // never empty; words[0] is the keyword
  bool has_block = false;
  std::vector<Stmt> block;        // statements between the braces
  SourceLoc open_loc;             // the `{` (when has_block)

  const Token& keyword() const { return words.front(); }
  SourceLoc loc() const { return words.front().loc; }
  std::size_t nargs() const { return words.size() - 1; }
  const std::string& arg(std::size_t i) const { return words[i + 1].text; }  // 0-based argument
  const Token& arg_token(std::size_t i) const { return words[i + 1]; }
};

std::vector<Stmt> build_tree(const std::vector<Line>& lines, Diagnostics& diags);

}  // namespace vigil::config
