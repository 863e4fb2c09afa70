// The one place where record identity and change tracking live, shared by every entity:
// each field write gets a hybrid logical clock stamp, each delete leaves a tombstone.
// Sync (export/import) reads these through the functions below; entity code only writes.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace kervan {

class Database;
class Statement;

// A new random (version 4) UUID in its usual 36-character text form.
std::string new_uuid();
// A UUID derived from a name (the same on every device), for records whose identity is a
// natural key: a rate by currency, an activity link by its ends, a list value by list and key.
std::string derived_uuid(std::string_view name);
// True for the 36-character lowercase form 8-4-4-4-12 of hex digits.
bool is_uuid(std::string_view text);

using FieldStamps = std::map<std::string, std::string>;         // field -> stamp text
using RecordKey = std::pair<std::string, std::string>;          // entity, record id

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

  // For sync. Every stamped field of a record.
  FieldStamps record_stamps(std::string_view entity, std::string_view record_id);
  // Every stamped field of every record (one read for a whole export or import).
  std::map<RecordKey, FieldStamps> all_stamps();
  // The same as stored (a short text per record, a tenth of the memory); unpack_stamps reads one.
  std::map<RecordKey, std::string> all_packed_stamps();
  FieldStamps unpack_stamps(std::string_view packed);
  // The stamps of one entity's records in id (text) order, read alongside the rows of a
  // table (ordered by id too) so an export never holds every stamp at once.
  class EntityStamps {
   public:
    // `fields` are the fields of() answers for, in its order.
    EntityStamps(ChangeLog& log, std::string_view entity, const std::vector<std::string>& fields);
    ~EntityStamps();
    EntityStamps(const EntityStamps&) = delete;
    EntityStamps& operator=(const EntityStamps&) = delete;
    // The stamp text of each field of `id`, "" where it was never stamped; ids must be asked in
    // increasing order. Valid until the next call.
    const std::vector<std::string>& of(std::string_view id);

   private:
    ChangeLog& log_;
    std::unique_ptr<Statement> st_;
    bool has_row_ = false;
    std::string id_, stamps_;
    std::vector<int> slot_;  // field number -> position in texts_, -1 when not asked
    std::vector<std::string> texts_;
    std::string group_text_;
    void next();
  };
  // The records with a field stamped after `since` (a stamp text).
  std::vector<RecordKey> stamped_after(const std::string& since);
  // Stores fields' stamps as received (no local tick); other fields keep theirs.
  void set_stamps(std::string_view entity, std::string_view record_id, const FieldStamps& stamps);
  // Drops the record's field stamps (its tombstone, if any, stays).
  void drop_stamps(std::string_view entity, std::string_view record_id);
  // The tombstone stamp of a record, or "" when it was never deleted.
  std::string tombstone(std::string_view entity, std::string_view record_id);
  // Keeps the later of the stored and the given tombstone stamp (adds one when there is none).
  void merge_tombstone(std::string_view entity, std::string_view record_id, std::string_view stamp);

 private:
  // Small numbers for the device ids and field names that stamps use (tables stamp_devices
  // and stamp_fields), cached; reloaded after any rollback, which may have removed new ones.
  struct Names {
    std::unordered_map<std::string, int64_t> number;
    std::unordered_map<int64_t, std::string> text;
  };
  struct Stamp {
    int64_t wall = 0;
    int64_t counter = 0;
    int64_t device = 0;
  };
  using Packed = std::map<int64_t, Stamp>;  // field number -> stamp

  static bool parse(std::string_view text, Packed& out, int64_t& newest);
  // Calls fn(stamp, field numbers) for each group of a stored text; false when it is damaged.
  template <class Fn>
  static bool parse_groups(std::string_view text, Fn&& fn);
  void load_names();
  int64_t number_of(Names& names, const std::string& text);
  const std::string& text_of(Names& names, int64_t no);
  Stamp pack(const HlcStamp& stamp);
  std::string unpack(const Stamp& stamp);
  FieldStamps unpack(const Packed& packed);
  Packed read_packed(std::string_view entity, std::string_view record_id);
  void write_packed(std::string_view entity, std::string_view record_id, const Packed& packed);

  Database& db_;
  Names devices_;
  Names fields_;
  uint64_t names_generation_ = UINT64_MAX;
};

}  // namespace kervan
