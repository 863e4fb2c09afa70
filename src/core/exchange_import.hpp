// The part of an import every format shares: rows (CSV) or cards (vCard) already turned into
// record fields are checked, compared with existing records through the core's duplicate
// detection (<entity>.duplicates), and created through the record commands themselves
// (<entity>.create, lead.enrich...), so stamps, dedupe keys and search text are written
// exactly as for typed records. Each item runs in its own savepoint: a bad item is skipped
// and reported, never half-written.
#pragma once
#include <string>
#include <vector>

#include "core/args.hpp"
#include "core/command.hpp"
#include "core/exchange_mapping.hpp"

namespace kervan::exchange {

// Largest file an import reads (after base64 decoding).
inline constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;

// The file's bytes from "data_base64" or "text" (exactly one); refuses a missing, doubled,
// undecodable, empty or too large file naming the field.
std::string file_bytes(const ArgsReader& reader);

struct ImportOptions {
  std::string entity;                // lead, contact, company
  std::string duplicates = "skip";   // skip | import | attach
  bool keep_invalid_emails = false;  // invalid_emails: "keep"
  Json defaults = Json::object();    // checked: source, event, owner, tags
  bool dry_run = false;
};

// Reads duplicates, invalid_emails, defaults and dry_run from the arguments; refuses bad
// values naming the field ("defaults.source" for an unknown lead source).
ImportOptions read_import_options(CommandContext& ctx, const ArgsReader& reader, std::string entity);

struct ImportItem {
  std::size_t place = 0;   // row number (CSV) or card number (vCard)
  std::size_t line = 0;    // file line where it starts
  RowFields row;           // the fields; row.columns names the column or line of each field
  std::string problem;     // when the item could not be read: the skip reason code...
  std::string problem_message;  // ...and its sentence
};

// Imports the items; returns the report ({created, created_ids, attached, attached_rows,
// companies_created, skipped, warnings, dry_run, ...}). `place_key` is "row" or "card";
// `detail_key` names what row.columns holds ("column" or "line").
Json run_import(CommandContext& ctx, const CommandRegistry& registry, const ImportOptions& options,
                const std::vector<ImportItem>& items, const std::string& place_key, const std::string& detail_key);

}  // namespace kervan::exchange
