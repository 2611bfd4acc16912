#include "config/define_table.h"

#include <deque>

namespace vigil::config::lex {

void DefineTable::set(std::string_view name, std::vector<std::string> lines, bool multiline) {
  auto it = map_.find(name);
  if (it == map_.end()) {
    map_.emplace(std::string(name), Definition{std::move(lines), multiline});
  } else {
    it->second.lines = std::move(lines);
    it->second.multiline = multiline;
  }
}

const Definition* DefineTable::find(std::string_view name) const {
  auto it = map_.find(name);
  return it == map_.end() ? nullptr : &it->second;
}

std::size_t parse_definition(std::string_view text, std::string_view& value) {
  if (text.size() < 3 || text[0] != '$' || !is_name_start(text[1])) return 0;
  std::size_t i = 2;
  while (i < text.size() && is_name_char(text[i])) ++i;
  if (i >= text.size() || text[i] != '=') return 0;
  std::size_t v = i + 1;
  while (v < text.size() && is_space(text[v])) ++v;
  value = text.substr(v);
  return i - 1;
}

namespace {

constexpr std::size_t kMaxReplacements = 10000;

// One use found at text[pos] == '$': its length and the name/args it names.
struct Use {
  std::size_t length = 0;  // 0: not a use
  std::string_view name;
  std::string_view args;
};

Use find_use(std::string_view t, std::size_t pos) {
  Use u;
  const std::size_t n = t.size();
  if (pos + 1 >= n) return u;
  if (t[pos + 1] == '{') {
    const std::size_t close = t.find('}', pos + 2);
    if (close == std::string_view::npos) return u;
    std::string_view inner = t.substr(pos + 2, close - pos - 2);
    if (inner.empty() || !is_name_start(inner[0])) return u;
    std::size_t e = 1;
    while (e < inner.size() && is_name_char(inner[e])) ++e;
    std::string_view rest = inner.substr(e);
    if (!rest.empty() && !is_space(rest[0])) return u;
    const std::string_view name = inner.substr(0, e);
    if (!rest.empty() && name != "_RANDOM" && name != "_ENV") {
      // keepalived 2.2.7: with X defined, `router_id ${X }` reads as `router_id q }` — a name
      // that takes no arguments ends the use at the white space.
      u.name = name;
      u.length = 2 + e;
      return u;
    }
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    while (!rest.empty() && is_space(rest.back())) rest.remove_suffix(1);
    u.name = inner.substr(0, e);
    u.args = rest;
    u.length = close - pos + 1;
    return u;
  }
  if (!is_name_start(t[pos + 1])) return u;
  std::size_t e = pos + 2;
  while (e < n && is_name_char(t[e])) ++e;
  if (e < n && !is_space(t[e])) return u;  // `$NAME` must be followed by white space
  u.name = t.substr(pos + 1, e - pos - 1);
  u.length = e - pos;
  return u;
}

// Text being scanned: the line itself at the bottom, the value of each use being expanded above
// it (expansion is recursive: a value is scanned like the line).
struct Segment {
  std::string_view text;
  std::size_t pos = 0;
  std::uint32_t col = 0;  // value segments: every byte at the column of the outermost `$`
  std::string_view name;  // value segments: the name expanded (to catch a name using itself)
};

bool is_special(char c) { return c == '"' || c == '\\' || c == '#' || c == '!' || c == '$'; }

}  // namespace

SubstResult substitute(LineView in, const Lookup& lookup, std::vector<OwnedLine>& out) {
  out.clear();
  if (in.text.find('$') == std::string_view::npos) return SubstResult::unchanged;
  OwnedLine cur;
  cur.file = in.file;
  cur.line = in.line;
  cur.text.reserve(in.text.size() + 32);
  cur.cols.reserve(in.text.size() + 32);
  std::deque<std::string> values;  // copies of the values being scanned (lookup storage may change)
  std::vector<Segment> stack;
  stack.push_back(Segment{in.text, 0, 0, {}});
  std::size_t replacements = 0;
  bool in_quote = false;
  const auto col_of = [&](const Segment& s, std::size_t pos) {
    return &s == &stack.front() ? in.col(pos) : s.col;
  };
  while (!stack.empty()) {
    Segment& top = stack.back();
    if (top.pos >= top.text.size()) {
      stack.pop_back();
      continue;
    }
    const char c = top.text[top.pos];
    if (c == '"') {
      in_quote = !in_quote;
    } else if (in_quote && c == '\\' && top.pos + 1 < top.text.size()) {
      // as in find_comment: an escaped character never closes the quote
      cur.append(top.text.substr(top.pos, 1), col_of(top, top.pos));
      ++top.pos;
    } else if (!in_quote && (c == '#' || c == '!') && replacements > 0) {
      break;  // a comment made by substitution (${_HASH}): the rest is not expanded
    } else if (c == '$') {
      const Use u = find_use(top.text, top.pos);
      const Definition* def = u.length ? lookup(u.name, u.args) : nullptr;
      if (def) {
        if (++replacements > kMaxReplacements) return SubstResult::runaway;
        for (const Segment& s : stack)
          if (s.name == u.name) return SubstResult::runaway;  // a definition uses itself
        const std::uint32_t col = col_of(top, top.pos);
        top.pos += u.length;
        const std::vector<std::string>& lines = def->lines;
        if (def->multiline && !lines.empty()) {
          // A multi-line definition: its lines become lines of their own, read afresh (so a
          // line of it may start with ~SEQ or @ID); the rest of this line follows its last line.
          OwnedLine rest;
          rest.file = in.file;
          rest.line = in.line;
          rest.append(lines.back(), col);
          for (std::size_t k = stack.size(); k-- > 0;) {
            const Segment& s = stack[k];
            if (k == 0) {
              rest.append(in.sub(s.pos));
            } else {
              rest.append(s.text.substr(s.pos), s.col);
            }
          }
          if (lines.size() == 1) {
            cur.append(rest.view());
            out.push_back(std::move(cur));
            return SubstResult::replaced;
          }
          cur.append(lines.front(), col);
          out.push_back(std::move(cur));
          for (std::size_t k = 1; k + 1 < lines.size(); ++k) {
            out.emplace_back();
            out.back().file = in.file;
            out.back().line = in.line;
            out.back().append(lines[k], col);
          }
          out.push_back(std::move(rest));
          return SubstResult::replaced;
        }
        values.emplace_back(lines.empty() ? std::string() : lines.front());
        values.emplace_back(u.name);
        stack.push_back(Segment{values[values.size() - 2], 0, col, values.back()});
        continue;
      }
    }
    // Copy this character and the run of ordinary ones after it in one go.
    std::size_t end = top.pos + 1;
    while (end < top.text.size() && !is_special(top.text[end])) ++end;
    if (&top == &stack.front()) {
      cur.append(in.sub(top.pos, end - top.pos));
    } else {
      cur.append(top.text.substr(top.pos, end - top.pos), top.col);
    }
    top.pos = end;
    if (cur.text.size() > kMaxLineBytes) return SubstResult::runaway;
  }
  if (replacements == 0) return SubstResult::unchanged;
  out.push_back(std::move(cur));
  return SubstResult::replaced;
}

}  // namespace vigil::config::lex
