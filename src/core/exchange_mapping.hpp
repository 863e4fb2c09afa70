// Column mapping for imports: which record field each column of a file fills. Guesses the
// mapping from common Turkish and English headers (compared after Turkish folding, so
// "E-POSTA", "e-posta" and "Eposta" are one header), checks a mapping a person chose, and
// turns one row into the fields of the record to create.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/command.hpp"

namespace kervan::exchange {

// A field a column may map to: a record field or a helper (first_name, last_name, company
// for contacts). `multi` fields take several columns.
struct Target {
  std::string_view name;
  std::string_view label;
  bool multi = false;
};

// The targets of "lead", "contact" or "company"; throws CommandError (field "entity") for
// anything else.
const std::vector<Target>& targets_of(std::string_view entity);

struct ColumnGuess {
  std::optional<std::string> field;
  std::string confidence;  // "exact", "partial", "content" or "" (not mapped)
  std::string why;
};

// A guess for each header; `samples` are data rows (for columns whose header says nothing,
// values that all look like e-mails or phones decide).
std::vector<ColumnGuess> guess_mapping(std::string_view entity, const std::vector<std::string>& header,
                                       const std::vector<std::vector<std::string>>& samples);

// The mapping a caller sent: an array with one field name or null per column. Refuses
// (naming "mapping" or "mapping[i]") a wrong length, unknown fields, two columns on one
// single-valued field, name together with first_name/last_name, and a mapping without the
// entity's identifying field.
std::vector<std::optional<std::string>> read_mapping(std::string_view entity, const Json& mapping,
                                                     const std::vector<std::string>& header);

// "column 3 (\"E-posta\")" for messages.
std::string column_label(const std::vector<std::string>& header, std::size_t index);

// A row turned into record fields: {"fields": {...}, "columns": {field: column index},
// "warnings": [...]} where fields are ready for <entity>.create except "company" for
// contacts (the company name to link). Values are trimmed; empty cells are left out.
struct RowFields {
  Json fields = Json::object();
  Json columns = Json::object();  // field -> 1-based column, for naming the place of a problem
  std::vector<Json> warnings;     // {code, message, field}
  bool empty = true;              // no non-empty mapped cell
};
RowFields row_fields(const std::vector<std::optional<std::string>>& mapping,
                     const std::vector<std::string>& header, const std::vector<std::string>& cells);

// "Evet", "yes", "1", "x", "true"... -> true; "Hayır", "no", "0", "false", "" -> false;
// anything else nullopt.
std::optional<bool> read_yes_no(std::string_view value);

}  // namespace kervan::exchange
