// The one place where record identity and change tracking live, shared by every entity:
// each field write gets a hybrid logical clock stamp, each delete leaves a tombstone.
// Sync (export/import) reads these tables; entity code only calls the functions below.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace kervan {

class Database;

// A new random (version 4) UUID in its usual 36-character text form.
std::string new_uuid();

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

 private:
  Database& db_;
};

}  // namespace kervan
