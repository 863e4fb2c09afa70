#include "core/records.hpp"

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include <algorithm>
#include <cctype>

#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/dedupe.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

Json empty_value(const FieldDef& f) {
  switch (f.kind) {
    case FieldKind::text_list: return Json::array();
    case FieldKind::boolean: return false;
    default: return "";
  }
}

Json read_column(const Statement& st, int col, const FieldDef& f) {
  switch (f.kind) {
    case FieldKind::text_list: {
      Json list = Json::parse(st.column_text(col), nullptr, false);
      return list.is_array() ? list : Json::array();
    }
    case FieldKind::boolean: return st.column_int(col) != 0;
    default: return st.column_text(col);
  }
}

void bind_value(Statement& st, int index, const FieldDef& f, const Json& value) {
  switch (f.kind) {
    case FieldKind::text_list: st.bind(index, value.dump()); break;
    case FieldKind::boolean: st.bind(index, value.get<bool>() ? 1 : 0); break;
    case FieldKind::reference: {
      const auto& id = value.get_ref<const std::string&>();
      if (id.empty()) st.bind_null(index);
      else st.bind(index, id);
      break;
    }
    default: st.bind(index, value.get_ref<const std::string&>()); break;
  }
}

Json read_row(const Statement& st, const RecordType& type) {
  Json record;
  record["id"] = st.column_text(0);
  int col = 1;
  for (const auto& f : type.fields) record[std::string(f.name)] = read_column(st, col++, f);
  record["created_at"] = st.column_text(col++);
  record["updated_at"] = st.column_text(col++);
  return record;
}

}  // namespace

// When two entries of a list field are the same: e-mails and phones by their canonical form,
// other texts by their folded letters plus their punctuation ("Sıcak" = "sıcak", "C++" != "C#").
std::string entry_key(const FieldDef& f, const std::string& text) {
  if (f.name == "emails") {
    std::string email = dedupe::normalize_email(text);
    if (!email.empty()) return email;
  }
  if (f.name == "phones") {
    std::string phone = dedupe::normalize_phone(text);
    if (!phone.empty()) return phone;
  }
  std::string key = text::fold(text) + "|";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x80 && !std::isalnum(static_cast<unsigned char>(c)) && c != ' ') key += c;
  }
  return key;
}

// A list of strings: each trimmed and checked, empties dropped, repeats dropped, order kept.
Json read_text_list(const FieldDef& f, const Json& value) {
  std::string name(f.name);
  if (!value.is_array()) throw CommandError("wrong_type", "The field " + name + " must be a list of texts", name);
  if (value.size() > kMaxListEntries) {
    throw CommandError("too_long", "The field " + name + " has more than " + std::to_string(kMaxListEntries) + " entries",
                       name);
  }
  Json out = Json::array();
  std::vector<std::string> seen;
  for (const auto& item : value) {
    if (!item.is_string()) throw CommandError("wrong_type", "Every entry of " + name + " must be text", name);
    std::string text = check_text(name, item.get_ref<const std::string&>(), f.rule);
    if (text.empty()) continue;
    std::string key = entry_key(f, text);
    bool dup = false;
    for (const auto& s : seen) dup = dup || s == key;
    if (dup) continue;
    seen.push_back(key);
    out.push_back(text);
  }
  return out;
}


const FieldDef* RecordType::field(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string RecordType::select_columns() const {
  std::string cols = "id";
  for (const auto& f : fields) cols += ", " + std::string(f.name);
  return cols + ", created_at, updated_at";
}

std::optional<Json> find_record(Database& db, const RecordType& type, std::string_view id) {
  Statement st(db, "SELECT " + type.select_columns() + " FROM " + std::string(type.table) + " WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_row(st, type);
}

Json require_record(Database& db, const RecordType& type, std::string_view id, std::string_view field) {
  auto record = find_record(db, type, id);
  if (!record) {
    throw CommandError("not_found",
                       "No " + std::string(type.label) + " has the id \"" + std::string(text::cut(id, 80)) + "\"",
                       std::string(field));
  }
  return *record;
}

Json blank_record(const RecordType& type) {
  Json record;
  record["id"] = new_uuid();
  for (const auto& f : type.fields) record[std::string(f.name)] = empty_value(f);
  record["created_at"] = "";
  record["updated_at"] = "";
  return record;
}

std::vector<std::string> apply_fields(const RecordType& type, const ArgsReader& args, Json& record) {
  std::vector<std::string> changed;
  for (const auto& f : type.fields) {
    if (!f.writable || !args.has(f.name)) continue;
    std::string name(f.name);
    Json value;
    switch (f.kind) {
      case FieldKind::text:
      case FieldKind::reference: value = args.text(f.name, f.rule).value_or(""); break;
      case FieldKind::boolean: {
        const Json& raw = args.raw(f.name);
        if (!raw.is_boolean()) throw CommandError("wrong_type", "The field " + name + " must be true or false", name);
        value = raw.get<bool>();
        break;
      }
      case FieldKind::text_list: {
        const Json& raw = args.raw(f.name);
        value = raw.is_null() ? Json::array() : read_text_list(f, raw);
        break;
      }
    }
    if (record[name] != value) {
      record[name] = value;
      changed.push_back(name);
    }
  }
  return changed;
}

std::string search_text_of(const RecordType& type, const Json& record) {
  std::string out;
  std::string digits;
  auto add = [&](const std::string& value, bool phone) {
    std::string folded = text::fold(value);
    if (!folded.empty()) out += folded + " ";
    if (phone) {
      for (char c : value) {
        if (c >= '0' && c <= '9') digits += c;
      }
      digits += ' ';
    }
  };
  for (const auto& f : type.fields) {
    if (!f.searchable) continue;
    bool phone = f.name.find("phone") != std::string_view::npos;
    const Json& value = record[std::string(f.name)];
    if (value.is_string()) add(value.get_ref<const std::string&>(), phone);
    if (value.is_array()) {
      for (const auto& item : value) add(item.get<std::string>(), phone);
    }
  }
  return out + digits;
}

void check_limits(const RecordType& type, const Json& record) {
  for (const auto& f : type.fields) {
    std::string name(f.name);
    const Json& value = record[name];
    if (value.is_string() && text::count_code_points(value.get_ref<const std::string&>()) > f.rule.max_chars) {
      throw CommandError("too_long",
                         "The " + std::string(type.label) + "'s " + name + " would have more than " +
                             std::to_string(f.rule.max_chars) + " characters",
                         name);
    }
    if (value.is_array() && value.size() > kMaxListEntries) {
      throw CommandError("too_long",
                         "The " + std::string(type.label) + "'s " + name + " would have more than " +
                             std::to_string(kMaxListEntries) + " entries",
                         name);
    }
  }
}

void insert_record(CommandContext& ctx, const RecordType& type, Json& record, std::vector<std::string> fields) {
  check_limits(type, record);
  HlcStamp stamp = ctx.clock.tick();
  std::string now = format_iso8601(stamp.wall_ms);
  record["created_at"] = now;
  record["updated_at"] = now;
  std::string sql = "INSERT INTO " + std::string(type.table) + "(" + type.select_columns() + ", search_text) VALUES(?1";
  for (std::size_t i = 2; i <= type.fields.size() + 4; ++i) sql += ", ?" + std::to_string(i);
  sql += ")";
  Statement st(ctx.db, sql);
  int index = 1;
  st.bind(index++, record["id"].get_ref<const std::string&>());
  for (const auto& f : type.fields) bind_value(st, index++, f, record[std::string(f.name)]);
  st.bind(index++, now);
  st.bind(index++, now);
  st.bind(index++, search_text_of(type, record));
  st.run();
  fields.emplace_back("created_at");
  ctx.changes.stamp_fields(type.entity, record["id"].get<std::string>(), fields, stamp);
}

void update_record(CommandContext& ctx, const RecordType& type, Json& record, const std::vector<std::string>& changed) {
  if (changed.empty()) return;
  check_limits(type, record);
  HlcStamp stamp = ctx.clock.tick();
  record["updated_at"] = format_iso8601(stamp.wall_ms);
  std::string sql = "UPDATE " + std::string(type.table) + " SET ";
  int index = 2;
  for (const auto& name : changed) sql += name + " = ?" + std::to_string(index++) + ", ";
  sql += "updated_at = ?" + std::to_string(index) + ", search_text = ?" + std::to_string(index + 1) + " WHERE id = ?1";
  Statement st(ctx.db, sql);
  st.bind(1, record["id"].get_ref<const std::string&>());
  index = 2;
  for (const auto& name : changed) bind_value(st, index++, *type.field(name), record[name]);
  st.bind(index++, record["updated_at"].get_ref<const std::string&>());
  st.bind(index++, search_text_of(type, record));
  st.run();
  ctx.changes.stamp_fields(type.entity, record["id"].get<std::string>(), changed, stamp);
}

std::vector<std::string_view> writable_names(const RecordType& type, std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> names;
  for (const auto& f : type.fields) {
    if (f.writable) names.push_back(f.name);
  }
  names.insert(names.end(), extra.begin(), extra.end());
  return names;
}

Json create_from_args(CommandContext& ctx, const RecordType& type, const Json& args, const RecordCheck& check) {
  ArgsReader reader(args);
  reader.allow_only(writable_names(type));
  Json record = blank_record(type);
  std::vector<std::string> written = apply_fields(type, reader, record);
  check(record);
  insert_record(ctx, type, record, written);
  refresh_dedupe_keys(ctx.db, type.entity, record["id"].get<std::string>(), record);
  return record;
}

Json update_from_args(CommandContext& ctx, const RecordType& type, const Json& args, const RecordCheck& check) {
  ArgsReader reader(args);
  reader.allow_only(writable_names(type, {"id"}));
  Json record = require_record(ctx.db, type, reader.required_text("id", {64}));
  std::vector<std::string> changed = apply_fields(type, reader, record);
  check(record);
  update_record(ctx, type, record, changed);
  if (!changed.empty()) refresh_dedupe_keys(ctx.db, type.entity, record["id"].get<std::string>(), record);
  return record;
}

void clear_links(CommandContext& ctx, const RecordType& type, std::string_view field, std::string_view target_id) {
  std::vector<std::string> ids;
  Statement st(ctx.db, "SELECT id FROM " + std::string(type.table) + " WHERE " + std::string(field) + " = ?1");
  st.bind(1, target_id);
  while (st.step()) ids.push_back(st.column_text(0));
  for (const auto& id : ids) {
    Json record = require_record(ctx.db, type, id);
    record[std::string(field)] = "";
    update_record(ctx, type, record, {std::string(field)});
    refresh_dedupe_keys(ctx.db, type.entity, id, record);
  }
}

void delete_record(CommandContext& ctx, const RecordType& type, std::string_view id) {
  drop_links_to(ctx, type.entity, id);  // activities linked to the record lose that link
  Statement st(ctx.db, "DELETE FROM " + std::string(type.table) + " WHERE id = ?1");
  st.bind(1, id).run();
  ctx.changes.record_delete(type.entity, id, ctx.clock.tick());
}

namespace {

// Tables with a trigram index "<table>_search" over search_text (schema migration 8).
bool has_search_index(std::string_view table) {
  return table == "leads" || table == "contacts" || table == "companies" || table == "deals";
}

// An FTS5 string: in double quotes, a quote doubled (folded text has none, but be exact).
std::string fts_phrase(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::size_t count_code_points(const std::string& word) {
  std::size_t n = 0;
  for (char c : word) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

Search add_search_terms(std::string_view table, std::string_view query, std::string& where,
                        std::vector<std::string>& params) {
  Search search;
  std::string folded = text::fold(query);
  bool indexed = has_search_index(table);
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    std::string word = folded.substr(start, end - start);
    search.any = true;
    // A trigram phrase matches exactly the texts holding the word; 2 letters are looked up
    // through the trigrams they begin; 1 letter is read with LIKE.
    std::size_t letters = count_code_points(word);
    if (indexed && letters == 2) {
      search.pairs.push_back(word);
    } else if (indexed && letters >= 3) {
      search.match += (search.match.empty() ? "" : " AND ") + fts_phrase(word);
      search.words.push_back(word);
    } else {
      params.push_back("%" + word + "%");
      where += " AND search_text LIKE ?" + std::to_string(params.size());
    }
    start = end + 1;
  }
  return search;
}

std::string index_query(Database& db, std::string_view table, const Search& search, std::string& where,
                        std::vector<std::string>& params) {
  std::string query = search.match;
  for (const auto& pair : search.pairs) {
    // Every value in search_text is followed by a space, so each 2 letters of it begin one of
    // the index's trigrams: the rows holding them are the rows of those trigrams.
    Statement st(db, "SELECT term FROM " + std::string(table) + "_search_terms WHERE term >= ?1 AND term < ?2 LIMIT " +
                         std::to_string(kMaxPairTrigrams + 1));
    st.bind(1, pair).bind(2, pair + "\xff");
    std::vector<std::string> terms;
    while (st.step()) terms.push_back(st.column_text(0));
    if (terms.size() > kMaxPairTrigrams) {  // a pair in very many words: read the rows instead
      params.push_back("%" + pair + "%");
      where += " AND search_text LIKE ?" + std::to_string(params.size());
      continue;
    }
    // No trigram: a 2-letter phrase, which the index matches nowhere.
    std::string group = terms.empty() ? fts_phrase(pair) : "";
    for (const auto& term : terms) group += (group.empty() ? "" : " OR ") + fts_phrase(term);
    query += (query.empty() ? "(" : " AND (") + group + ")";
  }
  return query;
}

void add_match_filter(std::string_view table, const std::string& match, bool filter_only, std::string& where,
                      std::vector<std::string>& params) {
  if (match.empty()) return;
  params.push_back(match);
  std::string index = std::string(table) + "_search";
  where += std::string(" AND ") + (filter_only ? "+" : "") + std::string(table) + ".rowid IN (SELECT rowid FROM " +
           index + " WHERE " + index + " MATCH ?" + std::to_string(params.size()) + ")";
}

void add_tag_filter(const RecordType& type, std::string_view tag, std::string& where, std::vector<std::string>& params) {
  params.push_back(text::fold(tag));
  std::string table(type.table);
  // As a correlated subquery, like the json_each test it replaces: SQLite tests such terms
  // after the plain ones (the search match among them), so fewer rows parse their tags.
  where += " AND (SELECT kervan_has_tag(" + table + ".tags, ?" + std::to_string(params.size()) + "))";
}

Paging read_paging(const ArgsReader& reader) {
  return Paging{reader.integer("limit", 1, 100000).value_or(100), reader.integer("offset", 0, INT64_MAX / 2).value_or(0)};
}

std::string order_by(const RecordType& type, std::string_view sort, const std::vector<std::string_view>& allowed) {
  bool descending = !sort.empty() && sort[0] == '-';
  std::string_view name = descending ? sort.substr(1) : sort;
  bool ok = false;
  for (auto a : allowed) ok = ok || a == name;
  if (!ok) {
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw CommandError("invalid_value", "Cannot sort by \"" + std::string(sort) + "\"; use one of " + list +
                                            " (a leading - sorts descending)", "sort");
  }
  const FieldDef* f = type.field(name);
  bool text = f && f->kind == FieldKind::text;
  std::string direction = descending ? " DESC" : " ASC";
  // Ties in creation order, then by id; the indexes of the sort columns end with created_at.
  std::string then = name == "created_at" ? "" : ", created_at" + direction;
  return " ORDER BY " + std::string(name) + (text ? " COLLATE TURKISH" : "") + direction + then + ", id";
}

namespace {

int64_t count_rows(Database& db, const std::string& sql, const std::vector<std::string>& params) {
  Statement count(db, sql);
  for (std::size_t i = 0; i < params.size(); ++i) count.bind(static_cast<int>(i + 1), params[i]);
  count.step();
  return count.column_int(0);
}

// The sort by creation time (indexed), which a word's matches mostly do not depend on: walking
// it, the matches come at about their overall rate.
bool sort_by_creation(std::string_view sort) {
  if (!sort.empty() && sort[0] == '-') sort.remove_prefix(1);
  return sort == "created_at";
}

}  // namespace

Json list_records(Database& db, const RecordType& type, std::string where, std::vector<std::string> params,
                  const std::string& order, int64_t limit, int64_t offset, std::string_view sort, const Search& search) {
  std::string table(type.table);
  // A search counts its matches only up to a cap: past it the count is a scan of the table
  // (a 1-letter word matches nearly every row) and a list shows "1000+" anyway.
  int64_t cap = std::max<int64_t>(kSearchCountCap, offset + limit);
  int64_t matches = -1;  // rows the index query matches, up to what is counted
  bool walk = false;       // dense matches: first try the sort order's first rows, text tested
  std::string walk_where;
  std::vector<std::string> walk_params;
  std::string match = index_query(db, table, search, where, params);
  bool other_filters = !where.empty();
  if (!match.empty()) {
    // Dense matches under a sort by time fill the page within kSearchWalkRows rows of the walk:
    // count far enough to know whether they are that dense (a count is cheaper than the set).
    // Past 10 × cap, counting would cost more than the walk saves.
    int64_t dense_from = INT64_MAX;
    if (!other_filters && sort_by_creation(sort)) {
      int64_t rows = count_rows(db, "SELECT max(rowid) FROM " + table, {});  // >= the rows, cheap
      double from = static_cast<double>(offset + limit) * static_cast<double>(rows) / kSearchWalkRows + 1;
      if (from <= static_cast<double>(10 * cap)) dense_from = static_cast<int64_t>(from);
    }
    int64_t counted = dense_from == INT64_MAX ? cap + 1 : std::max(cap + 1, dense_from);
    matches = count_rows(db, "SELECT count(*) FROM (SELECT 1 FROM " + table + "_search WHERE " + table +
                                 "_search MATCH ?1 LIMIT " + std::to_string(counted) + ")",
                         {match});
    if (matches >= dense_from) {
      // Each word is a substring of the row's folded text exactly where the index matches it
      // (every value in the text ends with a space, so a 2-letter word always begins a trigram).
      // Only the first kSearchWalkRows rows of the sort order are read: matches that cluster
      // elsewhere (an old trade show's name, newest first) fall back to the match set below.
      walk_where = where;
      walk_params = params;
      bool newest_first = sort[0] == '-';
      Statement edge(db, "SELECT created_at FROM " + table + " ORDER BY created_at" + (newest_first ? " DESC" : "") +
                             " LIMIT 1 OFFSET " + std::to_string(kSearchWalkRows - 1));
      if (edge.step()) {  // the walk stops at the creation time of that row (all its ties included)
        walk_params.push_back(edge.column_text(0));
        walk_where += std::string(" AND created_at ") + (newest_first ? ">=" : "<=") + " ?" +
                      std::to_string(walk_params.size());
      }
      for (const auto* list : {&search.words, &search.pairs}) {
        for (const auto& word : *list) {
          walk_params.push_back(word);
          walk_where += " AND instr(search_text, ?" + std::to_string(walk_params.size()) + ") > 0";
        }
      }
      walk = true;
    }
    // Many matches: walk the sort order's index and test each row against the match set, which
    // stops after a page; few: read just the matches and sort them.
    add_match_filter(table, match, matches > kSearchCountCap, where, params);
  }
  auto read_page = [&](const std::string& from, const std::vector<std::string>& values) {
    Statement st(db, "SELECT " + type.select_columns() + from + order + " LIMIT ?" + std::to_string(values.size() + 1) +
                         " OFFSET ?" + std::to_string(values.size() + 2));
    for (std::size_t i = 0; i < values.size(); ++i) st.bind(static_cast<int>(i + 1), values[i]);
    st.bind(static_cast<int>(values.size() + 1), limit);
    st.bind(static_cast<int>(values.size() + 2), offset);
    Json page = Json::array();
    while (st.step()) page.push_back(read_row(st, type));
    return page;
  };
  std::string from = " FROM " + table + " WHERE 1" + where;
  Json items = Json::array();
  if (walk) items = read_page(" FROM " + table + " WHERE 1" + walk_where, walk_params);
  // A full page from the walk holds exactly the first matches in sort order; anything less may
  // have stopped short of matches further on.
  if (!walk || static_cast<int64_t>(items.size()) < limit) items = read_page(from, params);

  int64_t total = 0;
  if (static_cast<int64_t>(items.size()) < limit && (offset == 0 || !items.empty())) {
    total = offset + static_cast<int64_t>(items.size());  // the last page: nothing to count
  } else if (matches >= 0 && !other_filters) {
    total = matches;  // the index query is the whole filter
  } else if (search.any) {
    total = count_rows(db, "SELECT count(*) FROM (SELECT 1" + from + " LIMIT " + std::to_string(cap + 1) + ")", params);
  } else {
    total = count_rows(db, "SELECT count(*)" + from, params);
  }
  bool capped = search.any && total > cap;
  if (capped) total = cap;
  Json reply{{"items", std::move(items)}, {"total", total}, {"limit", limit}, {"offset", offset}, {"sort", sort}};
  if (capped) reply["total_capped"] = true;
  return reply;
}

}  // namespace kervan
