// Reading a sync file: JSON text to a checked document. Everything is validated before
// anything is written; a refusal is a CommandError whose field is a JSON Pointer into the
// document ("/records/3/fields/amount/value").
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/command.hpp"

namespace kervan {

struct SyncEntity;

struct IncomingField {
  const Json* value = nullptr;  // points into the document, which outlives the import
  std::string stamp;            // "" when the field was never written (an initial value)
};

struct IncomingRecord {
  const SyncEntity* entity = nullptr;
  std::string id;
  std::map<std::string, IncomingField> fields;
  std::string pointer;  // "/records/3"
};

struct IncomingTombstone {
  const SyncEntity* entity = nullptr;
  std::string id;
  std::string stamp;
  std::string pointer;
};

struct SyncDocument {
  int version = 0;  // as found in the file, before upgrading
  std::string device_id, device_name, clock, since, exported_at;
  std::vector<IncomingRecord> records;
  std::vector<IncomingTombstone> tombstones;
};

// Parses JSON text (refusing deep nesting and malformed text, naming the byte offset).
Json parse_sync_text(std::string_view text);

// Upgrades an older document to the current format version (in place) and returns the version
// it had; refuses a newer one. Version 0 is the pre-release draft in which each field was a
// [value, stamp] pair.
int upgrade_sync_document(Json& doc);
// The format version of a document (checking its format name); refuses a newer one.
int check_sync_version(const Json& doc);

// Checks the whole (upgraded) document: structure, types, entities, fields, ids, stamps and
// domain rules. Throws CommandError naming the place. The result points into `doc`.
SyncDocument read_sync_document(const Json& doc);

// True for a stamp text as the clock writes it ("001795683600000:00000:device").
bool is_stamp_text(std::string_view text);

}  // namespace kervan
