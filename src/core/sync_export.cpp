// sync.export: the records (whole, every field with its stamp) and tombstones that changed
// after a clock stamp, or all of them, plus every record they point at, as one document.
//
// The document is written as JSON text, record by record, to a sink (issue 7: at 100k records
// a whole document as a JSON tree took gigabytes). First the plan: which records and
// tombstones go, as keys only, found from the ids and reference columns of the tables. Then
// each entity's rows are read in id order together with their stamps (EntityStamps, also in
// id order) and written straight from the SQLite columns as text, no JSON tree per record.
// The text is byte for byte what dumping the whole document as one tree gave (keys in the
// same order).
#include <algorithm>
#include <charconv>
#include <compare>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/sync.hpp"
#include "core/sync_entities.hpp"
#include "core/sync_state.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

// Records and tombstones changed after `since` here: written (stamp) or received (seen mark).
// An id may be listed twice (stamped and seen); the plan's walk keeps it once.
void select_changed(Database& db, ChangeLog& changes, const std::string& since,
                    std::map<std::string, std::vector<std::string>>& records, std::map<RecordKey, std::string>& tombstones) {
  for (const auto& [entity, id] : changes.stamped_after(since)) records[entity].push_back(id);
  Statement tombs(db, "SELECT entity, record_id, stamp FROM tombstones WHERE stamp > ?1");
  tombs.bind(1, since);
  while (tombs.step()) tombstones[{tombs.column_text(0), tombs.column_text(1)}] = tombs.column_text(2);
  for (const auto& [entity, id] : records_seen_after(db, since)) records[entity].push_back(id);
}

// A lowercase UUID as two numbers that order as its text does: the plan looks ids up about a
// million times at 100k records, and two words compare faster than 36 bytes.
struct IdKey {
  uint64_t high = 0, low = 0;
  auto operator<=>(const IdKey&) const = default;
};

// The key of a UUID stored as its 16 bytes (uuid_blob).
IdKey key_of_bytes(const unsigned char* bytes) {
  uint64_t words[2] = {0, 0};
  for (std::size_t i = 0; i < 16; ++i) words[i / 8] = (words[i / 8] << 8) | bytes[i];
  return {words[0], words[1]};
}

// The key of a lowercase UUID text; false for any other text.
bool key_of_text(std::string_view text, IdKey& key) {
  unsigned char bytes[16];
  if (!uuid_bytes(text, bytes)) return false;
  key = key_of_bytes(bytes);
  return true;
}

// Which rows exist and what their references point at: ids and reference values only, read
// per entity when first needed, in id order so that a row is then known by its position.
class RowIndex {
 public:
  static constexpr std::size_t npos = SIZE_MAX;
  struct Rows {
    std::vector<std::string> ids;   // in text order
    std::vector<IdKey> keys;        // the same as keys, when every id is a lowercase UUID
    bool keyed = false;
    std::vector<std::string> refs;  // per row `width` texts: the reference fields in field
                                    // order, then the "entity" of a row with a "*" reference
    std::size_t width = 0;
    std::vector<bool> going;
  };
  explicit RowIndex(Database& db) : db_(db) {}

  std::size_t find(const SyncEntity& e, std::string_view id) {
    const Rows& rows = rows_of(e);
    if (rows.keyed) {
      IdKey key;
      return key_of_text(id, key) ? find(rows, key) : npos;  // no such id among them
    }
    auto it = std::lower_bound(rows.ids.begin(), rows.ids.end(), id);
    return it != rows.ids.end() && *it == id ? static_cast<std::size_t>(it - rows.ids.begin()) : npos;
  }
  std::size_t find(const SyncEntity& e, const IdKey& key) {
    const Rows& rows = rows_of(e);
    return rows.keyed ? find(rows, key) : find(e, format_uuid(key.high, key.low));
  }
  // The rows of `e` if they were read, else nullptr.
  Rows* read(const SyncEntity& e) {
    auto it = rows_.find(&e);
    return it == rows_.end() ? nullptr : &it->second;
  }
  Rows& rows_of(const SyncEntity& e) {
    auto [it, fresh] = rows_.try_emplace(&e);
    if (fresh) load(e, it->second);
    return it->second;
  }

 private:
  Database& db_;
  std::unordered_map<const SyncEntity*, Rows> rows_;

  static std::size_t find(const Rows& rows, const IdKey& key) {
    auto it = std::lower_bound(rows.keys.begin(), rows.keys.end(), key);
    return it != rows.keys.end() && *it == key ? static_cast<std::size_t>(it - rows.keys.begin()) : npos;
  }
  // Keys for rows.ids (sorted as text, so the keys come sorted too) when all are UUIDs.
  static void make_keys(Rows& rows) {
    rows.keys.resize(rows.ids.size());
    for (std::size_t i = 0; i < rows.ids.size(); ++i) {
      if (!key_of_text(rows.ids[i], rows.keys[i])) {
        rows.keys.clear();
        return;
      }
    }
    rows.keyed = true;
  }

  void load(const SyncEntity& e, Rows& rows) {
    if (!e.has_id_column()) {  // list values and settings: few rows, ids derived from keys
      for (auto& row : read_rows(db_, e)) rows.ids.push_back(row["id"].get<std::string>());
      std::sort(rows.ids.begin(), rows.ids.end());
      make_keys(rows);
      rows.going.assign(rows.ids.size(), false);
      return;
    }
    std::string columns = "id";
    bool polymorphic = false;
    for (const auto& f : e.fields) {
      if (f.kind != SyncKind::reference) continue;
      columns += ", " + f.name;
      ++rows.width;
      polymorphic = polymorphic || f.target == "*";
    }
    if (polymorphic) {
      columns += ", entity";
      ++rows.width;
    }
    // Read in table order and sorted here: ORDER BY id costs a lookup per row.
    std::vector<std::string> ids, refs;
    Statement st(db_, "SELECT " + columns + " FROM " + e.table + " WHERE " + e.row_filter);
    while (st.step()) {
      ids.emplace_back(st.column_view(0));
      for (int col = 1; col <= static_cast<int>(rows.width); ++col) refs.emplace_back(st.column_view(col));
    }
    std::vector<std::size_t> order(ids.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::vector<IdKey> keys(ids.size());
    bool keyed = true;
    for (std::size_t i = 0; i < ids.size() && keyed; ++i) keyed = key_of_text(ids[i], keys[i]);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {  // one sort in the module
      return keyed ? keys[a] < keys[b] : ids[a] < ids[b];
    });
    rows.ids.reserve(ids.size());
    rows.refs.reserve(refs.size());
    if (keyed) rows.keys.reserve(ids.size());
    for (std::size_t i : order) {
      rows.ids.push_back(std::move(ids[i]));
      if (keyed) rows.keys.push_back(keys[i]);
      for (std::size_t r = 0; r < rows.width; ++r) rows.refs.push_back(std::move(refs[i * rows.width + r]));
    }
    rows.keyed = keyed;
    rows.going.assign(rows.ids.size(), false);
  }
};

// A text as Json::dump writes it (ensure_ascii off): quotes, backslashes and control
// characters escaped, UTF-8 as it is. Invalid UTF-8 (never stored) goes through Json::dump.
void append_string(std::string& out, std::string_view text) {
  if (!text::is_valid_utf8(text)) {
    out += Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  out += '"';
  // Runs of characters that need no escape are copied whole (most text is such a run).
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
  }
  out.append(text, run, text.size() - run);
  out += '"';
}

// Writes records (format version 2) as dumping {"entity", "id", "stamp", "stamps", "values"}
// with this indent at this depth would, without building the tree (the export's hot path):
// "stamp" is the stamp most of the record's fields carry, "stamps" names the fields carried
// with another one (null: never written), and "values" leaves out the fields that were never
// written and hold their kind's empty value. A record comes as its stored row (the columns of
// for_each_stored_row) or, for the keyed entities, as a row of read_rows.
class RecordText {
 public:
  RecordText(std::string& out, int indent, int level) : out_(out), indent_(indent), level_(level) {}

  // `stamps` in the order of e.fields ("" for none).
  void write(const SyncEntity& e, const Statement& row, const std::vector<std::string>& stamps) {
    RowFields fields(*this, e, row);
    fields.listed = &stamps;
    write(e, row.column_view(0), fields);
  }
  void write(const SyncEntity& e, const Statement& row, const FieldStamps& stamps) {
    RowFields fields(*this, e, row);
    fields.named = &stamps;
    write(e, row.column_view(0), fields);
  }
  void write(const SyncEntity& e, const Json& row, const FieldStamps& stamps) {
    JsonFields fields(*this, e, row, stamps);
    write(e, row["id"].get_ref<const std::string&>(), fields);
  }

 private:
  std::string& out_;
  int indent_, level_;
  std::vector<bool> carried_;
  std::vector<const std::string*> distinct_;  // a record's stamps
  std::vector<std::size_t> counts_;            // how many fields carry each

  // A record's fields as write() reads them, by position in e.fields (one writer for every
  // kind of source: the module carries it once).
  struct Fields {
    virtual ~Fields() = default;
    virtual const std::string* stamp(std::size_t i) const = 0;  // nullptr: never written
    virtual bool empty(std::size_t i) const = 0;                 // holds its kind's empty value
    virtual void value(std::size_t i) const = 0;                 // appends the value
  };
  // A stored row (the columns of for_each_stored_row) with its stamps listed or named.
  struct RowFields : Fields {
    RowFields(RecordText& out, const SyncEntity& e, const Statement& row) : out(out), e(e), row(row) {}
    RecordText& out;
    const SyncEntity& e;
    const Statement& row;
    const std::vector<std::string>* listed = nullptr;
    const FieldStamps* named = nullptr;
    const std::string* stamp(std::size_t i) const override {
      if (listed) return (*listed)[i].empty() ? nullptr : &(*listed)[i];
      return stamp_in(*named, e.fields[i]);
    }
    bool empty(std::size_t i) const override { return column_is_empty(row, static_cast<int>(i) + 1, e.fields[i]); }
    void value(std::size_t i) const override { out.append_column(row, static_cast<int>(i) + 1, e.fields[i]); }
  };
  // A row of read_rows (the keyed entities).
  struct JsonFields : Fields {
    JsonFields(RecordText& out, const SyncEntity& e, const Json& row, const FieldStamps& stamps)
        : out(out), e(e), row(row), stamps(stamps) {}
    RecordText& out;
    const SyncEntity& e;
    const Json& row;
    const FieldStamps& stamps;
    const std::string* stamp(std::size_t i) const override { return stamp_in(stamps, e.fields[i]); }
    bool empty(std::size_t i) const override { return row[e.fields[i].name] == empty_sync_value(e.fields[i].kind); }
    void value(std::size_t i) const override { out.append_value(row[e.fields[i].name]); }
  };

  static bool same(const std::string* a, const std::string* b) { return a == b || (a && b && *a == *b); }

  void write(const SyncEntity& e, std::string_view id, const Fields& fields) {
    auto stamp = [&](std::size_t i) { return fields.stamp(i); };
    auto empty = [&](std::size_t i) { return fields.empty(i); };
    auto value = [&](std::size_t i) { fields.value(i); };
    const char* colon = indent_ >= 0 ? ": " : ":";
    const std::vector<std::size_t>& order = e.by_name;  // a JSON object's keys are sorted
    // The record's stamp: the one most fields carry; of equal counts, the later. Counted per
    // distinct stamp (a record has one to a few).
    distinct_.clear();
    counts_.clear();
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
      const std::string* own = stamp(i);
      if (!own) continue;
      std::size_t d = 0;
      while (d < distinct_.size() && !same(distinct_[d], own)) ++d;
      if (d == distinct_.size()) {
        distinct_.push_back(own);
        counts_.push_back(0);
      }
      ++counts_[d];
    }
    const std::string* common = nullptr;
    std::size_t common_count = 0;
    for (std::size_t d = 0; d < distinct_.size(); ++d) {
      if (counts_[d] > common_count || (counts_[d] == common_count && *distinct_[d] > *common)) {
        common = distinct_[d];
        common_count = counts_[d];
      }
    }
    auto key = [&](const char* name) {
      out_ += ',';
      newline(1);
      out_ += '"';
      out_ += name;
      out_ += '"';
      out_ += colon;
    };
    out_ += '{';
    newline(1);
    out_ += "\"entity\"";
    out_ += colon;
    append_string(out_, e.name);
    key("id");
    append_string(out_, id);
    if (common) {
      key("stamp");
      append_string(out_, *common);
    }
    carried_.assign(e.fields.size(), false);
    bool listed = false;  // "stamps" opened
    for (std::size_t i : order) {
      const std::string* own = stamp(i);
      if (!own && empty(i)) continue;
      carried_[i] = true;
      if (same(own, common)) continue;
      if (listed) out_ += ',';
      else {
        key("stamps");
        out_ += '{';
        listed = true;
      }
      newline(2);
      append_string(out_, e.fields[i].name);
      out_ += colon;
      if (own) append_string(out_, *own);
      else out_ += "null";
    }
    if (listed) {
      newline(1);
      out_ += '}';
    }
    key("values");
    out_ += '{';
    bool first = true;
    for (std::size_t i : order) {
      if (!carried_[i]) continue;
      if (!first) out_ += ',';
      first = false;
      newline(2);
      append_string(out_, e.fields[i].name);
      out_ += colon;
      value(i);
    }
    if (first) out_ += '}';  // no fields: "{}"
    else {
      newline(1);
      out_ += '}';
    }
    newline(0);
    out_ += '}';
  }

  // True when the column holds its kind's empty value (as sync_value would read it).
  static bool column_is_empty(const Statement& row, int col, const SyncField& f) {
    switch (f.kind) {
      case SyncKind::integer:
      case SyncKind::boolean: return row.column_int(col) == 0;
      case SyncKind::opt_integer: return row.column_is_null(col);
      case SyncKind::text_list:
      case SyncKind::json: {
        // Most lists are "[]" (or NULL): decided without parsing, which costs more than the
        // rest of the record in the browser.
        std::string_view text = row.column_view(col);
        if (text.empty() || text == "[]") return true;
        return sync_value(row, col, f).empty();
      }
      default: return row.column_view(col).empty();
    }
  }

  static const std::string* stamp_in(const FieldStamps& stamps, const SyncField& f) {
    auto it = stamps.find(f.name);
    return it == stamps.end() ? nullptr : &it->second;
  }
  void newline(int depth) {
    if (indent_ < 0) return;
    out_ += '\n';
    out_.append(static_cast<std::size_t>((level_ + depth) * indent_), ' ');
  }
  // A column as sync_value would read it, written straight from the row.
  void append_column(const Statement& row, int col, const SyncField& f) {
    switch (f.kind) {
      case SyncKind::integer: return append_number(row.column_int(col));
      case SyncKind::opt_integer:
        if (row.column_is_null(col)) out_ += "null";
        else append_number(row.column_int(col));
        return;
      case SyncKind::boolean: out_ += row.column_int(col) != 0 ? "true" : "false"; return;
      case SyncKind::text_list:
      case SyncKind::json: {
        std::string_view text = row.column_view(col);
        if (text.empty() || text == "[]") out_ += "[]";  // as dumped, without parsing
        else append_value(sync_value(row, col, f));
        return;
      }
      default: append_string(out_, row.column_view(col));  // NULL reads as ""
    }
  }
  void append_number(int64_t n) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out_.append(digits, static_cast<std::size_t>(end - digits));
  }
  void append_value(const Json& v) {
    if (v.is_string()) return append_string(out_, v.get_ref<const std::string&>());
    if (v.is_number_integer() && !v.is_number_unsigned()) return append_number(v.get<int64_t>());
    if (v.is_boolean()) {
      out_ += v.get<bool>() ? "true" : "false";
      return;
    }
    if (v.is_null()) {
      out_ += "null";
      return;
    }
    // Lists (and anything else): as dumped, nested lines moved right to the values' depth.
    std::string text = v.dump(indent_, ' ', false, Json::error_handler_t::replace);
    for (char c : text) {
      if (c == '\n') newline(2);
      else out_ += c;
    }
  }
};

// Collects small pieces into chunks of about 64 KB for the sink; a record is written straight
// into the chunk (buffer(), then put("")).
class ChunkWriter {
 public:
  explicit ChunkWriter(const TextSink& sink) : sink_(sink) { buffer_.reserve(kChunk + 4096); }
  std::string& buffer() { return buffer_; }
  void put(std::string_view text) {
    buffer_ += text;
    if (buffer_.size() >= kChunk) flush();
  }
  void flush() {
    if (buffer_.empty()) return;
    sink_(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr std::size_t kChunk = 64 * 1024;
  const TextSink& sink_;
  std::string buffer_;
};

// Below this many records of an entity, rows are read one by one instead of scanning the table.
constexpr std::size_t kScanFrom = 512;

}  // namespace

SyncExportPlan plan_sync_export(CommandContext& ctx, const std::string& since) {
  SyncExportPlan plan;
  plan.since = since;
  RowIndex index(ctx.db);
  std::vector<std::pair<const SyncEntity*, std::size_t>> pending;  // rows that go, by position
  // A record that goes: its row, or its tombstone when it was deleted since.
  auto add = [&](const SyncEntity* e, std::string_view entity, std::string_view id) {
    std::size_t row = e ? index.find(*e, id) : RowIndex::npos;
    if (row != RowIndex::npos) pending.push_back({e, row});
    else if (std::string stamp = ctx.changes.tombstone(entity, id); !stamp.empty()) {
      plan.tombstones[{std::string(entity), std::string(id)}] = stamp;
    }
  };
  if (since.empty()) {
    // Rows never written (the pipeline and lists every database starts with) are the same on
    // every device and stay out of the file.
    Statement st(ctx.db, "SELECT entity, record, typeof(record) = 'blob' FROM record_stamps");
    while (st.step()) {
      const SyncEntity* e = find_sync_entity(st.column_view(0));
      if (!e) continue;
      std::string_view record = st.column_view(1);
      std::size_t row = st.column_int(2) && record.size() == 16 ? index.find(*e, key_of_bytes(reinterpret_cast<const unsigned char*>(record.data())))
                                                                 : index.find(*e, record);  // an id kept as text
      if (row != RowIndex::npos) pending.push_back({e, row});
    }
    Statement tombs(ctx.db, "SELECT entity, record_id, stamp FROM tombstones");
    while (tombs.step()) plan.tombstones[{tombs.column_text(0), tombs.column_text(1)}] = tombs.column_text(2);
  } else {
    std::map<std::string, std::vector<std::string>> selected;  // entity -> ids
    select_changed(ctx.db, ctx.changes, since, selected, plan.tombstones);
    for (const auto& [entity, ids] : selected) {
      if (const SyncEntity* e = find_sync_entity(entity)) {
        for (const auto& id : ids) add(e, entity, id);
      }
    }
  }

  // Each row's targets are added (or their tombstones), so the file never points at a record
  // it does not carry and the receiver may lack.
  while (!pending.empty()) {
    auto [e, row] = pending.back();
    pending.pop_back();
    RowIndex::Rows& rows = index.rows_of(*e);
    if (rows.going[row]) continue;
    rows.going[row] = true;
    const std::string* refs = rows.refs.data() + row * rows.width;
    std::size_t r = 0;
    for (const auto& f : e->fields) {
      if (f.kind != SyncKind::reference) continue;
      const std::string& target_id = refs[r++];
      if (target_id.empty()) continue;
      const std::string& target = f.target == "*" ? refs[rows.width - 1] : f.target;
      add(find_sync_entity(target), target, target_id);
    }
  }
  for (const auto& e : sync_entities()) {
    RowIndex::Rows* rows = index.read(e);
    if (!rows) continue;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < rows->ids.size(); ++i) {
      if (rows->going[i]) ids.push_back(std::move(rows->ids[i]));
    }
    if (ids.empty()) continue;
    plan.record_count += ids.size();
    plan.records[e.name] = std::move(ids);
  }
  for (const auto& [key, stamp] : plan.tombstones) {
    const SyncEntity* e = find_sync_entity(key.first);
    if (e && e->has_id_column()) ++plan.tombstone_count;
  }
  return plan;
}

void write_sync_export(CommandContext& ctx, const SyncExportPlan& plan, const HlcStamp& clock, const TextSink& sink,
                       int indent) {
  ChunkWriter out(sink);
  // Exactly what dumping the whole document with this indent gives: keys sorted, and with an
  // indent every nested line moved right by its depth (JSON text never holds a raw newline
  // inside a string, so the newlines of a dumped value are all layout).
  const bool pretty = indent >= 0;
  auto pad = [&](int level) { return pretty ? "\n" + std::string(static_cast<std::size_t>(level * indent), ' ') : std::string(); };
  auto value = [&](const Json& j, int level) {
    std::string text = j.dump(indent, ' ', false, Json::error_handler_t::replace);
    if (!pretty || level == 0) return text;
    std::string shifted, step = pad(level);
    shifted.reserve(text.size() + text.size() / 8);
    for (char c : text) {
      if (c == '\n') shifted += step;
      else shifted += c;
    }
    return shifted;
  };
  auto key = [&](const char* name, bool first) {
    return std::string(first ? "{" : ",") + pad(1) + "\"" + name + "\":" + (pretty ? " " : "");
  };
  // A list at level 1 whose items come one at a time.
  bool empty_list = true;
  auto item = [&](const Json& j) {
    out.put(empty_list ? "[" : ",");
    empty_list = false;
    out.put(pad(2));
    out.put(value(j, 2));
  };
  RecordText record_text(out.buffer(), indent, 2);
  auto record = [&](const SyncEntity& e, const auto& row, const auto& stamps) {
    out.put(empty_list ? "[" : ",");
    empty_list = false;
    out.put(pad(2));
    record_text.write(e, row, stamps);
    out.put("");
  };
  auto end_list = [&]() {
    out.put(empty_list ? "[]" : pad(1) + "]");
    empty_list = true;
  };
  std::string device_id = ctx.clock.device_id();
  out.put(key("clock", true) + value(clock.to_string(), 1));
  out.put(key("device", false) + value(Json{{"id", device_id}, {"name", device_display_name(ctx.db, device_id)}}, 1));
  out.put(key("exported_at", false) + value(format_iso8601(ctx.clock.now_ms()), 1));
  out.put(key("format", false) + value(kSyncFormatName, 1));
  out.put(key("records", false));
  for (const auto& e : sync_entities()) {
    auto found = plan.records.find(e.name);
    if (found == plan.records.end()) continue;
    const std::vector<std::string>& ids = found->second;
    if (!e.has_id_column()) {  // few rows; ids derived from the keys, so not in SQL order
      std::map<std::string, Json> rows;
      for (auto& row : read_rows(ctx.db, e)) {
        std::string id = row["id"].get<std::string>();
        if (std::binary_search(ids.begin(), ids.end(), id)) rows.emplace(std::move(id), std::move(row));
      }
      for (const auto& [id, row] : rows) record(e, row, ctx.changes.record_stamps(e.name, id));
    } else if (ids.size() < kScanFrom) {
      for (const auto& id : ids) {
        for_each_stored_row(ctx.db, e, [&](const Statement& row) { record(e, row, ctx.changes.record_stamps(e.name, id)); },
                            "id = ?1", {id});
      }
    } else {
      // The whole table in id order beside its stamps in id order.
      std::vector<std::string> names;
      for (const auto& f : e.fields) names.push_back(f.name);
      ChangeLog::EntityStamps stamps(ctx.changes, e.name, names);
      auto next = ids.begin();
      for_each_stored_row(ctx.db, e, [&](const Statement& row) {
        std::string_view id = row.column_view(0);
        while (next != ids.end() && *next < id) ++next;
        if (next == ids.end() || *next != id) return;
        record(e, row, stamps.of(id));
      });
    }
  }
  end_list();
  out.put(key("since", false) + value(plan.since.empty() ? Json(nullptr) : Json(plan.since), 1));
  out.put(key("tombstones", false));
  for (const auto& [k, stamp] : plan.tombstones) {
    const SyncEntity* e = find_sync_entity(k.first);
    if (!e || !e->has_id_column()) continue;
    item(Json{{"entity", k.first}, {"id", k.second}, {"stamp", stamp}});
  }
  end_list();
  out.put(key("version", false) + std::to_string(kSyncFormatVersion) + pad(0) + "}");
  out.flush();
}

Json build_sync_export(CommandContext& ctx, const std::string& since, const HlcStamp& clock) {
  std::string text;
  write_sync_export(ctx, plan_sync_export(ctx, since), clock, [&](std::string_view chunk) { text += chunk; });
  return Json::parse(text);
}

}  // namespace kervan
