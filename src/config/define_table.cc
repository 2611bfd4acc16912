#include "config/define_table.h"

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

constexpr std::size_t kMaxReplacements = 100000;

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

}  // namespace

SubstResult substitute(LineView in, const Lookup& lookup, std::vector<OwnedLine>& out) {
  out.clear();
  if (in.text.find('$') == std::string_view::npos) return SubstResult::unchanged;
  OwnedLine cur;
  cur.file = in.file;
  cur.line = in.line;
  cur.append(in);
  std::size_t replacements = 0;
  bool in_quote = false;
  std::size_t i = 0;
  while (i < cur.text.size()) {
    const char c = cur.text[i];
    if (c == '"') {
      in_quote = !in_quote;
      ++i;
      continue;
    }
    if (in_quote && c == '\\') {  // as in find_comment: an escaped character never closes
      i += 2;
      continue;
    }
    if (!in_quote && (c == '#' || c == '!') && replacements > 0) {  // a comment made by substitution
      cur.text.resize(i);
      cur.cols.resize(i);
      break;
    }
    if (c != '$') {
      ++i;
      continue;
    }
    const Use u = find_use(cur.text, i);
    const Definition* def = u.length ? lookup(u.name, u.args) : nullptr;
    if (!def) {
      ++i;
      continue;
    }
    if (++replacements > kMaxReplacements) return SubstResult::runaway;
    const std::uint32_t col = cur.cols[i];
    const std::vector<std::string>* value = &def->lines;
    if (def->multiline && !value->empty()) {
      // A multi-line definition: its lines become lines of their own, read afresh (so a line of
      // it may start with ~SEQ or @ID); the rest of this line follows its last line.
      OwnedLine rest;
      rest.file = cur.file;
      rest.line = cur.line;
      rest.append(value->back(), col);
      rest.append(cur.view().sub(i + u.length));
      cur.text.resize(i);
      cur.cols.resize(i);
      if (value->size() == 1) {  // prefix + the only line + rest
        cur.append(rest.view());
        out.push_back(std::move(cur));
        return SubstResult::replaced;
      }
      cur.append((*value)[0], col);
      out.push_back(std::move(cur));
      for (std::size_t k = 1; k + 1 < value->size(); ++k) {
        out.emplace_back();
        out.back().file = in.file;
        out.back().line = in.line;
        out.back().append((*value)[k], col);
      }
      out.push_back(std::move(rest));
      return SubstResult::replaced;
    }
    const std::string_view v = value->empty() ? std::string_view() : std::string_view((*value)[0]);
    if (cur.text.size() - u.length + v.size() > kMaxLineBytes) return SubstResult::runaway;
    // Replace in place and scan the inserted text again: expansion is recursive.
    cur.text.replace(i, u.length, v);
    cur.cols.erase(cur.cols.begin() + static_cast<std::ptrdiff_t>(i),
                   cur.cols.begin() + static_cast<std::ptrdiff_t>(i + u.length));
    cur.cols.insert(cur.cols.begin() + static_cast<std::ptrdiff_t>(i), v.size(), col);
  }
  if (replacements == 0) return SubstResult::unchanged;
  out.push_back(std::move(cur));
  return SubstResult::replaced;
}

}  // namespace vigil::config::lex
