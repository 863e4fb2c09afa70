// libFuzzer target: the CSV reader behind import.csv (decode the bytes, detect the delimiter,
// parse). Findings: a crash, a sanitizer report, an exception other than CommandError (the
// reader's only way to refuse), text that is not UTF-8 after decoding, and a table that does
// not read back the same after being written with every field quoted.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/command.hpp"
#include "core/csv.hpp"
#include "core/encoding.hpp"
#include "fuzz_support.hpp"

namespace {

using kervan::fuzz::fail;

std::string quoted_everywhere(const kervan::csv::Table& table) {
  std::string out;
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.fields.size(); ++i) {
      if (i) out += table.delimiter;
      out += '"';
      for (char c : row.fields[i]) out += c == '"' ? std::string("\"\"") : std::string(1, c);
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

void check_round_trip(const kervan::csv::Table& table, const kervan::csv::Limits& limits) {
  kervan::csv::Table again = kervan::csv::parse(quoted_everywhere(table), table.delimiter, limits, "again");
  if (again.rows.size() != table.rows.size()) fail("round trip changed the row count");
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (again.rows[r].fields != table.rows[r].fields) fail("round trip changed a row");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  kervan::csv::Limits limits;
  limits.max_rows = 2000;  // small limits: the fuzzer should reach them
  limits.max_columns = 64;
  limits.max_field_bytes = 4096;
  try {
    kervan::encoding::DecodedText decoded = kervan::encoding::decode_text_file(bytes, "auto", "file");
    if (kervan::encoding::invalid_utf8_offset(decoded.text) != decoded.text.size()) fail("decoded text is not UTF-8");
    char delimiter = kervan::csv::detect_delimiter(decoded.text);
    // `|` only comes from an Excel "sep=|" first line.
    if (delimiter != ',' && delimiter != ';' && delimiter != '\t' && delimiter != '|') fail("unexpected delimiter");
    kervan::csv::Table table = kervan::csv::parse(decoded.text, delimiter, limits, "file");
    for (const auto& row : table.rows) {
      for (const auto& field : row.fields) {
        if (field.size() > limits.max_field_bytes) fail("field over the limit");
        if (kervan::encoding::invalid_utf8_offset(field) != field.size()) fail("field is not UTF-8");
      }
    }
    check_round_trip(table, limits);
  } catch (const kervan::CommandError&) {
    // Refused with a reason: the expected way out for bad files.
  } catch (...) {
    fail("an exception other than CommandError");
  }
  return 0;
}
