// Byte-level text encodings for files that come from outside: base64 (how file bytes travel
// inside JSON commands), and the encodings older Turkish software writes (Windows-1254,
// ISO-8859-9, UTF-16), turned into the UTF-8 the core stores.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kervan::encoding {

// Standard base64 (RFC 4648, '+' '/', '=' padding). Whitespace and line breaks are skipped;
// nullopt when anything else is not base64 or the padding is wrong.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

// Appends code point cp (must be a valid scalar value) to out as UTF-8.
void append_utf8(std::string& out, char32_t cp);

// The Unicode code point of each Windows-1254 byte (the full table of the published code page:
// ASCII, 0x80-0x9F typographic marks, and Latin-5 above 0xA0 with Ğ İ Ş ğ ı ş). The five bytes
// the code page leaves undefined (0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E) give U+FFFD.
char32_t windows1254_code_point(unsigned char byte);

// Windows-1254 (also used for ISO-8859-9, its subset: the C1 range 0x80-0x9F is rarely meant
// as control characters) to UTF-8. `undefined` counts the bytes that became U+FFFD.
std::string windows1254_to_utf8(std::string_view bytes, std::size_t* undefined = nullptr);

// UTF-16 (no BOM in `bytes`) to UTF-8; nullopt on an odd length or an unpaired surrogate.
std::optional<std::string> utf16_to_utf8(std::string_view bytes, bool big_endian);

// The result of reading a text file: UTF-8 text without BOM and the encoding it came in.
struct DecodedText {
  std::string text;
  std::string encoding;          // "utf-8", "utf-8-bom", "windows-1254", "utf-16le", "utf-16be"...
  std::size_t replaced = 0;      // bytes that had no character (U+FFFD)
};

// Decodes file bytes to UTF-8. `encoding` is "auto" or one of the names above
// ("iso-8859-9" is read as Windows-1254). Auto: a BOM decides; else valid UTF-8 is UTF-8;
// else UTF-16 when every other byte is zero; else Windows-1254 when the bytes look like text
// (no NUL, few control bytes). Throws CommandError naming `field` when the bytes are binary
// or cannot be read in the requested encoding.
DecodedText decode_text_file(std::string_view bytes, std::string_view encoding, std::string_view field);

// Offset of the first byte that does not start a valid UTF-8 sequence; s.size() when valid.
std::size_t invalid_utf8_offset(std::string_view s);

// True when the name is one decode_text_file accepts.
bool is_known_encoding(std::string_view name);

}  // namespace kervan::encoding
