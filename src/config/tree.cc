#include "config/tree.h"

#include <deque>

namespace vigil::config {

namespace {

struct Open {
  std::vector<Stmt>* body;
  SourceLoc brace;
};

class TreeBuilder {
 public:
  explicit TreeBuilder(Diagnostics& diags) : diags_(diags) { stack_.push_back({&root_, {}}); }

  void line(const Line& l) {
    std::vector<Token> words;
    for (const Token& t : l.tokens) {
      if (t.is_open()) {
        open(words, t);
      } else if (t.is_close()) {
        flush(words);
        close(t);
      } else {
        words.push_back(t);
      }
    }
    flush(words);
    first_on_line_ = true;
  }

  std::vector<Stmt> finish() {
    while (stack_.size() > 1) {
      diags_.error(stack_.back().brace,
                   "block opened here is never closed: add the missing '}' at its end");
      stack_.pop_back();
    }
    return std::move(root_);
  }

 private:
  std::vector<Stmt>& body() { return *stack_.back().body; }

  void flush(std::vector<Token>& words) {
    if (words.empty()) return;
    body().push_back(Stmt{std::move(words), false, {}, {}});
    words.clear();
    first_on_line_ = false;
  }

  void open(std::vector<Token>& words, const Token& brace) {
    Stmt* owner = nullptr;
    if (!words.empty()) {
      flush(words);
      owner = &body().back();
    } else if (first_on_line_ && !body().empty() && !body().back().has_block) {
      owner = &body().back();  // `keyword args` on one line, `{` alone at the start of the next
    }
    if (!owner) {
      diags_.error(brace.loc, "unexpected '{' with no keyword before it: write 'keyword {'");
      // Still track it so its matching '}' does not close the enclosing block.
      orphans_.push_back(Stmt{{brace}, true, {}, brace.loc});
      stack_.push_back({&orphans_.back().block, brace.loc});
      first_on_line_ = false;
      return;
    }
    owner->has_block = true;
    owner->open_loc = brace.loc;
    stack_.push_back({&owner->block, brace.loc});
    first_on_line_ = false;
  }

  void close(const Token& brace) {
    if (stack_.size() == 1) {
      diags_.error(brace.loc, "extra '}' with no open block: remove it or add the '{' it closes");
      return;
    }
    stack_.pop_back();
    first_on_line_ = false;
  }

  Diagnostics& diags_;
  std::vector<Stmt> root_;
  std::vector<Open> stack_;
  std::deque<Stmt> orphans_;  // bodies of `{` without a keyword, discarded
  bool first_on_line_ = true;
};

}  // namespace

std::vector<Stmt> build_tree(const std::vector<Line>& lines, Diagnostics& diags) {
  TreeBuilder b(diags);
  for (const Line& l : lines) b.line(l);
  return b.finish();
}

}  // namespace vigil::config
