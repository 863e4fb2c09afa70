// Text helpers for Kervan's core: UTF-8 checks and Turkish-aware folding and ordering.
// SQLite's NOCASE and LIKE fold ASCII only, so every comparison of people's text goes
// through these functions instead.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace kervan::text {

// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Number of code points in s, which must be valid UTF-8.
std::size_t count_code_points(std::string_view s);

// Folds s for searching: lower case, Turkish dotted and dotless i both become 'i', and
// letters with diacritics lose them (Ş->s, Ğ->g, Ç->c, Ö->o, Ü->u, é->e...). Characters
// that are not letters or digits become one space; runs of spaces collapse; no leading or
// trailing space. "Şükrü IŞIK" -> "sukru isik".
std::string fold(std::string_view s);

// Three-way comparison in Turkish alphabetical order (a b c ç d e f g ğ h ı i j ... ş t u ü
// v y z), case-insensitive first; ties broken by the raw bytes so the order is total.
int compare_turkish(std::string_view a, std::string_view b);

// s without leading and trailing whitespace, Unicode spaces included (no-break space,
// zero-width space, ideographic space, byte order mark...). s must be valid UTF-8.
std::string_view trim(std::string_view s);

// True for code points that must not be stored in people's text: C0/C1 controls (except
// the ones `allow_newlines` lets through: \n, \r, \t) and bidirectional overrides that can
// make text display differently from what it is.
bool has_forbidden_characters(std::string_view s, bool allow_newlines);

// At most max_bytes of s, cut at a character boundary (for messages quoting user input).
std::string_view cut(std::string_view s, std::size_t max_bytes);

}  // namespace kervan::text
