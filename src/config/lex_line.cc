#include "config/lex_line.h"

namespace vigil::config::lex {

void OwnedLine::append(LineView v) {
  text.append(v.text);
  if (v.cols) {
    cols.insert(cols.end(), v.cols, v.cols + v.text.size());
  } else {
    for (std::size_t i = 0; i < v.text.size(); ++i) cols.push_back(v.first_col + static_cast<std::uint32_t>(i));
  }
}

void OwnedLine::append(std::string_view s, std::uint32_t col) {
  text.append(s);
  cols.insert(cols.end(), s.size(), col);
}

LineView OwnedLine::view() const {
  LineView v;
  v.text = text;
  v.cols = cols.empty() ? nullptr : cols.data();
  v.first_col = 1;
  v.file = file;
  v.line = line;
  return v;
}

std::size_t find_comment(std::string_view text, bool& unterminated) {
  bool in_quote = false;
  unterminated = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!in_quote && !(char_class(c) & (kQuote | kComment))) continue;  // the common case
    if (in_quote) {
      if (c == '\\') {
        ++i;  // an escaped character never closes the quote here
      } else if (c == '"') {
        in_quote = false;
      }
    } else if (c == '"') {
      in_quote = true;
    } else if (c == '#' || c == '!') {
      return i;
    }
  }
  unterminated = in_quote;
  return text.size();
}

LineView strip(LineView v) {
  bool unterminated = false;
  return strip_space(v.sub(0, find_comment(v.text, unterminated)));
}

LineView strip_space(LineView v) {
  std::size_t end = v.text.size();
  while (end > 0 && is_space(v.text[end - 1])) --end;
  std::size_t begin = 0;
  while (begin < end && is_space(v.text[begin])) ++begin;
  return v.sub(begin, end - begin);
}

bool tokenize_plain(std::string_view t, FileName file, std::uint32_t line,
                    std::vector<Token>& out) {
  out.clear();
  const std::size_t n = t.size();
  std::size_t i = 0;
  while (i < n && char_class(t[i]) == kSpace) ++i;
  if (i == n) return true;
  const char first = t[i];
  if (first == '@' || first == '~' || t.substr(i).starts_with("include")) return false;
  const auto loc = [&](std::size_t at) { return SourceLoc{file, line, static_cast<std::uint32_t>(at + 1)}; };
  while (i < n) {
    const char c = t[i];
    const std::uint8_t cls = char_class(c);
    if (cls == kSpace) {
      ++i;
      continue;
    }
    if (cls == kComment) break;
    if (cls == kSpecial) return false;
    if (cls == kBrace) {
      out.push_back(Token{c == '{' ? std::string_view("{") : std::string_view("}"), loc(i), false});
      ++i;
      continue;
    }
    if (cls == kQuote) {
      std::size_t close = i + 1;
      while (close < n && t[close] != '"') {
        if (char_class(t[close]) == kSpecial) return false;  // $ or \ inside quotes
        ++close;
      }
      if (close == n) return false;  // unterminated: the full path reports it
      out.push_back(Token{t.substr(i + 1, close - i - 1), loc(i), true});
      i = close + 1;
      continue;
    }
    std::size_t end = i + 1;
    while (end < n && !(char_class(t[end]) & (kSpace | kBrace | kQuote | kComment | kSpecial))) ++end;
    out.push_back(Token{t.substr(i, end - i), loc(i), false});
    i = end;
  }
  return true;
}

void tokenize(LineView v, std::vector<Token>& out, Diagnostics& diags, SourceFiles* keep) {
  const std::string_view t = v.text;
  const auto text = [keep](std::string_view s) { return keep ? keep->keep_copy(s) : s; };
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '{' || c == '}') {
      out.push_back(Token{c == '{' ? std::string_view("{") : std::string_view("}"), v.loc(i),
                          false});
      ++i;
      continue;
    }
    if (c == '"') {
      const std::size_t close = t.find('"', i + 1);
      if (close == std::string_view::npos) {
        diags.error(v.loc(i), "unterminated quote: add the closing '\"' on the same line");
        return;
      }
      out.push_back(Token{text(t.substr(i + 1, close - i - 1)), v.loc(i), true});
      i = close + 1;
      continue;
    }
    std::size_t end = i;
    while (end < t.size() && !(char_class(t[end]) & (kSpace | kBrace | kQuote))) ++end;
    out.push_back(Token{text(t.substr(i, end - i)), v.loc(i), false});
    i = end;
  }
}

}  // namespace vigil::config::lex
