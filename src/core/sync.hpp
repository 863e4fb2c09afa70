// Sync between offline devices by JSON files (issue 6). The commands, as the UI and the CLI
// call them (errors are the usual {"error": {"code", "message", "field"}}; for a refused
// document "field" is a JSON Pointer into it, e.g. "/records/12/fields/name/value"):
//
// device.get {}
//   -> {"id": uuid, "name": "Booth laptop" ("" until set), "display_name": name or "device-1a2b3c4d",
//       "last_export_at": iso time | null, "last_import_at": iso time | null,
//       "peers": [{"peer": "office", "last_export_at": iso, "last_export_clock": stamp}]}
// device.set_name {"name": "Booth laptop"}  (1..60 characters) -> the same as device.get
//
// sync.export {"since_peer"?: "office", "peer"?: "office", "since"?: stamp}
//   {} is a full export. since_peer: only what changed since the last export to that peer
//   (everything the first time) and remembers this export as the last one to it. peer: a full
//   export remembered as the last one to that peer. since: only what changed after that clock
//   stamp. Records go whole (every field with its stamp) together with the records they point
//   at, so every file is self-contained.
//   -> {"document": {...the file, see assets/sync-format.schema.json...},
//       "file_name": "kervan-booth-laptop-2026-11-27.json",
//       "counts": {"records": n, "tombstones": n}, "since": stamp | null, "clock": stamp}
//   Writes: the device's clock, last_export_at and the peer's mark (meta table).
//   More than kMaxExportReplyItems records and tombstones: refused with "too_large"; large
//   exports are streamed to a file (Core::export_sync) with the same reply minus "document".
//
// sync.import {"document": {...}} or {"text": "<the file as JSON text>"}, "dry_run"?: bool
//   Validates the whole document first (structure, types, known entities and fields, UUIDs,
//   domain rules), then applies it in one transaction; dry_run computes the report and
//   changes nothing. A newer format version is refused (code "unsupported_version").
//   -> {"source": {"id", "name"}, "format_version": 2 (as found in the file), "dry_run": bool,
//       "own_file": bool (this device's own export: nothing new),
//       "counts": {"added", "updated", "deleted", "skipped", "replaced", "discarded",
//                  "references", "clamped"},
//       "added":   [{"entity", "id"}],   "updated": [{"entity", "id", "fields": [names]}],
//       "deleted": [{"entity", "id", "stamp", "cascade": bool}],
//       "replaced":  [{"entity", "id", "field", "old", "new", "old_stamp", "new_stamp"}],
//       "discarded": [{"entity", "id", "field"?, "reason", "stamp"?, "deleted_stamp"}],
//       "references": [{"entity", "id", "field", "target_entity", "target_id",
//                       "target": "deleted" | "unknown", "action"}],
//                      action: "cleared" | "record_skipped" | "field_skipped" | "record_deleted"
//       "clamped": [{"entity", "id", "field"?, "stamp", "clamped_to"}],
//       "truncated": bool}   (each list holds at most 1000 entries; counts are exact)
//
// sync.digest {"detail"?: bool}
//   -> {"digest": 32 hex digits, "counts": {table: rows}, "state"?: {table: [rows]}}
//   Equal on two devices exactly when they hold the same synced data (support, tests).
//
// Stamps are hybrid logical clock texts "001795683600000:00000:<device id>"; they sort as
// text. The rules (per-field merge, deletes, clock clamp, references) are in docs/sync.md.
#pragma once
#include <string>
#include <string_view>

#include "core/command.hpp"

namespace kervan {

// The format this build writes; documents with a higher version are refused, older ones read
// (version 2: a record is {entity, id, stamp, stamps, values}; version 1: {entity, id, fields}
// with {value, stamp} per field; version 0, a draft before the first release, is refused).
inline constexpr const char* kSyncFormatName = "kervan-sync";
inline constexpr int kSyncFormatVersion = 2;

// sync.export answers with the document only up to this many records and tombstones; a
// larger export is refused ("too_large") and must be streamed (Core::export_sync: the CLI's
// export, the Data menu, window.kervan.exportSync), because the document as a JSON tree
// needs many times its text size.
inline constexpr std::size_t kMaxExportReplyItems = 20000;

// Entries kept in each list of an import report.
inline constexpr std::size_t kMaxReportEntries = 1000;

}  // namespace kervan
