// The one place where record identity and change tracking live, shared by every entity:
// each field write gets a hybrid logical clock stamp, each delete leaves a tombstone.
// Sync (export/import) reads these tables; entity code only calls the functions below.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace kervan {

class Database;

// A new random (version 4) UUID in its usual 36-character text form.
std::string new_uuid();
// A UUID derived from a name (the same on every device), for records whose identity is a
// natural key: a rate by currency, an activity link by its ends, a list value by list and key.
std::string derived_uuid(std::string_view name);
// True for the 36-character lowercase form 8-4-4-4-12 of hex digits.
bool is_uuid(std::string_view text);

class ChangeLog {
 public:
  explicit ChangeLog(Database& db) : db_(db) {}

  // Records that these fields of the record were written at `stamp`.
  void stamp_fields(std::string_view entity, std::string_view record_id, const std::vector<std::string>& fields,
                    const HlcStamp& stamp);
  // Drops the record's field stamps and leaves a tombstone stamped `stamp`.
  void record_delete(std::string_view entity, std::string_view record_id, const HlcStamp& stamp);
  // The stamp of one field, or "" when the field was never written.
  std::string field_stamp(std::string_view entity, std::string_view record_id, std::string_view field);
  bool is_deleted(std::string_view entity, std::string_view record_id);

  // For sync. Every stamped field of a record: field -> stamp text.
  std::map<std::string, std::string> record_stamps(std::string_view entity, std::string_view record_id);
  // Stores one field's stamp as received (no local tick).
  void set_stamp(std::string_view entity, std::string_view record_id, std::string_view field, std::string_view stamp);
  // The tombstone stamp of a record, or "" when it was never deleted.
  std::string tombstone(std::string_view entity, std::string_view record_id);
  // Keeps the later of the stored and the given tombstone stamp (adds one when there is none).
  void merge_tombstone(std::string_view entity, std::string_view record_id, std::string_view stamp);

 private:
  Database& db_;
};

}  // namespace kervan
