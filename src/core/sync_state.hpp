// What a device remembers about sync, kept in the meta table: its name, when it last exported
// and imported, its last export to each peer, and which records it received when (so an
// export "since the last one to a peer" also forwards what other devices sent meanwhile).
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/command.hpp"

namespace kervan {

class Database;
struct HlcStamp;

std::string read_meta_value(Database& db, const std::string& key);
void write_meta_value(Database& db, const std::string& key, const std::string& value);

// The name the user gave this device ("" when none) and the name to show ("device-1a2b3c4d").
std::string device_name(Database& db);
std::string device_display_name(Database& db, const std::string& device_id);

// The clock stamp of the last export to `peer`, or "" when there was none.
std::string peer_export_clock(Database& db, const std::string& peer);
void remember_export(Database& db, const std::string& peer, const HlcStamp& clock, const std::string& at_iso);
void remember_import(Database& db, const std::string& at_iso);

// Marks records as received at local stamp `stamp`; lists those received after `since`.
void mark_seen(Database& db, const std::vector<std::pair<std::string, std::string>>& records, const std::string& stamp);
std::vector<std::pair<std::string, std::string>> records_seen_after(Database& db, const std::string& since);

// Everything that sync makes equal between devices, in a canonical order: every synced row
// with all its columns (derived ones too), the field stamps, tombstones and duplicate keys, as
// (table, rows as JSON array texts). Device-local rows (meta, language and booth settings) are
// left out.
using CanonicalState = std::vector<std::pair<std::string, std::vector<std::string>>>;
CanonicalState canonical_state(Database& db);
// A short fingerprint of the state (128-bit, not cryptographic): equal on two devices exactly
// when they hold the same data.
std::string state_digest(const CanonicalState& state);

// device.get's reply.
Json device_info(Database& db, const std::string& device_id);

// An export (sync_export.cpp), planned first as keys only, then written as JSON text in
// chunks to a sink, never held whole. `since` "" for everything.
struct SyncExportPlan {
  std::string since;
  std::map<std::string, std::vector<std::string>> records;  // entity -> ids that go, in text order
  std::map<std::pair<std::string, std::string>, std::string> tombstones;  // (entity, id) -> stamp
  std::size_t record_count = 0, tombstone_count = 0;    // as they will be in the file
};
using TextSink = std::function<void(std::string_view)>;
SyncExportPlan plan_sync_export(CommandContext& ctx, const std::string& since);
// `indent` as Json::dump's: -1 compact, 1 one space per level (the CLI's files).
void write_sync_export(CommandContext& ctx, const SyncExportPlan& plan, const HlcStamp& clock, const TextSink& sink,
                       int indent = -1);
// sync.export with the document written to `sink` instead of the reply (Core::export_sync).
Json sync_export_to(CommandContext& ctx, const Json& args, const TextSink& sink, int indent = -1);
// sync.import of a file's text (Core::import_sync_text).
Json sync_import_text(CommandContext& ctx, std::string_view text, bool dry_run);
// The whole document as one JSON tree, for small exports (the sync.export command).
Json build_sync_export(CommandContext& ctx, const std::string& since, const HlcStamp& clock);

}  // namespace kervan
