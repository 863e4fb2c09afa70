// Formats from outside: CSV import/export and vCard import/export (issue 6, second half).
//
// Command shapes (JSON in -> JSON out). File bytes travel base64-encoded in "data_base64"
// (they may be Windows-1254, UTF-16...); UTF-8 callers may pass "text" instead. Exactly one
// of the two is required. Errors are the usual {"error": {code, message, field}}; a file or
// mapping that cannot be used is refused whole and nothing is written. A CSV place is named
// "row R, column C" (R counts file lines of records, the header is row 1); a vCard place is
// named "card N, line L".
//
// import.csv.preview (read) {
//   entity: "lead" | "contact" | "company",
//   data_base64 | text,
//   encoding?: "auto" (default) | "utf-8" | "windows-1254" | "iso-8859-9" | "utf-16le" | "utf-16be",
//   delimiter?: "auto" (default) | "," | ";" | "\t",
//   rows?: 1..200 (default 20)            -- how many data rows to show converted
// } -> {
//   encoding: "utf-8" | "utf-8-bom" | "windows-1254" | "utf-16le" | "utf-16be" ...,
//   delimiter: ";", row_count: N (data rows, header excluded),
//   header: ["Ad Soyad", "Firma", ...],
//   columns: [{index, header, field: "name" | null, confidence: "exact" | "partial" | "content" | null,
//              why: "header \"Ad Soyad\" is a known name for name"}, ...],
//   mapping: ["name", "company", null, ...],   -- one entry per column, ready to pass to import.csv
//   fields: [{field, label, multi}],           -- the targets this entity accepts (for the mapping step)
//   rows: [{row: 2, values: ["...", ...], record: {...fields as they would be written...},
//           problems: [{code, message, field?}], duplicate_of?: {entity, id, label, score, reasons}}],
//   problems: [{code, message, row?, column?}] -- ragged rows, undecodable bytes, header looking like data...
// }
//
// import.csv (write) {
//   entity, data_base64 | text, encoding?, delimiter?,
//   mapping: [field | null, ...]            -- one per column (as import.csv.preview returns it)
//   duplicates?: "skip" (default) | "import" | "attach"
//                                            -- attach: add the row's details to the existing record
//                                               (leads: lead.enrich, never overwriting)
//   invalid_emails?: "skip" (default) | "keep"  -- keep: stored as typed and flagged
//   defaults?: {source?, event?, owner?, tags?}  -- applied where the row leaves the field empty
//   dry_run?: bool                           -- full report, nothing kept
// } -> {
//   entity, encoding, delimiter, rows: N, created: n, created_ids: [...] (first 1000), attached: n,
//   companies_created: n (contact import: companies made for the "company" column),
//   skipped: [{row, reason, message, field?, column?, duplicate_of?: {entity, id, label, score, reasons, row?}}],
//   warnings: [{row, code, message, field?}],
//   dry_run: bool
// }
// Skip reasons: empty_row, missing_required, invalid_email, duplicate (an existing record),
// duplicate_in_file (an earlier row of the same file), invalid_value / too_long / ... (the
// record command's own refusal, with its field).
//
// Mapping targets (field names of the record, plus):
//   first_name, last_name  -> joined into name ("Ad" + "Soyad"); our records keep one name field,
//                             so "Ad Soyad" maps to name as a whole and is never split.
//   company (contact import) -> links the contact to the company with the same name (duplicate
//                             detection's company key), or creates that company.
//   notes (several columns allowed: each adds a "Header: value" line), tags, emails, phones,
//   address (company) also take several columns; any other field takes at most one.
//   "Unvan"/"Ünvan" alone is a job title (how contact lists use it); "Ticari Unvan",
//   "Firma Unvanı", "Şirket Unvanı" are a company's legal name.
//
// import.vcard (write) {
//   entity: "lead" | "contact", data_base64 | text, duplicates?, invalid_emails?, defaults?, dry_run?
// } -> same report as import.csv, with "card" (1-based) and "line" instead of "row" in skipped/warnings.
//   vCard 2.1, 3.0 and 4.0; folded lines; QUOTED-PRINTABLE with soft breaks; CHARSET=UTF-8,
//   WINDOWS-1254, ISO-8859-9; escapes \, \; \n; N, FN, ORG, TITLE, TEL, EMAIL, ADR, NOTE, URL.
//
// export.csv (read) {
//   command: "lead.list" | "contact.list" | "company.list" | any other read command named *.list
//            answering {items, total},
//   args?: {...the list's filters and sort; limit/offset are ignored: every row is exported},
//   columns?: [{field: "name" | "stage.name", title: "Ad Soyad", format?: "minor_units"}, ...]
//             (default: the items' keys); minor_units writes an integer of hundredths (a deal's
//             amount in kuruş/cents) as a decimal number: 1250050 -> "12500.50",
//   decimal_separator?: "." (default) | ","   -- for minor_units columns (Turkish Excel: ","),
//   delimiter?: ";" (default; Turkish Excel) | "," | "\t",
//   yes_no?: ["Evet", "Hayır"]               -- how booleans are written (default "true"/"false")
// } -> {text: "\uFEFF...CRLF lines...", rows: n, columns: n, filename: "lead-list.csv"}
//   Cells starting with = + - @ tab or CR get a leading ' so spreadsheets never run them.
//
// export.vcard (read) {contact_id} -> {text: "BEGIN:VCARD\r\nVERSION:4.0\r\n...", filename: "Ayse Yilmaz.vcf"}
#pragma once

#include "core/command.hpp"

namespace kervan {

// import.vcard and export.vcard (exchange_vcard.cpp); called by register_exchange_commands.
void register_vcard_commands(CommandRegistry& registry);

}  // namespace kervan
