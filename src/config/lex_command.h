// config/lex_command.h — splitting a script or notify command into argv, keepalived's way.
//
// A command is usually one token (quoted when it has arguments: `notify "/bin/x a 'b c'"`).
// keepalived.conf(5) "Quoted strings" describes the rules; keepalived 2.2.7 applies them in two
// passes (checked with `keepalived -d` on `vrrp_script { script "…" }`):
//  1. escapes: \a \b \E(ESC) \f \n \r \t \v, \nnn (up to 3 octal digits), \x followed by hex
//     digits (the value is kept to its low 8 bits: \x414 is 0x14), \cC (control-C: C & 0x1f),
//     and \C for any other C is C (so \\ is \ and \" is ");
//  2. words: split at white space; '…' and "…" group (quotes removed), \C is C (so a space
//     made by pass 1 from `\\ ` stays in the word).
// So "/bin/echo a\tb" has three words (the tab made by pass 1 separates), "'a\tb'" one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::config {

// Pass 1 alone: escape sequences → bytes.
std::string unescape(std::string_view text);

// Both passes: the argv of a command. An unterminated quote runs to the end of the text.
std::vector<std::string> split_command(std::string_view text);

}  // namespace vigil::config
