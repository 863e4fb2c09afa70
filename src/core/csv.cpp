#include "core/csv.hpp"

#include <algorithm>
#include <map>

#include "core/command.hpp"

namespace kervan::csv {
namespace {

constexpr std::size_t kDetectRows = 30;

// "sep=;" (Excel's hint line) at the start: the delimiter and the length of that line with
// its line end; 0 length when there is none.
std::pair<char, std::size_t> sep_line(std::string_view text) {
  if (text.size() < 5 || text.substr(0, 4) != "sep=") return {0, 0};
  char d = text[4];
  if (d != ',' && d != ';' && d != '\t' && d != '|') return {0, 0};
  std::size_t end = 5;
  if (end < text.size() && text[end] == '\r') ++end;
  if (end < text.size() && text[end] == '\n') ++end;
  if (end != text.size() && text[end - 1] != '\n' && text[end - 1] != '\r') return {0, 0};
  return {d, end};
}

// The parser: one pass over the text, a record at a time.
class Reader {
 public:
  Reader(std::string_view text, char delimiter, const Limits& limits, std::string_view field, bool lenient)
      : text_(text), delimiter_(delimiter), limits_(limits), field_(field), lenient_(lenient) {}

  // Parses up to `max_records` records (all when 0).
  Table run(std::size_t max_records) {
    Table table;
    table.delimiter = delimiter_;
    auto [hint, skip] = sep_line(text_);
    if (hint) {
      pos_ = skip;
      line_ = 2;
      table.problems.push_back({"sep_line", "The first line \"sep=" + delimiter_name(hint) + "\" was read as a delimiter hint", 0, 0});
    }
    while (pos_ < text_.size()) {
      if (max_records && table.rows.size() >= max_records) break;
      if (table.rows.size() >= limits_.max_rows) {
        fail("too_many_rows", "The file has more than " + std::to_string(limits_.max_rows) + " rows", table.rows.size() + 1, 0);
      }
      Row row;
      row.row = table.rows.size() + 1;
      row.line = line_;
      read_record(row, table.problems);
      table.rows.push_back(std::move(row));
    }
    return table;
  }

 private:
  std::string_view text_;
  char delimiter_;
  const Limits& limits_;
  std::string_view field_;
  bool lenient_;  // delimiter detection: never throw, just count
  std::size_t pos_ = 0;
  std::size_t line_ = 1;

  [[noreturn]] void fail(const std::string& code, const std::string& message, std::size_t row, std::size_t column) {
    std::string place = "row " + std::to_string(row) + (column ? ", column " + std::to_string(column) : "");
    throw CommandError(code, place + ": " + message, std::string(field_));
  }

  // Consumes a line end at pos_ (CRLF, LF or CR); false when there is none.
  bool take_line_end() {
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '\r') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
      return true;
    }
    return false;
  }

  void add_field(Row& row, std::string value) {
    if (row.fields.size() >= limits_.max_columns && !lenient_) {
      fail("too_many_columns", "more than " + std::to_string(limits_.max_columns) + " columns", row.row, row.fields.size() + 1);
    }
    row.fields.push_back(std::move(value));
  }

  void check_length(const Row& row, const std::string& value) {
    if (value.size() > limits_.max_field_bytes && !lenient_) {
      fail("field_too_long", "a field is longer than " + std::to_string(limits_.max_field_bytes / 1024) + " KB",
           row.row, row.fields.size() + 1);
    }
  }

  void read_record(Row& row, std::vector<Problem>& problems) {
    while (true) {
      std::string value;
      std::size_t column = row.fields.size() + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        read_quoted(row, value, column, problems);
      } else {
        while (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\r' && text_[pos_] != '\n') {
          value += text_[pos_++];
        }
        check_length(row, value);
      }
      add_field(row, std::move(value));
      if (pos_ < text_.size() && text_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      take_line_end();
      return;
    }
  }

  void read_quoted(Row& row, std::string& value, std::size_t column, std::vector<Problem>& problems) {
    std::size_t opened_line = line_;
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        if (lenient_) return;
        fail("unclosed_quote", "a quoted field opened on line " + std::to_string(opened_line) + " is never closed",
             row.row, column);
      }
      char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          value += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\r' || c == '\n') {
        // A line break inside quotes belongs to the value; CRLF and CR become LF.
        take_line_end();
        value += '\n';
      } else {
        value += c;
        ++pos_;
      }
      if (value.size() > limits_.max_field_bytes) check_length(row, value);
    }
    // Text after the closing quote ("abc"def): kept, as spreadsheets do, and reported.
    bool extra = false;
    while (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\r' && text_[pos_] != '\n') {
      value += text_[pos_++];
      extra = true;
    }
    if (extra && !lenient_) {
      problems.push_back({"text_after_quote", "text after a closing quote was kept as part of the value", row.row, column});
    }
    check_length(row, value);
  }
};

}  // namespace

char detect_delimiter(std::string_view text) {
  if (auto [hint, skip] = sep_line(text); hint) return hint;
  static const Limits loose{kDetectRows, 100000, 1 << 30};
  char best = ',';
  std::size_t best_consistent = 0, best_width = 1;
  for (char candidate : {';', ',', '\t'}) {
    Table table = Reader(text, candidate, loose, "", true).run(kDetectRows);
    // The width most records share, and how many share it.
    std::map<std::size_t, std::size_t> widths;
    for (const auto& row : table.rows) {
      bool blank = row.fields.size() == 1 && row.fields[0].empty();
      if (!blank) ++widths[row.fields.size()];
    }
    std::size_t width = 1, consistent = 0;
    for (auto [w, n] : widths) {
      if (w > 1 && (n > consistent || (n == consistent && w > width))) {
        width = w;
        consistent = n;
      }
    }
    if (consistent > best_consistent || (consistent == best_consistent && consistent > 0 && width > best_width)) {
      best = candidate;
      best_consistent = consistent;
      best_width = width;
    }
  }
  return best;
}

Table parse(std::string_view text, char delimiter, const Limits& limits, std::string_view field) {
  Table table = Reader(text, delimiter, limits, field, false).run(0);
  // A file ending in a line break has no record after it; blank lines at the very end are
  // padding, not empty records.
  while (!table.rows.empty() && table.rows.back().fields.size() == 1 && table.rows.back().fields[0].empty()) {
    table.rows.pop_back();
  }
  return table;
}

std::string cell(std::string_view value, char delimiter) {
  std::string out;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' || value[0] == '\t' ||
                         value[0] == '\r')) {
    out += '\'';
  }
  out += value;
  bool quote = out.find_first_of(std::string{'"', '\r', '\n', delimiter}) != std::string::npos;
  if (!quote) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string delimiter_name(char delimiter) { return delimiter == '\t' ? "tab" : std::string(1, delimiter); }

}  // namespace kervan::csv
