#include "config/lex_command.h"

namespace vigil::config {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::string unescape(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '\\' || i + 1 == t.size()) {
      out += t[i];
      continue;
    }
    const char c = t[++i];
    switch (c) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'E': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        unsigned v = 0;
        std::size_t k = i + 1;
        while (k < t.size() && hex_value(t[k]) >= 0) v = (v << 4 | static_cast<unsigned>(hex_value(t[k++]))) & 0xffu;
        if (k == i + 1) {
          out += 'x';  // no digits: just the letter
        } else {
          out += static_cast<char>(v);
          i = k - 1;
        }
        break;
      }
      case 'c':
        if (i + 1 < t.size()) {
          out += static_cast<char>(t[++i] & 0x1f);
        } else {
          out += 'c';
        }
        break;
      default:
        if (c >= '0' && c <= '7') {
          unsigned v = 0;
          std::size_t k = i;
          while (k < t.size() && k < i + 3 && t[k] >= '0' && t[k] <= '7') v = v * 8 + static_cast<unsigned>(t[k++] - '0');
          out += static_cast<char>(v & 0xffu);
          i = k - 1;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::vector<std::string> split_command(std::string_view text) {
  const std::string t = unescape(text);
  std::vector<std::string> argv;
  std::size_t i = 0;
  while (i < t.size()) {
    if (is_blank(t[i])) {
      ++i;
      continue;
    }
    std::string word;
    char quote = 0;
    while (i < t.size() && (quote || !is_blank(t[i]))) {
      const char c = t[i++];
      if (quote) {
        if (c == quote) quote = 0;
        else word += c;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '\\' && i < t.size()) {
        word += t[i++];
      } else {
        word += c;
      }
    }
    argv.push_back(std::move(word));
  }
  return argv;
}

}  // namespace vigil::config
