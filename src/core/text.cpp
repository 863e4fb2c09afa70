#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "core/encoding.hpp"

namespace kervan::text {
namespace {

// Decodes one code point at s[i], advancing i. Returns -1 on malformed input (and advances
// by one byte so callers always make progress).
int32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) { ++i; return c; }
  int len = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
  else { ++i; return -1; }
  if (i + len > s.size()) { ++i; return -1; }
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) { ++i; return -1; }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { ++i; return -1; }
  i += len;
  return cp;
}

// Base letter (lower-case ASCII) of U+00C0..U+017F, or 0 when it has none.
// Index = code point - 0xC0. '*' marks characters that are not letters (× ÷).
constexpr std::string_view kLatinBase =
    // C0-DF: À..ß
    "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
    // E0-FF: à..ÿ
    "aaaaaaaceeeeiiiidnooooo*ouuuuyty"
    // 100-17F: Latin Extended-A, in pairs (upper, lower) mostly
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
    "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

static_assert(kLatinBase.size() == 0x180 - 0xC0);

// Folded form of one code point appended to out; returns false when cp is a separator.
bool append_folded(int32_t cp, std::string& out) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') { out += static_cast<char>(c - 'A' + 'a'); return true; }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) { out += c; return true; }
    return false;
  }
  if (cp >= 0xC0 && cp < 0x180) {
    char base = kLatinBase[static_cast<std::size_t>(cp - 0xC0)];
    if (base == '*') return false;
    if (cp == 0xDF) { out += "ss"; return true; }
    if (cp == 0xC6 || cp == 0xE6) { out += "ae"; return true; }
    if (cp == 0x152 || cp == 0x153) { out += "oe"; return true; }
    out += base;
    return true;
  }
  if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp < 0xC0) return false;
  // Other scripts: keep the character as it is (no folding known), so search still works
  // for exact spelling.
  std::size_t before = out.size();
  encoding::append_utf8(out, static_cast<char32_t>(cp));
  return out.size() > before;
}

// Primary weight of a code point in Turkish alphabetical order. Letters of the Turkish
// alphabet get their own slot (ç after c, ğ after g, ı before i, ö after o, ş after s,
// ü after u); other accented letters sort with their base letter.
int primary_weight(int32_t cp) {
  switch (cp) {
    case 0xC7: case 0xE7: return 'c' * 4 + 1;                // Ç ç
    case 0x11E: case 0x11F: return 'g' * 4 + 1;              // Ğ ğ
    case 0x49: case 0x131: return 'i' * 4 - 1;               // I ı (before i)
    case 0x130: case 0x69: return 'i' * 4;                   // İ i
    case 0xD6: case 0xF6: return 'o' * 4 + 1;                // Ö ö
    case 0x15E: case 0x15F: return 's' * 4 + 1;              // Ş ş
    case 0xDC: case 0xFC: return 'u' * 4 + 1;                // Ü ü
    default: break;
  }
  if (cp >= 'A' && cp <= 'Z') return (cp - 'A' + 'a') * 4;
  if (cp < 0x80) return cp * 4;
  if (cp >= 0xC0 && cp < 0x180) {
    char base = kLatinBase[static_cast<std::size_t>(cp - 0xC0)];
    if (base != '*') return base * 4 + 2;
  }
  return 0x1000 + cp;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    // Runs of ASCII (most of a sync file) are skipped 8 bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    if (next_code_point(s, i) < 0) return false;
  }
  return true;
}

std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  std::string piece;
  std::size_t i = 0;
  while (i < s.size()) {
    int32_t cp = next_code_point(s, i);
    if (cp >= 0x300 && cp <= 0x36F) continue;  // combining marks (e.g. the dot of "i̇"): drop
    piece.clear();
    if (cp < 0 || !append_folded(cp, piece)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += piece;
  }
  return out;
}

int compare_turkish(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    int32_t ca = next_code_point(a, i);
    int32_t cb = next_code_point(b, j);
    int wa = primary_weight(ca < 0 ? 0xFFFD : ca);
    int wb = primary_weight(cb < 0 ? 0xFFFD : cb);
    if (wa != wb) return wa < wb ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  int raw = a.compare(b);
  return raw < 0 ? -1 : (raw > 0 ? 1 : 0);
}

namespace {
bool is_space(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}
}  // namespace

std::string_view trim(std::string_view s) {
  // Leading: decode forwards.
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = i;
    int32_t cp = next_code_point(s, i);
    if (!is_space(cp)) {
      i = at;
      break;
    }
  }
  s.remove_prefix(std::min(i, s.size()));
  // Trailing: find the start of the last code point, test it, repeat.
  while (!s.empty()) {
    std::size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t k = start;
    int32_t cp = next_code_point(s, k);
    if (!is_space(cp)) break;
    s.remove_suffix(s.size() - start);
  }
  return s;
}

bool has_forbidden_characters(std::string_view s, bool allow_newlines) {
  std::size_t i = 0;
  while (i < s.size()) {
    int32_t cp = next_code_point(s, i);
    bool newline = cp == '\n' || cp == '\r' || cp == '\t';
    if ((cp < 0x20 && !(allow_newlines && newline)) || (cp >= 0x7F && cp <= 0x9F)) return true;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return true;
  }
  return false;
}

std::string_view cut(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace kervan::text
