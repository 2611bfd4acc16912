// config/lex_line.h — one line of keepalived.conf text: comments, white space, tokens.
//
// The preprocessor (preprocess.cc) works on lines. A line may come straight from a file, or be the
// result of a substitution, a ~SEQ repetition or a multi-line definition; in every case each byte
// keeps the column it came from, so a token can point at the right spot in the file.
//
// Line-level rules, as keepalived 2.2.7 applies them (checked with `keepalived -d`):
//  - white space is space, tab, CR, VT, FF (so CRLF files read like LF files);
//  - `#` or `!` outside a "double-quoted" string starts a comment, even in the middle of a word;
//  - `{` and `}` outside quotes are tokens of their own, wherever they stand;
//  - a `"` starts a quoted token that runs to the next `"` and keeps its white space; a quote in
//    the middle of a word ends that word (`x"y z"w` is `x`, `y z`, `w`);
//  - no escape processing and no `'` quoting at this level: `"a\tb"` is the 4 characters a\tb.
//    Scripts and notify commands are split (with `'`, `"` and escapes) by split_command()
//    (lex_command.h), which is where keepalived applies its shell-like "Quoted strings" rules.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/preprocess.h"
#include "config/source.h"

namespace vigil::config::lex {

// Character classes, looked up in one table (the lexer's inner loops test them per byte).
enum CharClass : std::uint8_t {
  kSpace = 1,    // space, tab, CR, VT, FF
  kBrace = 2,    // { }
  kQuote = 4,    // "
  kComment = 8,  // # !
  kSpecial = 16, // $ \ : need the full preprocessor (tokenize_plain gives up)
};
struct CharTable {
  std::uint8_t cls[256] = {};
  constexpr CharTable() {
    for (unsigned char c : {' ', '\t', '\r', '\v', '\f'}) cls[c] = kSpace;
    cls[static_cast<unsigned char>('{')] = cls[static_cast<unsigned char>('}')] = kBrace;
    cls[static_cast<unsigned char>('"')] = kQuote;
    cls[static_cast<unsigned char>('#')] = cls[static_cast<unsigned char>('!')] = kComment;
    cls[static_cast<unsigned char>('$')] = cls[static_cast<unsigned char>('\\')] = kSpecial;
  }
};
inline constexpr CharTable kChars{};
inline std::uint8_t char_class(char c) { return kChars.cls[static_cast<unsigned char>(c)]; }

inline bool is_space(char c) { return char_class(c) == kSpace; }

// A view of some line text plus where each byte came from.
struct LineView {
  std::string_view text;
  const std::uint32_t* cols = nullptr;  // cols[i] = column of text[i]; nullptr: first_col + i
  std::uint32_t first_col = 1;
  FileName file;
  std::uint32_t line = 0;

  std::uint32_t col(std::size_t i) const {
    if (i >= text.size()) {  // one past the end (errors "at end of line")
      if (text.empty()) return first_col;
      return col(text.size() - 1) + 1;
    }
    return cols ? cols[i] : first_col + static_cast<std::uint32_t>(i);
  }
  SourceLoc loc(std::size_t i) const { return {file, line, col(i)}; }
  // The part [pos, pos+n), keeping columns.
  LineView sub(std::size_t pos, std::size_t n = std::string_view::npos) const {
    LineView v = *this;
    if (pos > text.size()) pos = text.size();
    v.text = text.substr(pos, n);
    if (cols) {
      v.cols = cols + pos;
    } else {
      v.first_col = first_col + static_cast<std::uint32_t>(pos);
    }
    if (v.text.empty()) {  // keep a sensible column for "end of line" locations
      v.cols = nullptr;
      v.first_col = col(pos);
    }
    return v;
  }
};

// Text owned by the preprocessor (built by substitution), with explicit columns.
struct OwnedLine {
  std::string text;
  std::vector<std::uint32_t> cols;  // same size as text
  FileName file;
  std::uint32_t line = 0;

  void append(LineView v);                          // copies text and columns
  void append(std::string_view s, std::uint32_t col);  // all bytes at one column
  LineView view() const;
};

// Index of the first `#`/`!` that starts a comment, or text.size(). Sets `unterminated` when a
// double quote is left open (the comment search then stops at the end of the line).
std::size_t find_comment(std::string_view text, bool& unterminated);

// Drops a comment and the white space around what is left.
LineView strip(LineView v);
// Drops only the white space at both ends.
LineView strip_space(LineView v);

// Splits a stripped line into tokens (appended to `out`). An unterminated quote is an error at
// the quote; the quoted text up to the end of the line is then dropped, as keepalived does.
// The fast path for the common line read straight from a file: nothing for the preprocessor to
// do (no `@`, `$`, `~`, `include`, quote with a backslash, or final backslash), so the line goes
// from raw text to tokens in one pass, comment and white space included. Returns false, with
// `out` in an unspecified state, when the line needs the full pipeline; true otherwise (`out`
// empty for a blank or comment line). Token texts are views into `raw`.
bool tokenize_plain(std::string_view raw, FileName file, std::uint32_t line,
                    std::vector<Token>& out);

// Token texts are views into v.text when `keep` is null (v.text is stable: a file's bytes held
// by SourceFiles); otherwise each text is copied into `keep` first.
void tokenize(LineView v, std::vector<Token>& out, Diagnostics& diags, SourceFiles* keep = nullptr);

}  // namespace vigil::config::lex
