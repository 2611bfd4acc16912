#include "config/tree.h"

#include <algorithm>
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

  void line(std::span<const Token> l) {
    const Token* base = l.data();
    Words words{base, 0};
    for (std::size_t i = 0; i < l.size(); ++i) {
      const Token& t = l[i];
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
  // The statement kept for a possible next-line `{` (nullptr: none).
  Stmt* kept() { return root_.empty() ? nullptr : &root_.front(); }

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
    owner->block.reserve(16);  // one allocation for a typical block, not five as it grows
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
  for (const Line& l : lines) b.line(l.tokens);
  b.finish();
}

// Token storage: blocks of tokens, each line contiguous in one block. Blocks are kept and
// reused once the top-level statement they held is done.
struct StatementStream::Impl {
  static constexpr std::size_t kBlockTokens = 4096;

  Impl(Diagnostics& d, std::function<void(const Stmt&)> f)
      : fn(std::move(f)), builder(d, fn) {}

  std::span<const Token> store(std::span<const Token> tokens) {
    while (true) {
      if (used == blocks.size()) {
        blocks.emplace_back();
        blocks.back().reserve(std::max(kBlockTokens, tokens.size()));
      }
      std::vector<Token>& b = blocks[used];
      if (b.capacity() - b.size() >= tokens.size()) {  // never reallocates: spans stay valid
        const std::size_t at = b.size();
        b.insert(b.end(), tokens.begin(), tokens.end());
        return {b.data() + at, tokens.size()};
      }
      ++used;
    }
  }

  // At top level nothing points into the blocks but the kept statement (if any): move its
  // words to the front of the first block and start over.
  void recycle() {
    Stmt* kept = builder.kept();
    std::vector<Token> words;
    if (kept) words.assign(kept->words.begin(), kept->words.end());
    for (std::size_t i = 0; i <= used && i < blocks.size(); ++i) blocks[i].clear();
    used = 0;
    if (kept) kept->words = store(words);
  }

  std::function<void(const Stmt&)> fn;
  TreeBuilder builder;
  std::vector<std::vector<Token>> blocks;
  std::size_t used = 0;  // index of the block being filled
};

StatementStream::StatementStream(Diagnostics& diags, std::function<void(const Stmt&)> fn)
    : impl_(std::make_unique<Impl>(diags, std::move(fn))) {}
StatementStream::~StatementStream() = default;

void StatementStream::line(std::span<const Token> tokens) {
  impl_->builder.line(impl_->store(tokens));
  if (!impl_->builder.inside_block()) impl_->recycle();
}

void StatementStream::finish() { impl_->builder.finish(); }

std::vector<Stmt> build_tree(const std::vector<Line>& lines, Diagnostics& diags) {
  std::vector<Stmt> out;
  for_each_statement(lines, diags, [&](const Stmt& s) { out.push_back(s); });
  return out;
}

}  // namespace vigil::config
