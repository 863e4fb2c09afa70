#include "core/encoding.hpp"

#include <array>

#include "core/command.hpp"
#include "core/text.hpp"

namespace kervan::encoding {
namespace {

// Value of one base64 character, -1 when it is not one.
int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

constexpr char32_t kUndefined = 0xFFFD;

// Windows-1254, bytes 0x80-0xFF (0x00-0x7F are ASCII). From the published code page:
// 0x80-0x9F typographic characters; 0xA0-0xFF ISO-8859-9 (Latin-1 with the six Turkish
// letters Ğ İ Ş ğ ı ş in place of Icelandic Ð Ý Þ ð ý þ).
constexpr std::array<char32_t, 128> kWindows1254High = {
    // 0x80
    0x20AC, kUndefined, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, kUndefined, kUndefined, kUndefined,
    // 0x90
    kUndefined, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, kUndefined, kUndefined, 0x0178,
    // 0xA0
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
    // 0xB0
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
    // 0xC0
    0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF,
    // 0xD0: Ğ at 0xD0, İ at 0xDD, Ş at 0xDE
    0x011E, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7,
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x0130, 0x015E, 0x00DF,
    // 0xE0
    0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF,
    // 0xF0: ğ at 0xF0, ı at 0xFD, ş at 0xFE
    0x011F, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x0131, 0x015F, 0x00FF,
};

// True when the bytes read as text rather than binary: no NUL and at most 1% control bytes
// other than tab, CR, LF and form feed.
bool looks_like_text(std::string_view bytes) {
  std::size_t controls = 0;
  for (unsigned char c : bytes) {
    if (c == 0) return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++controls;
  }
  return controls * 100 <= bytes.size();
}

// True when the bytes look like UTF-16 without a BOM: an even length and, in the first
// kilobyte, most of one byte of every pair zero (ASCII text stored in 16 bits).
std::optional<bool> utf16_without_bom(std::string_view bytes) {
  if (bytes.size() < 4 || bytes.size() % 2 != 0) return std::nullopt;
  std::size_t pairs = std::min<std::size_t>(bytes.size(), 1024) / 2, zero_even = 0, zero_odd = 0;
  for (std::size_t i = 0; i < pairs; ++i) {
    zero_even += bytes[2 * i] == 0;
    zero_odd += bytes[2 * i + 1] == 0;
  }
  if (zero_odd * 10 >= pairs * 7 && zero_even * 10 < pairs) return false;  // little-endian
  if (zero_even * 10 >= pairs * 7 && zero_odd * 10 < pairs) return true;   // big-endian
  return std::nullopt;
}

[[noreturn]] void refuse(std::string code, std::string message, std::string_view field) {
  throw CommandError(std::move(code), std::move(message), std::string(field));
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0, symbols = 0;
  for (unsigned char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int value = base64_value(c);
    if (value < 0 || padding > 0) return std::nullopt;  // junk, or data after padding
    ++symbols;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // A lone symbol in the last group cannot carry a byte; padding must complete the group.
  if (symbols % 4 == 1) return std::nullopt;
  if (padding > 0 && (symbols + padding) % 4 != 0) return std::nullopt;
  if (padding > 2) return std::nullopt;
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 0x3F];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 0x3F];
    out += kAlphabet[(n >> 12) & 0x3F];
    out += rest == 2 ? kAlphabet[(n >> 6) & 0x3F] : '=';
    out += '=';
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

char32_t windows1254_code_point(unsigned char byte) {
  return byte < 0x80 ? static_cast<char32_t>(byte) : kWindows1254High[byte - 0x80];
}

std::string windows1254_to_utf8(std::string_view bytes, std::size_t* undefined) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  std::size_t bad = 0;
  for (unsigned char c : bytes) {
    char32_t cp = windows1254_code_point(c);
    bad += cp == kUndefined;
    append_utf8(out, cp);
  }
  if (undefined) *undefined = bad;
  return out;
}

std::optional<std::string> utf16_to_utf8(std::string_view bytes, bool big_endian) {
  if (bytes.size() % 2 != 0) return std::nullopt;
  auto unit = [&](std::size_t i) -> char32_t {
    auto hi = static_cast<unsigned char>(bytes[big_endian ? i : i + 1]);
    auto lo = static_cast<unsigned char>(bytes[big_endian ? i + 1 : i]);
    return static_cast<char32_t>((hi << 8) | lo);
  };
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    char32_t u = unit(i);
    if (u >= 0xDC00 && u <= 0xDFFF) return std::nullopt;  // a low surrogate without its high one
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 4 > bytes.size()) return std::nullopt;
      char32_t low = unit(i + 2);
      if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
      u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
      i += 2;
    }
    append_utf8(out, u);
  }
  return out;
}

std::size_t invalid_utf8_offset(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    // Checking each whole sequence with the core's validator keeps one definition of valid.
    if (len == 0 || i + len > s.size() || !text::is_valid_utf8(s.substr(i, len))) return i;
    i += len;
  }
  return s.size();
}

bool is_known_encoding(std::string_view name) {
  for (std::string_view known : {"auto", "utf-8", "windows-1254", "iso-8859-9", "utf-16le", "utf-16be"}) {
    if (name == known) return true;
  }
  return false;
}

DecodedText decode_text_file(std::string_view bytes, std::string_view encoding, std::string_view field) {
  if (!is_known_encoding(encoding)) {
    refuse("invalid_value",
           "Unknown encoding \"" + std::string(text::cut(encoding, 40)) +
               "\"; use auto, utf-8, windows-1254, iso-8859-9, utf-16le or utf-16be",
           "encoding");
  }
  const bool automatic = encoding == "auto";
  DecodedText out;
  auto from_utf16 = [&](std::string_view body, bool big_endian, std::string name) {
    auto text = utf16_to_utf8(body, big_endian);
    if (!text) refuse("invalid_encoding", "The file is not valid " + name + " (odd length or broken surrogate pair)", field);
    out.text = std::move(*text);
    out.encoding = std::move(name);
  };
  auto starts = [&](std::string_view bom) { return bytes.substr(0, bom.size()) == bom; };
  if ((automatic || encoding == "utf-8") && starts("\xEF\xBB\xBF")) {
    out.text = std::string(bytes.substr(3));
    out.encoding = "utf-8-bom";
  } else if ((automatic || encoding == "utf-16le") && starts("\xFF\xFE")) {
    from_utf16(bytes.substr(2), false, "utf-16le");
  } else if ((automatic || encoding == "utf-16be") && starts("\xFE\xFF")) {
    from_utf16(bytes.substr(2), true, "utf-16be");
  } else if (encoding == "utf-16le" || encoding == "utf-16be") {
    from_utf16(bytes, encoding == "utf-16be", std::string(encoding));
  } else if (auto big_endian = automatic ? utf16_without_bom(bytes) : std::nullopt) {
    // Before the UTF-8 test: ASCII stored in 16 bits is also "valid UTF-8", full of NULs.
    from_utf16(bytes, *big_endian, *big_endian ? "utf-16be" : "utf-16le");
  } else if (automatic && !looks_like_text(bytes)) {
    refuse("not_text", "The file is not text (it holds NUL or many control bytes); is it a spreadsheet (.xlsx) "
                       "instead of CSV?", field);
  } else if (encoding == "utf-8" || (automatic && text::is_valid_utf8(bytes))) {
    out.text = std::string(bytes);
    out.encoding = "utf-8";
  } else {
    // Invalid UTF-8 that looks like text: an older Turkish Excel or phone wrote Windows-1254.
    out.text = windows1254_to_utf8(bytes, &out.replaced);
    out.encoding = automatic || encoding == "windows-1254" ? "windows-1254" : std::string(encoding);
  }
  if (!text::is_valid_utf8(out.text)) {
    // Only a forced "utf-8" on other bytes gets here: say where the first bad byte is.
    refuse("invalid_utf8", "The file is not valid UTF-8 (byte " + std::to_string(invalid_utf8_offset(out.text) + 1) +
                               "); try encoding windows-1254", field);
  }
  return out;
}

}  // namespace kervan::encoding
