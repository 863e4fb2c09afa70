// CSV import (import.csv.preview, import.csv) and export (export.csv); the vCard commands are
// in exchange_vcard.cpp. Command shapes are documented in exchange.hpp.
#include "core/exchange.hpp"

#include "core/args.hpp"
#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/csv.hpp"
#include "core/dedupe.hpp"
#include "core/encoding.hpp"
#include "core/exchange_import.hpp"
#include "core/exchange_mapping.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

using exchange::ImportItem;

// A CSV file read far enough to map: decoded text, parsed table, header.
struct CsvFile {
  encoding::DecodedText decoded;
  csv::Table table;
  std::vector<std::string> header;
};

char read_delimiter(const ArgsReader& reader) {
  std::string given = reader.raw("delimiter").is_string() ? reader.raw("delimiter").get<std::string>() : "auto";
  if (reader.has("delimiter") && !reader.raw("delimiter").is_string() && !reader.raw("delimiter").is_null()) {
    throw CommandError("wrong_type", "delimiter must be text: auto, \",\", \";\" or \"\\t\"", "delimiter");
  }
  if (given == "auto" || given.empty()) return 0;
  if (given == "," || given == ";" || given == "\t" || given == "|") return given[0];
  if (given == "tab") return '\t';
  throw CommandError("invalid_value", "delimiter must be auto, \",\", \";\", \"|\" or \"\\t\"", "delimiter");
}

CsvFile read_csv(const ArgsReader& reader) {
  std::string bytes = exchange::file_bytes(reader);
  std::string field = reader.has("data_base64") ? "data_base64" : "text";
  std::string enc = reader.text("encoding", {20}).value_or("auto");
  CsvFile file;
  file.decoded = encoding::decode_text_file(bytes, enc.empty() ? "auto" : enc, field);
  char delimiter = read_delimiter(reader);
  if (!delimiter) delimiter = csv::detect_delimiter(file.decoded.text);
  file.table = csv::parse(file.decoded.text, delimiter, {}, field);
  if (file.table.rows.empty()) throw CommandError("empty_file", "The file holds no rows", field);
  file.header = file.table.rows.front().fields;
  return file;
}

// The problems of a file as JSON, plus ragged rows and undecodable bytes.
Json file_problems(const CsvFile& file) {
  Json problems = Json::array();
  if (file.decoded.replaced > 0) {
    problems.push_back({{"code", "undefined_bytes"},
                        {"message", std::to_string(file.decoded.replaced) +
                                        " byte(s) have no character in " + file.decoded.encoding + " and became \xEF\xBF\xBD"}});
  }
  for (const auto& p : file.table.problems) {
    Json entry = {{"code", p.code}, {"message", p.message}};
    if (p.row) entry["row"] = p.row;
    if (p.column) entry["column"] = p.column;
    problems.push_back(entry);
  }
  std::size_t ragged = 0;
  for (std::size_t r = 1; r < file.table.rows.size(); ++r) {
    const auto& row = file.table.rows[r];
    bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (blank || row.fields.size() == file.header.size()) continue;
    if (++ragged > 20) continue;  // the count below says how many more
    problems.push_back({{"code", "ragged_row"},
                        {"row", row.row},
                        {"message", "row " + std::to_string(row.row) + " has " + std::to_string(row.fields.size()) +
                                        " cells, the header " + std::to_string(file.header.size())}});
  }
  if (ragged > 20) {
    problems.push_back({{"code", "ragged_rows"}, {"message", std::to_string(ragged) + " rows in all differ from the header's width"}});
  }
  if (file.table.rows.size() == 1) problems.push_back({{"code", "no_rows"}, {"message", "The file has a header but no data rows"}});
  // A first row of data instead of a header: addresses or numbers where titles should be.
  for (std::size_t i = 0; i < file.header.size(); ++i) {
    if (dedupe::looks_like_email(file.header[i]) || (dedupe::looks_like_phone(file.header[i]) && !file.header[i].empty())) {
      problems.push_back({{"code", "header_looks_like_data"}, {"row", 1}, {"column", i + 1},
                          {"message", "The first row looks like data (" + std::string(text::cut(file.header[i], 60)) +
                                          "), not column titles; add a header row"}});
      break;
    }
  }
  return problems;
}

// The entity argument, checked against the known ones.
std::string read_entity(const ArgsReader& reader) {
  std::string entity = reader.required_text("entity", {20});
  exchange::targets_of(entity);
  return entity;
}

// The CSV rows after the header as import items.
std::vector<ImportItem> csv_items(const CsvFile& file, const std::vector<std::optional<std::string>>& mapping,
                                  std::size_t max_rows = 0) {
  std::vector<ImportItem> items;
  for (std::size_t r = 1; r < file.table.rows.size(); ++r) {
    if (max_rows && items.size() >= max_rows) break;
    const auto& row = file.table.rows[r];
    ImportItem item;
    item.place = row.row;
    item.line = row.line;
    item.row = exchange::row_fields(mapping, file.header, row.fields);
    items.push_back(std::move(item));
  }
  return items;
}

Json import_csv_preview(CommandContext& ctx, const CommandRegistry& registry, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"entity", "data_base64", "text", "encoding", "delimiter", "rows", "mapping"});
  std::string entity = read_entity(reader);
  auto shown = static_cast<std::size_t>(reader.integer("rows", 1, 200).value_or(20));
  CsvFile file = read_csv(reader);
  std::vector<std::vector<std::string>> samples;
  for (std::size_t r = 1; r < file.table.rows.size() && samples.size() < 50; ++r) samples.push_back(file.table.rows[r].fields);
  auto guesses = exchange::guess_mapping(entity, file.header, samples);
  Json columns = Json::array(), mapping = Json::array();
  std::vector<std::optional<std::string>> used;
  for (std::size_t i = 0; i < guesses.size(); ++i) {
    const auto& g = guesses[i];
    columns.push_back({{"index", i}, {"header", file.header[i]}, {"field", g.field ? Json(*g.field) : Json(nullptr)},
                       {"confidence", g.confidence.empty() ? Json(nullptr) : Json(g.confidence)}, {"why", g.why}});
    mapping.push_back(g.field ? Json(*g.field) : Json(nullptr));
    used.push_back(g.field);
  }
  // A mapping the caller is trying out replaces the guess for the converted rows.
  if (reader.has("mapping") && !reader.raw("mapping").is_null()) {
    used = exchange::read_mapping(entity, reader.raw("mapping"), file.header);
  }
  Json rows = Json::array();
  for (auto& item : csv_items(file, used, shown)) {
    Json problems = Json::array();
    for (auto& w : item.row.warnings) problems.push_back(w);
    Json entry = {{"row", item.place}, {"values", file.table.rows[item.place - 1].fields}, {"record", item.row.fields},
                  {"problems", problems}};
    // What the import would say about it, against the stored records (not earlier rows).
    if (!item.row.empty) {
      Json subject = item.row.fields;
      if (entity == "contact" && subject.contains("company")) {
        subject["company_name"] = subject["company"];
        subject.erase("company");
      }
      try {
        Json found = registry.find(entity + ".duplicates")->run(ctx, Json{{"record", subject}, {"limit", 3}});
        for (const auto& c : found["candidates"]) {
          if (c["entity"] != entity) continue;
          entry["duplicate_of"] = {{"entity", c["entity"]}, {"id", c["id"]}, {"label", c["label"]},
                                   {"score", c["score"]}, {"reasons", c["reasons"]}};
          break;
        }
      } catch (const CommandError& e) {
        entry["problems"].push_back({{"code", e.code()}, {"message", e.what()}, {"field", e.field()}});
      }
    }
    rows.push_back(entry);
  }
  Json fields = Json::array();
  for (const auto& t : exchange::targets_of(entity)) {
    fields.push_back({{"field", t.name}, {"label", t.label}, {"multi", t.multi}});
  }
  return Json{{"entity", entity},
              {"encoding", file.decoded.encoding},
              {"delimiter", std::string(1, file.table.delimiter)},
              {"row_count", file.table.rows.size() - 1},
              {"header", file.header},
              {"columns", columns},
              {"mapping", mapping},
              {"fields", fields},
              {"rows", rows},
              {"problems", file_problems(file)}};
}

Json import_csv(CommandContext& ctx, const CommandRegistry& registry, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"entity", "data_base64", "text", "encoding", "delimiter", "mapping", "duplicates",
                     "invalid_emails", "defaults", "dry_run"});
  std::string entity = read_entity(reader);
  exchange::ImportOptions options = exchange::read_import_options(ctx, reader, entity);
  CsvFile file = read_csv(reader);
  auto mapping = exchange::read_mapping(entity, reader.raw("mapping"), file.header);
  if (file.table.rows.size() == 1) {
    throw CommandError("no_rows", "The file has a header but no data rows",
                       reader.has("data_base64") ? "data_base64" : "text");
  }
  Json report = exchange::run_import(ctx, registry, options, csv_items(file, mapping), "row", "column");
  report["encoding"] = file.decoded.encoding;
  report["delimiter"] = std::string(1, file.table.delimiter);
  report["problems"] = file_problems(file);
  return report;
}

// Cell text of one value: lists joined with ", ", booleans as yes/no, numbers as written.
std::string cell_text(const Json& value, const std::pair<std::string, std::string>& yes_no) {
  if (value.is_null()) return {};
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? yes_no.first : yes_no.second;
  if (value.is_array()) {
    std::string out;
    for (const auto& v : value) {
      std::string part = cell_text(v, yes_no);
      if (!part.empty()) out += (out.empty() ? "" : ", ") + part;
    }
    return out;
  }
  if (value.is_object()) return value.contains("name") ? cell_text(value["name"], yes_no) : value.dump();
  return value.dump();
}

// An amount in hundredths (kuruş, cents) as a spreadsheet reads it: "12500,00" or "12500.00".
// Anything that is not an integer is written as it is.
std::string minor_units_text(const Json& value, const std::string& decimal) {
  if (!value.is_number_integer()) return cell_text(value, {"true", "false"});
  int64_t minor = value.get<int64_t>();
  uint64_t magnitude = minor < 0 ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (minor < 0 ? "-" : "") + std::to_string(magnitude / 100) + decimal + cents;
}

struct ExportColumn {
  std::string field;  // "amount", "stage.name"
  std::string title;
  bool minor_units = false;
};

// "stage.name" inside an item; null when absent.
Json value_at(const Json& item, const std::string& path) {
  const Json* at = &item;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('.', start);
    if (end == std::string::npos) end = path.size();
    std::string key = path.substr(start, end - start);
    if (!at->is_object() || !at->contains(key)) return nullptr;
    at = &(*at)[key];
    start = end + 1;
  }
  return *at;
}

constexpr std::size_t kExportPage = 1000;
constexpr std::size_t kMaxExportRows = 200000;

Json export_csv(CommandContext& ctx, const CommandRegistry& registry, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"command", "args", "columns", "delimiter", "yes_no", "decimal_separator"});
  std::string command = reader.required_text("command", {60});
  const CommandSpec* spec = registry.find(command);
  if (!spec) throw CommandError("unknown_command", "Unknown command \"" + command + "\"", "command");
  if (spec->writes || !command.ends_with(".list")) {
    throw CommandError("invalid_value", "export.csv exports a list: give a read command named *.list such as lead.list",
                       "command");
  }
  Json list_args = reader.raw("args").is_null() ? Json::object() : reader.raw("args");
  if (!list_args.is_object()) throw CommandError("wrong_type", "args must be an object of the list's filters", "args");
  list_args.erase("limit");
  list_args.erase("offset");
  char delimiter = read_delimiter(reader);
  if (!delimiter) delimiter = ';';
  std::pair<std::string, std::string> yes_no{"true", "false"};
  if (const Json& given = reader.raw("yes_no"); !given.is_null()) {
    if (!given.is_array() || given.size() != 2 || !given[0].is_string() || !given[1].is_string()) {
      throw CommandError("wrong_type", "yes_no must be two texts such as [\"Evet\", \"Hayır\"]", "yes_no");
    }
    yes_no = {check_text("yes_no", given[0].get<std::string>(), {40}), check_text("yes_no", given[1].get<std::string>(), {40})};
  }
  std::string decimal = reader.text("decimal_separator", {1}).value_or(".");
  if (decimal != "." && decimal != ",") {
    throw CommandError("invalid_value", "decimal_separator must be \".\" or \",\"", "decimal_separator");
  }
  std::vector<ExportColumn> columns;
  const Json& given_columns = reader.raw("columns");
  if (!given_columns.is_null()) {
    if (!given_columns.is_array() || given_columns.empty() || given_columns.size() > 200) {
      throw CommandError("wrong_type", "columns must be a list of 1 to 200 {field, title}", "columns");
    }
    for (std::size_t i = 0; i < given_columns.size(); ++i) {
      std::string place = "columns[" + std::to_string(i) + "]";
      const Json& c = given_columns[i];
      if (!c.is_object()) throw CommandError("wrong_type", place + " must be {field, title}", place);
      ArgsReader column(c);
      column.allow_only({"field", "title", "format"});
      std::string field = column.required_text("field", {100});
      std::string format = column.text("format", {20}).value_or("");
      if (!format.empty() && format != "minor_units") {
        throw CommandError("invalid_value", place + ".format must be \"minor_units\" or left out", place + ".format");
      }
      columns.push_back({field, column.text("title", {200}).value_or(field), format == "minor_units"});
    }
  }
  std::string body;
  std::size_t rows = 0;
  for (std::size_t offset = 0;; offset += kExportPage) {
    Json page_args = list_args;
    page_args["limit"] = kExportPage;
    page_args["offset"] = offset;
    Json page = spec->run(ctx, page_args);
    if (!page.contains("items") || !page["items"].is_array()) {
      throw CommandError("invalid_value", command + " does not answer a list of items", "command");
    }
    const Json& items = page["items"];
    if (columns.empty() && !items.empty()) {
      for (const auto& [key, value] : items[0].items()) {
        if (key != "warnings") columns.push_back({key, key, false});
      }
    }
    for (const auto& item : items) {
      if (++rows > kMaxExportRows) {
        throw CommandError("too_large", "The list has more than " + std::to_string(kMaxExportRows) + " rows; filter it",
                           "args");
      }
      std::string line;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (c) line += delimiter;
        const Json& value = value_at(item, columns[c].field);
        line += csv::cell(columns[c].minor_units ? minor_units_text(value, decimal) : cell_text(value, yes_no), delimiter);
      }
      body += line + "\r\n";
    }
    if (items.size() < kExportPage) break;
  }
  std::string header;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) header += delimiter;
    header += csv::cell(columns[c].title, delimiter);
  }
  std::string day = format_iso8601(ctx.clock.now_ms()).substr(0, 10);
  std::string name = command.substr(0, command.size() - 5);
  for (auto& ch : name) ch = ch == '.' ? '-' : ch;
  return Json{{"text", "\xEF\xBB\xBF" + header + "\r\n" + body},
              {"rows", rows},
              {"columns", columns.size()},
              {"filename", name + "-list-" + day + ".csv"}};
}

}  // namespace

void register_exchange_commands(CommandRegistry& registry) {
  const CommandRegistry* commands = &registry;  // lives as long as the Core that owns both
  registry.add({"import.csv.preview",
                "Read a CSV (encoding, delimiter, header), guess the column mapping, show converted rows and problems",
                false, [commands](CommandContext& ctx, const Json& args) { return import_csv_preview(ctx, *commands, args); }});
  registry.add({"import.csv",
                "Import leads, contacts or companies from a CSV with a column mapping; duplicates checked; report",
                true, [commands](CommandContext& ctx, const Json& args) { return import_csv(ctx, *commands, args); }});
  registry.add({"export.csv", "Every row of a list command (with its filters) as Excel-friendly CSV text", false,
                [commands](CommandContext& ctx, const Json& args) { return export_csv(ctx, *commands, args); }});
  register_vcard_commands(registry);
}

}  // namespace kervan
