// Reading and writing CSV as spreadsheets make it: RFC 4180 quoting (embedded delimiters,
// doubled quotes, line breaks inside quotes), CRLF/LF/CR line ends, `,` `;` or tab
// delimiters (Turkish Excel writes `;`), and the tolerances real files need.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kervan::csv {

struct Limits {
  std::size_t max_rows = 100000;         // records, header included
  std::size_t max_columns = 200;
  std::size_t max_field_bytes = 65536;
};

// One record. `row` is its number as a spreadsheet shows it (the first record is row 1),
// `line` the file line it starts on (they differ after line breaks inside quotes).
struct Row {
  std::size_t row = 0;
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// Something odd but readable, with where it is (row and 1-based column; 0 when not one).
struct Problem {
  std::string code;
  std::string message;
  std::size_t row = 0;
  std::size_t column = 0;
};

struct Table {
  char delimiter = ',';
  std::vector<Row> rows;          // the trailing empty line of a file is not a row
  std::vector<Problem> problems;  // text after a closing quote, a "sep=" line used...
};

// The delimiter among `,` `;` and tab that splits the first records (outside quotes) into
// the same number of fields most consistently; `,` when none splits anything. An Excel
// "sep=X" first line decides by itself (X may also be `|`).
char detect_delimiter(std::string_view text);

// Parses UTF-8 text (no BOM) with the given delimiter. Throws CommandError naming `field`
// and the row and column when the text cannot be read: a quote never closed, a field, a row
// count or a column count over the limits.
Table parse(std::string_view text, char delimiter, const Limits& limits, std::string_view field);

// One cell for a spreadsheet: text starting with = + - @ tab or CR gets a leading ' (so it is
// never run as a formula), and the cell is quoted when it holds the delimiter, a quote or a
// line break (quotes doubled).
std::string cell(std::string_view value, char delimiter);

// "tab" for '\t', else the character itself.
std::string delimiter_name(char delimiter);

}  // namespace kervan::csv
