// What a device remembers about sync, kept in the meta table: its name, when it last exported
// and imported, its last export to each peer, and which records it received when (so an
// export "since the last one to a peer" also forwards what other devices sent meanwhile).
#pragma once
#include <string>
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

// The whole export document (sync_export.cpp); `since` "" for everything.
Json build_sync_export(CommandContext& ctx, const std::string& since, const HlcStamp& clock);

}  // namespace kervan
