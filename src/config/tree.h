// config/tree.h — logical lines of tokens → a tree of statements, by brace matching.
//
// A statement is a keyword with its words (`priority 100`), optionally followed by a block
// (`vrrp_instance VI_1 { … }`). The block may open on the same line or on the next one, may
// close on the same line (`track_script { chk }`), and several statements may share a line
// around braces. Problems — a `}` with nothing open, a `{` with no statement before it, a block
// still open at the end of the input — are reported with file:line:col and do not stop the walk.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <span>
#include <vector>

#include "config/preprocess.h"
#include "config/source.h"

namespace vigil::config {

// A statement's words are a view into the Line they were read from (a statement never spans
// lines, and braces only end it): the lines must outlive the tree.
struct Stmt {
  std::span<const Token> words;   // never empty; words[0] is the keyword
  bool has_block = false;
  std::vector<Stmt> block;        // statements between the braces

  const Token& keyword() const { return words.front(); }
  SourceLoc loc() const { return words.front().loc; }
  std::size_t nargs() const { return words.size() - 1; }
  std::string_view arg(std::size_t i) const { return words[i + 1].text; }  // 0-based argument
  const Token& arg_token(std::size_t i) const { return words[i + 1]; }
};

// `lines` must outlive the returned tree (statements point into it).
std::vector<Stmt> build_tree(const std::vector<Line>& lines, Diagnostics& diags);

// The same, one top-level statement at a time (each is complete, block included, when `fn`
// sees it): a large configuration never has its whole tree in memory.
void for_each_statement(const std::vector<Line>& lines, Diagnostics& diags,
                        const std::function<void(const Stmt&)>& fn);

// The same, fed one line at a time (by the streaming preprocessor, config/preprocess.h). The
// tokens of each line are copied into storage the stream reuses: it holds only the lines of the
// top-level statement in progress, so a large file never has all its tokens in memory.
class StatementStream {
 public:
  StatementStream(Diagnostics& diags, std::function<void(const Stmt&)> fn);
  ~StatementStream();
  StatementStream(const StatementStream&) = delete;
  StatementStream& operator=(const StatementStream&) = delete;

  void line(std::span<const Token> tokens);
  void finish();  // reports blocks left open, hands over the last statement

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::config
