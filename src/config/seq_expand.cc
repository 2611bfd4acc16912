#include "config/seq_expand.h"

#include <fmt/format.h>

#include "config/define_table.h"
#include "config/lex_line.h"

namespace vigil::config::lex {

namespace {

constexpr std::int64_t kMaxMagnitude = std::int64_t{1} << 60;  // keeps end - start in range

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool parse_number(std::string_view s, std::int64_t& out) {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return false;
  std::int64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (v > (kMaxMagnitude - d) / base) return false;  // checked before it could overflow
    v = v * base + d;
  }
  out = neg ? -v : v;
  return true;
}

bool is_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  for (char c : s)
    if (!is_name_char(c)) return false;
  return true;
}

// Splits `s` at commas outside {…}.
std::vector<std::string_view> split_args(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t from = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{') ++depth;
    else if (s[i] == '}' && depth > 0) --depth;
    else if (s[i] == ',' && depth == 0) {
      out.push_back(trim(s.substr(from, i - from)));
      from = i + 1;
    }
  }
  out.push_back(trim(s.substr(from)));
  return out;
}

// "{a, b}" → {"a", "b"}; "a" → {"a"}.
std::vector<std::string> group(std::string_view s) {
  std::vector<std::string> out;
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
    for (auto part : split_args(s.substr(1, s.size() - 2))) out.emplace_back(part);
  } else {
    out.emplace_back(s);
  }
  return out;
}

bool fail(RepeatError& err, std::size_t pos, std::string message) {
  err.pos = pos;
  err.message = std::move(message);
  return false;
}

}  // namespace

void Repeat::values(std::uint64_t i, std::vector<std::string>& out) const {
  out.clear();
  if (!is_seq) {
    out = lists[i];
    return;
  }
  const std::int64_t v = start + static_cast<std::int64_t>(i) * step;
  if (hex) {
    out.push_back(v < 0 ? fmt::format("-{:x}", -v) : fmt::format("{:x}", v));
  } else {
    out.push_back(fmt::format("{}", v));
  }
}

bool starts_repeat(std::string_view text) {
  return text.starts_with("~SEQ(") || text.starts_with("~SEQx(") || text.starts_with("~LST(");
}

bool parse_repeat(std::string_view text, Repeat& out, RepeatError& err) {
  out = Repeat{};
  const std::size_t open = text.find('(');
  out.is_seq = text.starts_with("~SEQ");
  out.hex = text.starts_with("~SEQx");
  const char* what = out.is_seq ? (out.hex ? "~SEQx" : "~SEQ") : "~LST";
  int depth = 0;
  std::size_t close = std::string_view::npos;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    else if (text[i] == '}' && depth > 0) --depth;
    else if (text[i] == ')' && depth == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos)
    return fail(err, 0, fmt::format("{}( has no closing ')': write {}(var, …) on one line", what, what));
  std::vector<std::string_view> args = split_args(text.substr(open + 1, close - open - 1));
  out.body = close + 1;
  while (out.body < text.size() && is_space(text[out.body])) ++out.body;

  if (out.is_seq) {
    if (!is_name(args[0]))
      return fail(err, open + 1, fmt::format("{}: '{}' is not a variable name (letters, digits, '_')", what, args[0]));
    out.vars.emplace_back(args[0]);
    if (args.size() < 2 || args.size() > 4)
      return fail(err, open + 1, fmt::format("{} takes (var, end), (var, start, end) or (var, start, step, end)", what));
    std::int64_t n[3] = {0, 0, 0};
    for (std::size_t k = 1; k < args.size(); ++k)
      if (!parse_number(args[k], n[k - 1]))
        return fail(err, open + 1, fmt::format("{}: '{}' is not a number (decimal or 0x-hex)", what, args[k]));
    std::int64_t start, step, end;
    if (args.size() == 2) {
      end = n[0];
      start = end > 0 ? 1 : end < 0 ? -1 : 0;
      step = end >= start ? 1 : -1;
    } else if (args.size() == 3) {
      start = n[0];
      end = n[1];
      step = end >= start ? 1 : -1;
    } else {
      start = n[0];
      step = n[1];
      end = n[2];
    }
    if (step == 0) return fail(err, open + 1, fmt::format("{}: step 0 would repeat forever", what));
    out.start = start;
    out.step = step;
    if ((step > 0 && start > end) || (step < 0 && start < end)) {
      out.seq_count = 0;
    } else {
      const std::uint64_t span = static_cast<std::uint64_t>(step > 0 ? end - start : start - end);
      const std::uint64_t s = static_cast<std::uint64_t>(step > 0 ? step : -step);
      out.seq_count = span / s + 1;
    }
    return true;
  }

  // ~LST
  out.vars = group(args[0]);
  for (const auto& v : out.vars)
    if (!is_name(v))
      return fail(err, open + 1, fmt::format("~LST: '{}' is not a variable name (letters, digits, '_')", v));
  if (args.size() < 2) return fail(err, open + 1, "~LST needs at least one value: ~LST(var, v1, v2, …)");
  for (std::size_t k = 1; k < args.size(); ++k) {
    // keepalived 2.2.7: `~LST(v, c, a b)` is an "Invalid ~LST specification".
    out.lists.push_back(group(args[k]));
    for (const std::string& item : out.lists.back())
      for (char c : item)
        if (is_space(c))
          return fail(err, open + 1,
                      fmt::format("~LST: value '{}' contains white space; one word per value", item));
    if (out.lists.back().size() != out.vars.size())
      return fail(err, open + 1,
                  fmt::format("~LST: value '{}' has {} item(s) but there are {} variable(s)", args[k],
                              out.lists.back().size(), out.vars.size()));
  }
  return true;
}

}  // namespace vigil::config::lex
