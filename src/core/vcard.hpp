// Reading and writing vCards (.vcf): versions 2.1, 3.0 and 4.0, several cards per file,
// folded lines, QUOTED-PRINTABLE values with soft line breaks, CHARSET parameters (UTF-8,
// and the Windows-1254 / ISO-8859-9 older Turkish phones write), and value escapes.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kervan::vcard {

// One property line, decoded: name and parameter names upper-case, the value in UTF-8 with
// its escapes still in place (structured values split on unescaped ';' need them).
struct Property {
  std::string name;                                         // "TEL" (group prefix removed)
  std::vector<std::pair<std::string, std::string>> params;  // ("TYPE", "CELL"); bare 2.1 params as ("TYPE", x)
  std::string value;
  std::size_t line = 0;

  // True when a TYPE parameter (or a bare 2.1 one) holds `type`, compared case-insensitively.
  bool has_type(std::string_view type) const;
};

struct Card {
  std::size_t number = 0;  // 1-based
  std::size_t line = 0;    // line of BEGIN:VCARD
  std::string version;
  std::vector<Property> properties;
  std::string problem;          // when set, the card could not be read: reason code...
  std::string problem_message;  // ...and its sentence (naming the line)
  std::vector<std::string> warnings;
};

struct Limits {
  std::size_t max_cards = 100000;
  std::size_t max_line_bytes = 1 << 20;  // photos are long; they are skipped, not refused
  std::size_t max_properties = 500;
};

// Parses a whole file (raw bytes: a UTF-16 file should be decoded by the caller first; a
// UTF-8 BOM is skipped). Cards with a bad line come back with `problem` set; a file
// without any BEGIN:VCARD, with a card never closed, or over the limits throws CommandError
// naming `field` and the line.
std::vector<Card> parse(std::string_view bytes, const Limits& limits, std::string_view field);

// Splits a value on unescaped `separator` (';' for N, ADR, ORG; ',' for lists), each part
// unescaped (\, \; \\ \n \N).
std::vector<std::string> split_value(std::string_view value, char separator);
// The value with its escapes undone.
std::string unescape(std::string_view value);

// Escapes text for a vCard value (\\ \, \; \n).
std::string escape(std::string_view text);
// Folds one logical line (without its line end) at 75 octets, never inside a UTF-8
// sequence; continuation lines start with a space. Returns the lines joined by CRLF, with a
// final CRLF.
std::string fold_line(std::string_view line);

}  // namespace kervan::vcard
