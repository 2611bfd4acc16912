#include "config/tree.h"

#include <deque>

namespace vigil::config {

namespace {

struct Open {
  std::vector<Stmt>* body;
  SourceLoc brace;
};

// The run of words being collected on the current line.
struct Words {
  const Token* first;
  std::size_t count;
  bool empty() const { return count == 0; }
};

class TreeBuilder {
 public:
  using Sink = std::function<void(const Stmt&)>;
  TreeBuilder(Diagnostics& diags, const Sink& sink) : diags_(diags), sink_(sink) {
    stack_.push_back({&root_, {}});
  }

  void line(const Line& l) {
    const Token* base = l.tokens.data();
    Words words{base, 0};
    for (std::size_t i = 0; i < l.tokens.size(); ++i) {
      const Token& t = l.tokens[i];
      if (t.is_open()) {
        open(words, t);
        words = {base + i + 1, 0};
      } else if (t.is_close()) {
        flush(words);
        close(t);
        words = {base + i + 1, 0};
      } else {
        ++words.count;
      }
    }
    flush(words);
    first_on_line_ = true;
    if (stack_.size() == 1) emit(/*keep_last=*/true);
  }

  // While a block is open its statements point into earlier lines; otherwise only the
  // statement kept for a possible next-line `{` does (it may be from any earlier line, e.g.
  // when only a stray `}` came after it).
  bool inside_block() const { return stack_.size() > 1; }
  const Token* kept_token() const { return root_.empty() ? nullptr : root_.front().words.data(); }

  void finish() {
    while (stack_.size() > 1) {
      diags_.error(stack_.back().brace,
                   "block opened here is never closed: add the missing '}' at its end");
      stack_.pop_back();
    }
    emit(false);
  }

 private:
  std::vector<Stmt>& body() { return *stack_.back().body; }

  void flush(Words& words) {
    if (words.empty()) return;
    body().push_back(Stmt{std::span<const Token>(words.first, words.count), false, {}});
    words.count = 0;
    first_on_line_ = false;
  }

  void open(Words& words, const Token& brace) {
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
      orphans_.push_back(Stmt{std::span<const Token>(&brace, 1), true, {}});
      stack_.push_back({&orphans_.back().block, brace.loc});
      first_on_line_ = false;
      return;
    }
    owner->has_block = true;
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

  // Hands finished top-level statements to the sink. The last one is kept while it has no
  // block: its `{` may still come at the start of the next line.
  void emit(bool keep_last) {
    std::size_t n = root_.size();
    if (keep_last && n > 0 && !root_.back().has_block) --n;
    for (std::size_t i = 0; i < n; ++i) sink_(root_[i]);
    root_.erase(root_.begin(), root_.begin() + static_cast<std::ptrdiff_t>(n));
  }

  Diagnostics& diags_;
  const Sink& sink_;
  std::vector<Stmt> root_;
  std::vector<Open> stack_;
  std::deque<Stmt> orphans_;  // bodies of `{` without a keyword, discarded
  bool first_on_line_ = true;
};

}  // namespace

void for_each_statement(const std::vector<Line>& lines, Diagnostics& diags,
                        const std::function<void(const Stmt&)>& fn) {
  TreeBuilder b(diags, fn);
  for (const Line& l : lines) b.line(l);
  b.finish();
}

void for_each_statement_consuming(std::vector<Line>& lines, Diagnostics& diags,
                                  const std::function<void(const Stmt&)>& fn) {
  TreeBuilder b(diags, fn);
  std::size_t released = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    b.line(lines[i]);
    if (b.inside_block()) continue;
    std::size_t upto = i + 1;
    if (const Token* keep = b.kept_token()) {
      for (upto = released; upto <= i; ++upto) {
        const std::vector<Token>& t = lines[upto].tokens;
        if (keep >= t.data() && keep < t.data() + t.size()) break;  // still needed from here
      }
    }
    for (; released < upto; ++released) std::vector<Token>().swap(lines[released].tokens);
  }
  b.finish();
}

std::vector<Stmt> build_tree(const std::vector<Line>& lines, Diagnostics& diags) {
  std::vector<Stmt> out;
  for_each_statement(lines, diags, [&](const Stmt& s) { out.push_back(s); });
  return out;
}

}  // namespace vigil::config
