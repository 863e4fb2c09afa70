// What travels in a sync file: one description per record kind (entity), built from the
// record types (records.hpp) and the typed tables (deals.hpp), plus the row reading and
// writing sync needs: whole rows by sync id, values exactly as stored, derived columns
// (search text, updated_at, duplicate keys) recomputed after every change.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/command.hpp"

namespace kervan {

class Database;
class ChangeLog;
class Statement;

enum class SyncKind {
  text,         // string
  integer,      // int64
  opt_integer,  // int64 or null
  boolean,      // true/false
  reference,    // id of another record, "" for none
  text_list,    // array of strings
  json,         // array (tags of deals, confirmed steps of a history entry)
};

// What a reference needs from its target when a record is imported (docs/sync.md).
enum class RefRule {
  none,
  optional,  // may be ""; a target that is deleted or unknown makes it "" (and is reported)
  loose,     // may point at a deleted record (history); an unknown target makes it ""
  required,  // the record cannot exist without its target: skipped when the target is unknown,
             // deleted with it when the target is deleted
};

struct SyncField {
  SyncField(std::string field_name, SyncKind field_kind = SyncKind::text, std::size_t max = 20000)
      : name(std::move(field_name)), kind(field_kind), max_chars(max) {}
  std::string name;
  SyncKind kind = SyncKind::text;
  std::size_t max_chars = 20000;
  RefRule rule = RefRule::none;
  std::string target;  // referenced entity; "*" = the entity named by the record's "entity" field
  bool nullable = false;  // "" is stored as NULL
  // Unique among the fields of sync_entities(), from 0 (a cache index); kNoNumber in an entity
  // made elsewhere (a test's), which is then looked up by name every time.
  static constexpr std::size_t kNoNumber = SIZE_MAX;
  std::size_t number = kNoNumber;
};

struct SyncEntity {
  SyncEntity(std::string entity, std::string sql_table, std::vector<SyncField> synced = {})
      : name(std::move(entity)), table(std::move(sql_table)), fields(std::move(synced)) {}
  std::string name;   // change-log entity and the "entity" of a sync record ("lead")
  std::string table;  // SQL table
  std::vector<SyncField> fields;  // every synced column, "created_at" included where the table has it
  // Tables without an id column (list_values, settings) are keyed by these fields; their sync
  // id is derived from the key (derived_uuid), so every device names them alike.
  std::vector<std::string> key_fields;
  std::vector<std::size_t> by_name;  // indices of `fields` in name order
  std::string row_filter = "1";  // SQL condition on the rows that travel
  bool timestamps = true;        // has created_at / updated_at
  bool searchable = false;       // has search_text
  bool dedupe = false;           // indexed in dedupe_keys

  const SyncField* field(std::string_view name) const;
  bool has_id_column() const { return key_fields.empty(); }
};

// Every entity, in an order where targets of required references come first.
const std::vector<SyncEntity>& sync_entities();
const SyncEntity* find_sync_entity(std::string_view name);

// The sync id of a row of `e` (its id, or the id derived from its key fields).
std::string sync_id_of(const SyncEntity& e, const Json& row);
// The derived id of a keyed entity from its key values ("list_value" + list + key).
std::string keyed_id(const SyncEntity& e, const Json& row);

// Rows as stored, one at a time: columns id (where the table has one), then e.fields in order
// (ordered by id where the table has one). sync_value reads a field's column in its sync form.
void for_each_stored_row(Database& db, const SyncEntity& e, const std::function<void(const Statement&)>& fn,
                         const std::string& where = "1", const std::vector<std::string>& params = {});
Json sync_value(const Statement& st, int column, const SyncField& f);
// The value a field of this kind has when nothing was put in it ("", 0, null, false, []): a
// version 2 file leaves out the fields that hold it and were never written.
const Json& empty_sync_value(SyncKind kind);
// Rows as {"id": sync id, field: value, ...} (values in their sync form).
std::vector<Json> read_rows(Database& db, const SyncEntity& e, const std::string& where = "1",
                            const std::vector<std::string>& params = {});
// The same one row at a time (ordered by id where the table has one), for reading a table
// whole without holding it.
void for_each_row(Database& db, const SyncEntity& e, const std::function<void(Json&)>& fn, const std::string& where = "1",
                  const std::vector<std::string>& params = {});
std::optional<Json> read_row(Database& db, const SyncEntity& e, std::string_view id);
// The row of a keyed entity (list_value, setting) with these key values.
std::optional<Json> read_keyed_row(Database& db, const SyncEntity& e, const Json& keys);
bool row_exists(Database& db, const SyncEntity& e, std::string_view id);

// Writes a whole new row (every field of `row` present).
void insert_sync_row(Database& db, const SyncEntity& e, const Json& row);
// Writes the given fields of an existing row.
void update_sync_row(Database& db, const SyncEntity& e, const Json& row, const std::vector<std::string>& fields);
// Removes the row (not the stamps: the caller leaves the tombstone).
void delete_sync_row(Database& db, const SyncEntity& e, const Json& row);
// Recomputes what is derived from a row: updated_at (the wall time of its newest stamp),
// search_text and duplicate keys. Pass the row as stored; `deleted` drops the duplicate keys.
void refresh_derived(Database& db, ChangeLog& changes, const SyncEntity& e, const Json& row, bool deleted = false);

// Search text of a typed-table row (defined in pipelines.cpp), so sync recomputes it the same way.
struct Table;
std::string row_search_text(const Table& t, const Json& row);

}  // namespace kervan
