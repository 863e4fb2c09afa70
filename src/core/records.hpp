// Generic storage of the core's record types (leads, contacts, companies): a declarative
// field list per type, and the reading, validating and writing every type shares, so each
// field write is checked, stored and HLC-stamped the same way.
#pragma once
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/args.hpp"
#include "core/command.hpp"

namespace kervan {

enum class FieldKind {
  text,       // string
  text_list,  // array of strings (tags, e-mails, phones), stored as JSON text
  boolean,    // true/false, stored as 0/1
  reference,  // id of another record (or ""), stored as TEXT or NULL
};

// Entries a list field (tags, e-mails, phones) may hold.
inline constexpr std::size_t kMaxListEntries = 50;

// Refuses a record whose text or list fields exceed their limits (naming the field); run by
// insert_record and update_record, so values built by merges and conversions are held to
// the same limits as typed ones.
struct RecordType;
void check_limits(const RecordType& type, const Json& record);

struct FieldDef {
  std::string_view name;     // API key and column name
  FieldKind kind = FieldKind::text;
  TextRule rule{};           // for text and each list item
  bool writable = true;      // accepted from create/update arguments
  bool searchable = false;   // folded into search_text
  std::string_view references = {};  // table a reference points to
};

struct RecordType {
  std::string_view entity;   // name in the change log ("lead")
  std::string_view table;    // SQL table ("leads")
  std::string_view label;    // for messages ("lead")
  std::vector<FieldDef> fields;

  const FieldDef* field(std::string_view name) const;
  // "id, name, company, ..., created_at, updated_at"
  std::string select_columns() const;
};

// The names of the fields a caller may set, plus `extra` (e.g. "id" for updates).
std::vector<std::string_view> writable_names(const RecordType& type, std::initializer_list<std::string_view> extra = {});

// The common create and update commands: arguments limited to the writable fields, `check`
// run on the resulting record (throws CommandError to refuse), stored, stamped and indexed
// for duplicate detection.
using RecordCheck = std::function<void(const Json& record)>;
Json create_from_args(CommandContext& ctx, const RecordType& type, const Json& args, const RecordCheck& check);
Json update_from_args(CommandContext& ctx, const RecordType& type, const Json& args, const RecordCheck& check);

// The record with this id as JSON, or nullopt.
std::optional<Json> find_record(Database& db, const RecordType& type, std::string_view id);
// The same, or a not_found error naming `field`.
Json require_record(Database& db, const RecordType& type, std::string_view id, std::string_view field = "id");

// Applies the writable fields present in args to `record` (trimmed, checked, normalised);
// returns the names of fields whose value changed. Unknown keys are refused by the caller's
// ArgsReader::allow_only.
std::vector<std::string> apply_fields(const RecordType& type, const ArgsReader& args, Json& record);

// A new record with every field at its empty value and a fresh id.
Json blank_record(const RecordType& type);

// The identity of one entry of a list field, for spotting repeats.
std::string entry_key(const FieldDef& f, const std::string& text);
// Parses a list field's value (trimmed, checked, repeats dropped); refuses wrong types.
Json read_text_list(const FieldDef& f, const Json& value);

// Stores a new record (id, fields, created_at/updated_at set from `now`) and stamps `fields`
// plus created_at in the change log; `search_text` is computed by `search`.
void insert_record(CommandContext& ctx, const RecordType& type, Json& record, std::vector<std::string> fields);
// Stores changed fields of an existing record, bumps updated_at and stamps them. No-op when
// `changed` is empty.
void update_record(CommandContext& ctx, const RecordType& type, Json& record, const std::vector<std::string>& changed);
// Deletes the row and leaves a tombstone.
void delete_record(CommandContext& ctx, const RecordType& type, std::string_view id);

// Folded text of the searchable fields (and the digits of phone fields).
std::string search_text_of(const RecordType& type, const Json& record);

// A list's search: every folded word of the query must appear in search_text.
struct Search {
  bool any = false;   // the query had a word
  std::string match;  // FTS5 query for the table's trigram index (words of 3+ letters); empty: none
  std::vector<std::string> pairs;  // 2-letter words, looked up through the index's trigrams
  std::vector<std::string> words;  // the folded words of 3+ letters that `match` holds
};

// A 2-letter word that begins more trigrams than this is searched with LIKE instead.
constexpr std::size_t kMaxPairTrigrams = 64;

// Adds LIKE fragments to where/params for the words the index cannot take (1 letter, or a
// table without an index) and returns the rest for index_query.
Search add_search_terms(std::string_view table, std::string_view query, std::string& where,
                        std::vector<std::string>& params);

// The whole index query of a search (its 2-letter words resolved through the index's list of
// trigrams); a 2-letter word beginning too many trigrams becomes a LIKE fragment in where.
std::string index_query(Database& db, std::string_view table, const Search& search, std::string& where,
                        std::vector<std::string>& params);

// WHERE fragment: rows whose search text holds every word of `match` (the table's trigram
// index). `filter_only` keeps SQLite from reading the rows through the index (for many
// matches a walk in the sort order that tests each row stops sooner).
void add_match_filter(std::string_view table, const std::string& match, bool filter_only, std::string& where,
                      std::vector<std::string>& params);

// WHERE fragment: the record's tags (a JSON array column) hold `tag`, compared folded.
void add_tag_filter(const RecordType& type, std::string_view tag, std::string& where, std::vector<std::string>& params);

// limit (1..100000, default 100) and offset (default 0) of a list command.
struct Paging {
  int64_t limit = 100;
  int64_t offset = 0;
};
Paging read_paging(const ArgsReader& reader);

// "name" or "-created_at" -> " ORDER BY ..." for the allowed keys (text sorts in Turkish order).
std::string order_by(const RecordType& type, std::string_view sort, const std::vector<std::string_view>& allowed);

// Matches a search counts before it stops: total is then this (or offset + limit if more).
constexpr int64_t kSearchCountCap = 1000;

// A search whose matches are dense enough that the newest-first walk should fill the page
// within this many rows reads those rows in sort order and tests their text, instead of
// collecting every match from the index first (which, for a word in 15 % of 100k leads, cost
// 3/4 of it). If they do not fill the page, the match set answers after all.
constexpr int64_t kSearchWalkRows = 2000;

// Runs a counted, paged list query: {"items", "total", "limit", "offset", "sort"}. With a
// search, total stops at the cap and "total_capped": true says there are more.
Json list_records(Database& db, const RecordType& type, std::string where, std::vector<std::string> params,
                  const std::string& order, int64_t limit, int64_t offset, std::string_view sort,
                  const Search& search = {});

}  // namespace kervan
