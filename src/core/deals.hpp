// Deals through pipelines, with activities and exchange rates (issue 4). Shared between
// pipelines.cpp, deals.cpp, activities.cpp and rates.cpp.
//
// The records here have integer columns (amounts, probabilities, positions), which the
// generic RecordType does not know, so they use the small typed row layer below. It follows
// the same rules as records.cpp: every field write is stamped in field_stamps through
// ctx.changes, every delete leaves a tombstone, created_at/updated_at come from the HLC.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/args.hpp"
#include "core/command.hpp"

namespace kervan {

class Database;

enum class ColKind {
  text,         // string
  integer,      // int64
  opt_integer,  // int64 or null
  boolean,      // bool, stored 0/1
  reference,    // id or "", stored TEXT or NULL
  json,         // any JSON value, stored as text
};

struct Column {
  std::string_view name;
  ColKind kind = ColKind::text;
};

struct Table {
  std::string_view entity;  // name in the change log
  std::string_view table;   // SQL table
  std::string_view label;   // for messages
  std::vector<Column> columns;
  bool searchable = false;  // has a search_text column, filled from `search_fields`
  std::vector<std::string_view> search_fields = {};

  const Column* column(std::string_view name) const;
  std::string select_columns(std::string_view prefix = {}) const;
};

const Table& pipeline_table();
const Table& stage_table();
const Table& step_table();
const Table& deal_table();
const Table& history_table();
const Table& deal_step_table();
const Table& rate_table();
const Table& activity_table();
const Table& activity_link_table();

// A new row: fresh id, every column at its empty value.
Json blank_row(const Table& t);
std::optional<Json> find_row(Database& db, const Table& t, std::string_view id);
Json require_row(Database& db, const Table& t, std::string_view id, std::string_view field = "id");
// Rows matching `where` (SQL after WHERE, parameters ?1..), in `order`.
std::vector<Json> select_rows(Database& db, const Table& t, const std::string& where,
                              const std::vector<std::string>& params = {}, const std::string& order = "");
// Stores a new row and stamps every column plus created_at.
void insert_row(CommandContext& ctx, const Table& t, Json& row);
// Stores the changed columns, bumps updated_at, stamps them. No-op when nothing changed.
void update_row(CommandContext& ctx, const Table& t, Json& row, const std::vector<std::string>& changed);
// Sets `values` on the row, writing and stamping only those that differ.
void set_fields(CommandContext& ctx, const Table& t, Json& row, const Json& values);
void delete_row(CommandContext& ctx, const Table& t, std::string_view id);

// Helpers for arguments.
std::string read_id(const ArgsReader& reader, std::string_view key = "id");
// A date "YYYY-MM-DD" (or "" when empty), refused naming `field` when it is not a real date.
std::string read_date(const ArgsReader& reader, std::string_view key);
// A time, normalised to "2026-11-26T09:00:00.000Z" (a bare date is midnight UTC); "" when empty.
std::string read_time(const ArgsReader& reader, std::string_view key);
int64_t time_ms(const std::string& iso);  // 0 for ""

// Money: amounts are integer minor units; rates are millionths of a base unit per unit.
std::string base_currency(Database& db);
// The current rate of a currency in micro-units (1000000 for the base), or nullopt.
std::optional<int64_t> rate_micro(Database& db, std::string_view currency);
// Amount converted with a rate, rounded half up.
int64_t to_base(int64_t amount, int64_t rate_micro);
// amount × percent / 100, rounded half up.
int64_t weighted(int64_t amount, int64_t percent);
// Checks a currency code (3-10 letters, upper-cased): TRY, USD, EUR, the base or one with a rate.
std::string check_currency(Database& db, std::string_view value, std::string_view field = "currency");
// "34.25" or 34.25 -> 34250000. Refuses anything that is not a positive decimal, naming field.
int64_t parse_micro(const Json& value, std::string_view field);
std::string format_micro(int64_t micro);

// The next scheduled activity of a record (not done, earliest due), or null.
Json next_activity(Database& db, std::string_view entity, std::string_view id);
// The activities linked to a record: last activity time (created or done), and whether any
// is scheduled after `now_iso`.
struct ActivityTouch {
  std::string last_at;        // "" when none
  bool future_scheduled = false;
};
ActivityTouch activity_touch(Database& db, std::string_view deal_id, const std::string& now_iso);
// Deletes the activity links pointing at a record (for deletes of that record).
// deal.create for other commands (lead.convert): same checks, same reply.
Json create_deal(CommandContext& ctx, const Json& args);
void drop_links_to(CommandContext& ctx, std::string_view entity, std::string_view id);

// Moves an open deal to another stage of its pipeline, closing the current history entry and
// opening a new one. `reason` and `confirmed` go into the new entry.
void move_deal_to_stage(CommandContext& ctx, Json& deal, const Json& stage, std::string_view reason,
                        const Json& confirmed = Json::array());

void register_pipeline_commands(CommandRegistry& registry);
void register_activity_commands(CommandRegistry& registry);
void register_rate_commands(CommandRegistry& registry);
void register_deal_commands(CommandRegistry& registry);

}  // namespace kervan
