#include "config/define_table.h"

namespace vigil::config::lex {

void DefineTable::set(std::string_view name, std::vector<std::string> lines) {
  auto it = map_.find(name);
  if (it == map_.end()) {
    map_.emplace(std::string(name), Definition{std::move(lines)});
  } else {
    it->second.lines = std::move(lines);
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

bool substitute(LineView in, const Lookup& lookup, std::vector<OwnedLine>& out) {
  out.clear();
  const std::string_view t = in.text;
  std::size_t copied = 0;  // text[0, copied) is already in out
  bool replaced = false;
  std::size_t pos = t.find('$');
  while (pos != std::string_view::npos) {
    const Use u = find_use(t, pos);
    const std::vector<std::string>* value = u.length ? lookup(u.name, u.args) : nullptr;
    if (!value) {
      pos = t.find('$', pos + 1);
      continue;
    }
    if (!replaced) {
      out.emplace_back();
      out.back().file = in.file;
      out.back().line = in.line;
      replaced = true;
    }
    out.back().append(in.sub(copied, pos - copied));
    const std::uint32_t col = in.col(pos);
    for (std::size_t k = 0; k < value->size(); ++k) {
      if (k > 0) {
        out.emplace_back();
        out.back().file = in.file;
        out.back().line = in.line;
      }
      out.back().append((*value)[k], col);
    }
    copied = pos + u.length;
    pos = t.find('$', copied);
  }
  if (replaced) out.back().append(in.sub(copied));
  return replaced;
}

}  // namespace vigil::config::lex
