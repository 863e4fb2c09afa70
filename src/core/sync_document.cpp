#include "core/sync_document.hpp"

#include <algorithm>
#include <set>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/sync.hpp"
#include "core/sync_entities.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxJsonEntries = 200;
constexpr std::size_t kMaxJsonBytes = 100000;

[[noreturn]] void refuse(const std::string& code, const std::string& message, const std::string& pointer) {
  throw CommandError(code, message + " (at " + (pointer.empty() ? "/" : pointer) + ")", pointer.empty() ? "/" : pointer);
}

// Escapes a key for a JSON Pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_key(std::string_view key) {
  std::string out;
  for (char c : text::cut(key, 100)) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

const Json& member(const Json& object, const char* key, const std::string& pointer) {
  auto it = object.find(key);
  if (it == object.end()) refuse("missing_field", std::string("The field \"") + key + "\" is missing", pointer);
  return *it;
}

void allow_only(const Json& object, std::initializer_list<std::string_view> keys, const std::string& pointer) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      refuse("unknown_field", "Unknown field \"" + std::string(text::cut(key, 80)) + "\"", pointer + "/" + pointer_key(key));
    }
  }
}

const std::string& string_at(const Json& v, const std::string& pointer, std::size_t max_chars = 200) {
  if (!v.is_string()) refuse("wrong_type", "Expected text", pointer);
  const auto& s = v.get_ref<const std::string&>();
  if (text::count_code_points(s) > max_chars) {
    refuse("too_long", "Text longer than " + std::to_string(max_chars) + " characters", pointer);
  }
  return s;
}

const std::string& stamp_at(const Json& v, const std::string& pointer) {
  const std::string& s = string_at(v, pointer, 200);
  if (!is_stamp_text(s)) refuse("invalid_stamp", "Not a clock stamp like 001795683600000:00000:<device id>", pointer);
  return s;
}

std::string uuid_at(const Json& v, const std::string& pointer) {
  const std::string& s = string_at(v, pointer, 100);
  if (!is_uuid(s)) refuse("invalid_id", "\"" + std::string(text::cut(s, 60)) + "\" is not a lowercase UUID", pointer);
  return s;
}

// One value checked against its field's kind.
void check_value(const SyncField& f, const Json& v, const std::string& pointer) {
  switch (f.kind) {
    case SyncKind::text: string_at(v, pointer, f.max_chars); break;
    case SyncKind::reference: {
      const std::string& s = string_at(v, pointer, 100);
      if (!s.empty() && !is_uuid(s)) refuse("invalid_id", "A reference must be a lowercase UUID or \"\"", pointer);
      break;
    }
    case SyncKind::integer:
      if (!v.is_number_integer()) refuse("wrong_type", "Expected a whole number", pointer);
      break;
    case SyncKind::opt_integer:
      if (!v.is_null() && !v.is_number_integer()) refuse("wrong_type", "Expected a whole number or null", pointer);
      break;
    case SyncKind::boolean:
      if (!v.is_boolean()) refuse("wrong_type", "Expected true or false", pointer);
      break;
    case SyncKind::text_list:
      if (!v.is_array()) refuse("wrong_type", "Expected a list of texts", pointer);
      if (v.size() > 50) refuse("too_long", "More than 50 entries", pointer);
      for (std::size_t i = 0; i < v.size(); ++i) string_at(v[i], pointer + "/" + std::to_string(i), f.max_chars);
      break;
    case SyncKind::json:
      if (!v.is_array()) refuse("wrong_type", "Expected a list", pointer);
      if (v.size() > kMaxJsonEntries || v.dump().size() > kMaxJsonBytes) refuse("too_long", "The list is too large", pointer);
      break;
  }
}

struct Allowed {
  std::string_view entity, field;
  std::initializer_list<std::string_view> values;
};
const Allowed kAllowed[] = {
    {"lead", "status", {"new", "working", "qualified", "unqualified", "converted"}},
    {"deal", "status", {"open", "won", "lost"}},
    {"activity", "type", {"call", "meeting", "task", "email", "note"}},
    {"activity_link", "entity", {"deal", "lead", "contact", "company"}},
    {"list_value", "list", {"lead_source", "disqualify_reason", "deal_lost_reason"}},
    {"setting", "key", {"base_currency"}},
};

struct Range {
  std::string_view entity, field;
  int64_t min, max;
};
const Range kRanges[] = {
    {"stage", "probability", 0, 100},      {"stage", "stale_after_days", 0, 36500},
    {"deal", "probability", 0, 100},       {"deal", "amount", 0, 1000000000000000000LL},
    {"rate", "per_base_micro", 1, INT64_MAX}, {"activity", "duration_minutes", 0, 1000000},
};

// Fields that may not be empty (the database refuses them, or the record means nothing).
constexpr std::pair<std::string_view, std::string_view> kNonEmpty[] = {
    {"pipeline", "name"},     {"stage", "name"},           {"stage_step", "text"},     {"company", "name"},
    {"contact", "name"},      {"deal", "name"},            {"deal", "currency"},       {"activity", "subject"},
    {"rate", "currency"},     {"list_value", "key"},       {"list_value", "label_tr"}, {"list_value", "label_en"},
    {"setting", "value"},     {"deal_stage", "stage_id"},  {"deal_stage", "entered_at"},
};

void check_domain(const IncomingRecord& r, bool values_object) {
  const std::string& entity = r.entity->name;
  auto where = [&](const std::string& field) {
    return values_object ? r.pointer() + "/values/" + field : r.pointer() + "/fields/" + field + "/value";
  };
  for (const auto& a : kAllowed) {
    if (a.entity != entity) continue;
    const std::string& v = r.fields.at(a.field).value->get_ref<const std::string&>();
    if (std::find(a.values.begin(), a.values.end(), v) == a.values.end()) {
      refuse("invalid_value", "\"" + std::string(text::cut(v, 60)) + "\" is not allowed for " + std::string(a.field),
             where(std::string(a.field)));
    }
  }
  for (const auto& range : kRanges) {
    if (range.entity != entity) continue;
    int64_t v = r.fields.at(range.field).value->get<int64_t>();
    if (v < range.min || v > range.max) refuse("out_of_range", "The number is out of range", where(std::string(range.field)));
  }
  for (const auto& [e, field] : kNonEmpty) {
    if (e == entity && r.fields.at(field).value->get_ref<const std::string&>().empty()) {
      refuse("required", "The field " + std::string(field) + " cannot be empty", where(std::string(field)));
    }
  }
  for (const auto& f : r.entity->fields) {
    if (f.rule == RefRule::required && r.fields.at(f.name).value->get_ref<const std::string&>().empty()) {
      refuse("required", "The reference " + f.name + " cannot be empty", where(f.name));
    }
  }
  if (entity == "lead" && *r.fields.at("name").value == "" && *r.fields.at("company").value == "") {
    refuse("required", "A lead needs a name or a company", where("name"));
  }
  if (r.entity->field("created_at") && !parse_iso8601(r.fields.at("created_at").value->get<std::string>())) {
    refuse("invalid_value", "created_at is not a time like 2026-11-26T09:00:00.000Z", where("created_at"));
  }
  if (!r.entity->has_id_column()) {
    Json keys;
    for (const auto& k : r.entity->key_fields) keys[k] = *r.fields.at(k).value;
    if (keyed_id(*r.entity, keys) != r.id) {
      refuse("invalid_id", "The id of a " + entity + " is derived from its key fields and does not match them",
             r.pointer() + "/id");
    }
  }
}

// The known entity named by item["entity"] (item being an object with exactly `keys`).
const SyncEntity& entity_of(const Json& item, std::initializer_list<std::string_view> keys, const char* what,
                            const std::string& pointer) {
  if (!item.is_object()) refuse("wrong_type", std::string("A ") + what + " must be an object", pointer);
  allow_only(item, keys, pointer);
  const std::string& entity = string_at(member(item, "entity", pointer), pointer + "/entity", 40);
  const SyncEntity* e = find_sync_entity(entity);
  if (!e) refuse("unknown_entity", "Unknown entity \"" + std::string(text::cut(entity, 40)) + "\"", pointer + "/entity");
  return *e;
}

// A record of format version 2: {entity, id, stamp, stamps, values}.
IncomingRecord read_record_v2(const Json& item, std::size_t index) {
  IncomingRecord r;
  r.index = index;
  const std::string pointer = r.pointer();
  r.entity = &entity_of(item, {"entity", "id", "stamp", "stamps", "values"}, "record {entity, id, stamp, stamps, values}",
                        pointer);
  r.fields.reset(*r.entity);
  r.id = uuid_at(member(item, "id", pointer), pointer + "/id");
  uuid_bytes(r.id, r.uuid);
  std::string_view common;  // the record's stamp: of every field carried and not named in "stamps"
  if (auto stamp = item.find("stamp"); stamp != item.end() && !stamp->is_null()) {
    common = stamp_at(*stamp, pointer + "/stamp");
  }
  const Json& values = member(item, "values", pointer);
  if (!values.is_object()) refuse("wrong_type", "values must be an object", pointer + "/values");
  // (Most records are read by RecordScanner; this reader takes the rest, naming every place.)
  for (const auto& [name, value] : values.items()) {
    const SyncField* f = r.entity->field(name);
    std::string at = pointer + "/values/" + pointer_key(name);
    if (!f) refuse("unknown_field", "A " + r.entity->name + " has no field \"" + std::string(text::cut(name, 60)) + "\"", at);
    check_value(*f, value, at);
    r.fields.set(*f, IncomingField{&value, common});
  }
  if (auto stamps = item.find("stamps"); stamps != item.end()) {
    if (!stamps->is_object()) refuse("wrong_type", "stamps must be an object", pointer + "/stamps");
    for (const auto& [name, stamp] : stamps->items()) {
      IncomingField* field = r.fields.find(name);
      if (!field) {
        std::string at = pointer + "/stamps/" + pointer_key(name);
        if (!r.entity->field(name)) {
          refuse("unknown_field", "A " + r.entity->name + " has no field \"" + std::string(text::cut(name, 60)) + "\"", at);
        }
        refuse("invalid_value", "A stamp for a field that is not in values", at);
      }
      field->stamp = stamp.is_null() ? std::string_view() : stamp_at(stamp, pointer + "/stamps/" + pointer_key(name));
    }
  }
  // The fields left out were never written and hold their kind's empty value.
  for (const auto& f : r.entity->fields) {
    if (!r.fields.slot(f).value) r.fields.set(f, IncomingField{&empty_sync_value(f.kind), {}});
  }
  check_domain(r, true);
  return r;
}

// A record of format version 1: {entity, id, fields: {name: {value, stamp}}}.
IncomingRecord read_record_v1(const Json& item, std::size_t index) {
  IncomingRecord r;
  r.index = index;
  const std::string pointer = r.pointer();
  r.entity = &entity_of(item, {"entity", "id", "fields"}, "record {entity, id, fields}", pointer);
  r.fields.reset(*r.entity);
  const std::string& entity = r.entity->name;
  r.id = uuid_at(member(item, "id", pointer), pointer + "/id");
  uuid_bytes(r.id, r.uuid);
  const Json& fields = member(item, "fields", pointer);
  if (!fields.is_object()) refuse("wrong_type", "fields must be an object", pointer + "/fields");
  for (const auto& [name, entry] : fields.items()) {
    const SyncField* f = r.entity->field(name);
    std::string at = pointer + "/fields/" + pointer_key(name);
    if (!f) refuse("unknown_field", "A " + entity + " has no field \"" + std::string(text::cut(name, 60)) + "\"", at);
    if (!entry.is_object()) refuse("wrong_type", "A field must be an object {value, stamp}", at);
    allow_only(entry, {"value", "stamp"}, at);
    const Json& value = member(entry, "value", at);
    check_value(*f, value, at + "/value");
    const Json& stamp = member(entry, "stamp", at);
    r.fields.set(*f, IncomingField{&value, stamp.is_null() ? std::string_view() : stamp_at(stamp, at + "/stamp")});
  }
  for (const auto& f : r.entity->fields) {
    if (!r.fields.slot(f).value) refuse("missing_field", "The field \"" + f.name + "\" is missing", pointer + "/fields");
  }
  check_domain(r, false);
  return r;
}

IncomingRecord read_record(const Json& item, std::size_t index, int version) {
  return version >= 2 ? read_record_v2(item, index) : read_record_v1(item, index);
}

// Refuses text that is not JSON or nests too deep, with the place of the first problem as a
// parser reports it. Returns when the text is fine. The parser keeps nothing (its callback
// drops every value), so a hostile file never becomes a tree, whose building and destruction
// are recursive and could exhaust the stack; the callback notes the first array or object
// nested deeper than the limit. (The library's own parser, not a second one just for this
// check: the download carries one.)
void check_json_text(std::string_view text) {
  bool too_deep = false;
  auto keep_nothing = [&](int depth, nlohmann::detail::parse_event_t event, Json&) {
    if (depth >= kMaxDepth && (event == nlohmann::detail::parse_event_t::object_start ||
                               event == nlohmann::detail::parse_event_t::array_start)) {
      too_deep = true;
    }
    return false;
  };
  try {
    (void)Json::parse(text, keep_nothing);
  } catch (const Json::parse_error& e) {
    if (too_deep) refuse("too_deep", "The file nests deeper than " + std::to_string(kMaxDepth) + " levels", "");
    refuse("invalid_json", "The file is not valid JSON near byte " + std::to_string(std::max<std::size_t>(e.byte, 1)), "");
  }
  if (too_deep) refuse("too_deep", "The file nests deeper than " + std::to_string(kMaxDepth) + " levels", "");
}

}  // namespace

bool is_stamp_text(std::string_view text) {
  // What HlcStamp::parse reads and to_string writes back unchanged: 15 digits, ':', 5 digits,
  // ':', a device id of 1 to 64 bytes of UTF-8. Checked in place: every field of every record
  // in a file carries a stamp, and parsing and formatting each took a tenth of an import.
  if (text.size() < 23 || text.size() > 22 + 64 || text[15] != ':' || text[21] != ':') return false;
  for (std::size_t i = 0; i < 21; ++i) {
    if (i != 15 && (text[i] < '0' || text[i] > '9')) return false;
  }
  return text::is_valid_utf8(text.substr(22));
}

Json parse_sync_text(std::string_view text) {
  if (!text::is_valid_utf8(text)) refuse("invalid_utf8", "The file is not valid UTF-8", "");
  check_json_text(text);
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    refuse("invalid_json", "The file is not valid JSON near byte " + std::to_string(e.byte), "");
  }
}

int check_sync_version(const Json& doc) {
  if (!doc.is_object()) refuse("wrong_format", "This is not a Kervan sync file (not a JSON object)", "");
  auto format = doc.find("format");
  if (format == doc.end() || *format != kSyncFormatName) {
    refuse("wrong_format", std::string("This is not a Kervan sync file (\"format\" is not \"") + kSyncFormatName + "\")",
           "/format");
  }
  const Json& version = member(doc, "version", "");
  if (!version.is_number_integer() || version.get<int64_t>() < 0) {
    refuse("wrong_type", "version must be a whole number", "/version");
  }
  int64_t v = version.get<int64_t>();
  if (v == 0) {
    refuse("unsupported_version",
           "The file has sync format version 0, a draft from before the first release that Kervan no longer "
           "reads; export it again from an up-to-date Kervan",
           "/version");
  }
  if (v > kSyncFormatVersion) {
    refuse("unsupported_version",
           "The file has sync format version " + std::to_string(v) + ", newer than this Kervan reads (" +
               std::to_string(kSyncFormatVersion) + "); update Kervan on this device to import it",
           "/version");
  }
  return static_cast<int>(v);
}

namespace {

// The document's own fields (everything but the record and tombstone lists' items).
void read_header(const Json& doc, SyncDocument& out) {
  allow_only(doc, {"format", "version", "device", "exported_at", "clock", "since", "records", "tombstones"}, "");
  out.version = member(doc, "version", "").get<int>();
  const Json& device = member(doc, "device", "");
  if (!device.is_object()) refuse("wrong_type", "device must be an object {id, name}", "/device");
  allow_only(device, {"id", "name"}, "/device");
  out.device_id = uuid_at(member(device, "id", "/device"), "/device/id");
  out.device_name = string_at(member(device, "name", "/device"), "/device/name", 100);
  out.exported_at = string_at(member(doc, "exported_at", ""), "/exported_at", 40);
  if (!parse_iso8601(out.exported_at)) refuse("invalid_value", "exported_at is not a time", "/exported_at");
  out.clock = stamp_at(member(doc, "clock", ""), "/clock");
  const Json& since = member(doc, "since", "");
  if (!since.is_null()) out.since = stamp_at(since, "/since");
  if (!member(doc, "records", "").is_array()) refuse("wrong_type", "records must be a list", "/records");
}

// Stamps later than the limit become the limit (kept counter and device), kept in
// r.owned_stamps. With `out`, they are reported there and out->newest follows the record.
void clamp_record(IncomingRecord& r, int64_t limit, SyncDocument* out) {
  std::string_view fine;  // the last stamp found within the limit: most fields share one
  for (const auto& [name, field] : r.fields) {
    std::string_view stamp = field.stamp;
    if (stamp.empty() || (stamp.data() == fine.data() && stamp.size() == fine.size())) continue;
    auto parsed = HlcStamp::parse(stamp);
    if (parsed && parsed->wall_ms > limit) {
      if (r.owned_stamps.empty()) r.owned_stamps.reserve(r.entity->fields.size());
      const std::string& clamped = r.owned_stamps.emplace_back(HlcStamp{limit, parsed->counter, parsed->device}.to_string());
      if (out) {
        if (out->clamped.size() < kMaxReportEntries) {
          out->clamped.push_back(
              Json{{"entity", r.entity->name}, {"id", r.id}, {"stamp", stamp}, {"clamped_to", clamped}, {"field", name}});
        }
        ++out->clamped_count;
      }
      r.fields.find(name)->stamp = clamped;
      stamp = clamped;
    } else {
      fine = stamp;
    }
    if (out && stamp > out->newest) out->newest = std::string(stamp);
  }
}

// Reads record i of the document into r (as IncomingRecord::reuse_as left it): checked, its
// stamps as in the file (not clamped).
using RecordReader = std::function<void(std::size_t, IncomingRecord&)>;

// Checks every record (one at a time, in one record whose buffers serve them all), lists them
// and sets up load().
void read_records(SyncDocument& out, std::size_t count, const RecordReader& reader, const KnownCheck& known) {
  RecordTable<char> seen;  // by entity and the id's 16 bytes (420k records at 100k)
  seen.reserve(count);
  out.records.reserve(count);
  int64_t limit = out.clamp_limit_ms;
  IncomingRecord r;
  for (std::size_t i = 0; i < count; ++i) {
    r.reuse_as(i);
    reader(i, r);
    if (!seen.insert_uuid(r.entity->name, r.uuid).second) {
      refuse("duplicate_record", "The " + r.entity->name + " " + r.id + " appears twice", r.pointer() + "/id");
    }
    clamp_record(r, limit, &out);
    RecordRef& ref = out.records.emplace_back();
    ref.entity = r.entity;
    std::copy(std::begin(r.uuid), std::end(r.uuid), ref.uuid);
    ref.known = known && known(r);
  }
  out.load = [reader, limit](std::size_t i) {
    IncomingRecord r;
    r.reuse_as(i);
    reader(i, r);
    clamp_record(r, limit, nullptr);  // again, as the first reading did (which reported it)
    return r;
  };
}

using Element = std::function<std::shared_ptr<const Json>(std::size_t)>;

void read_tombstones(SyncDocument& out, const Json& doc, std::size_t count, const Element& element) {
  if (!member(doc, "tombstones", "").is_array()) refuse("wrong_type", "tombstones must be a list", "/tombstones");
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < count; ++i) {
    std::string pointer = "/tombstones/" + std::to_string(i);
    auto holder = element(i);
    const Json& item = *holder;
    IncomingTombstone t;
    t.entity = &entity_of(item, {"entity", "id", "stamp"}, "tombstone {entity, id, stamp}", pointer);
    t.pointer = pointer;
    const std::string& entity = t.entity->name;
    if (!t.entity->has_id_column()) {
      refuse("invalid_value", "A " + entity + " is never deleted (list values are archived)", pointer + "/entity");
    }
    t.id = uuid_at(member(item, "id", pointer), pointer + "/id");
    t.stamp = stamp_at(member(item, "stamp", pointer), pointer + "/stamp");
    if (!seen.insert({entity, t.id}).second) {
      refuse("duplicate_record", "The tombstone of " + entity + " " + t.id + " appears twice", pointer + "/id");
    }
    out.tombstones.push_back(std::move(t));
  }
}

// The items of an array in the tree, without copying them.
Element items_of(const Json& array) {
  return [&array](std::size_t i) { return std::shared_ptr<const Json>(std::shared_ptr<const Json>(), &array[i]); };
}

// Splitting the text into values without parsing them. Each value is parsed alone later; the
// framing between them (colons, commas, brackets) and the nesting depth are checked here. On
// any problem the whole text is checked by a parser (check_json_text), which names the place.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

[[noreturn]] void refuse_broken_text(std::string_view text) {
  check_json_text(text);
  refuse("invalid_json", "The file is not valid JSON", "");  // the scan saw a problem the parser did not
}

std::size_t skip_space(std::string_view t, std::size_t i) {
  while (i < t.size() && is_space(t[i])) ++i;
  return i;
}

std::size_t skip_string(std::string_view t, std::size_t i) {  // t[i] == '"'; returns past the closing quote
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') ++i;
    else if (t[i] == '"') return i + 1;
  }
  return t.size();
}

// The end of the value that starts at i; `deepest` is how deep its arrays and objects nest
// (0 for a plain value).
std::size_t skip_value(std::string_view t, std::size_t i, int& deepest) {
  deepest = 0;
  if (i >= t.size()) return i;
  if (t[i] == '"') return skip_string(t, i);
  if (t[i] != '{' && t[i] != '[') {
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && !is_space(t[i])) ++i;
    return i;
  }
  int depth = 0;
  while (i < t.size()) {
    char c = t[i];
    if (c == '"') {
      i = skip_string(t, i);
      continue;
    }
    if (c == '{' || c == '[') deepest = std::max(deepest, ++depth);
    else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    ++i;
  }
  return i;
}

struct Span {
  std::size_t begin = 0, end = 0;
};

// The items of the array that starts at `at` (a member of the top-level object): each item
// followed by a comma or by the closing bracket, nested no deeper than allowed. `end` is set
// past the closing bracket. One pass over the items' text.
std::vector<Span> array_items(std::string_view t, std::size_t at, std::size_t& end) {
  std::vector<Span> items;
  std::size_t i = skip_space(t, at + 1);
  if (i < t.size() && t[i] == ']') {
    end = i + 1;
    return items;
  }
  for (;;) {
    i = skip_space(t, i);
    int deepest = 0;
    std::size_t item_end = skip_value(t, i, deepest);
    if (item_end == i || 2 + deepest > kMaxDepth) refuse_broken_text(t);  // no item, or too deep
    items.push_back({i, item_end});
    i = skip_space(t, item_end);
    if (i < t.size() && t[i] == ',') {
      ++i;
      continue;
    }
    if (i < t.size() && t[i] == ']') {
      end = i + 1;
      return items;
    }
    refuse_broken_text(t);
  }
}

// One value of the text, parsed alone.
std::shared_ptr<const Json> parse_span(std::string_view t, Span s) {
  auto value = std::make_shared<Json>();
  std::string_view span = t.substr(s.begin, s.end - s.begin);
  if (!parse_plain_json(span, *value)) {
    try {
      *value = Json::parse(span);
    } catch (const Json::parse_error&) {
      refuse_broken_text(t);
    }
  }
  return value;
}

// The parser of parse_plain_json: recursive descent, strings copied by runs.
class PlainParser {
 public:
  explicit PlainParser(std::string_view t) : t_(t) {}
  bool whole(Json& out) { return value(out) && (skip(), i_ == t_.size()); }
  // One value starting at `at` (after spaces); `at` moves past it.
  bool value_at(std::size_t& at, Json& out) {
    i_ = at;
    bool ok = value(out);
    at = i_;
    return ok;
  }

 private:
  std::string_view t_;
  std::size_t i_ = 0;

  void skip() { i_ = skip_space(t_, i_); }
  bool at(char c) { return i_ < t_.size() && t_[i_] == c; }
  bool value(Json& out) {
    skip();
    if (i_ >= t_.size()) return false;
    switch (t_[i_]) {
      case '{': return object(out);
      case '[': return array(out);
      case '"': {
        std::string text;
        if (!string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't': return literal("true", Json(true), out);
      case 'f': return literal("false", Json(false), out);
      case 'n': return literal("null", Json(nullptr), out);
      default: return number(out);
    }
  }
  bool object(Json& out) {
    out = Json::object();
    ++i_;
    skip();
    if (at('}')) return ++i_, true;
    std::string key;
    for (;;) {
      skip();
      if (!at('"') || !string(key)) return false;
      skip();
      if (!at(':')) return false;
      ++i_;
      if (!value(out[key])) return false;  // a repeated key: the last value stays, as in Json::parse
      skip();
      if (at(',')) ++i_;
      else if (at('}')) return ++i_, true;
      else return false;
    }
  }
  bool array(Json& out) {
    out = Json::array();
    ++i_;
    skip();
    if (at(']')) return ++i_, true;
    for (;;) {
      Json item;
      if (!value(item)) return false;
      out.push_back(std::move(item));
      skip();
      if (at(',')) ++i_;
      else if (at(']')) return ++i_, true;
      else return false;
    }
  }
  bool literal(std::string_view word, Json v, Json& out) {
    if (t_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    out = std::move(v);
    return true;
  }
  // Whole numbers only, short enough not to overflow; Json::parse makes a non-negative one
  // unsigned.
  bool number(Json& out) {
    bool negative = at('-');
    std::size_t start = i_ + (negative ? 1 : 0), end = start;
    while (end < t_.size() && t_[end] >= '0' && t_[end] <= '9') ++end;
    std::size_t digits = end - start;
    if (digits == 0 || digits > 18 || (t_[start] == '0' && digits > 1)) return false;
    if (end < t_.size() && (t_[end] == '.' || t_[end] == 'e' || t_[end] == 'E')) return false;
    uint64_t n = 0;
    for (std::size_t k = start; k < end; ++k) n = n * 10 + static_cast<uint64_t>(t_[k] - '0');
    if (negative) out = -static_cast<int64_t>(n);
    else out = n;
    i_ = end;
    return true;
  }
  bool string(std::string& out) {
    out.clear();
    std::size_t run = ++i_;
    for (;; ++i_) {
      if (i_ >= t_.size()) return false;
      auto c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') {
        out.append(t_.substr(run, i_ - run));
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') continue;
      out.append(t_.substr(run, i_ - run));
      if (++i_ >= t_.size()) return false;
      switch (t_[i_]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
          if (!escaped_code(out)) return false;
          break;
        default: return false;
      }
      run = i_ + 1;
    }
  }
  // \uXXXX outside the surrogates, as UTF-8; i_ is at the 'u' and ends on the last digit.
  bool escaped_code(std::string& out) {
    if (i_ + 4 >= t_.size()) return false;
    unsigned code = 0;
    for (int k = 0; k < 4; ++k) {
      char h = t_[++i_];
      int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
      if (d < 0) return false;
      code = code * 16 + static_cast<unsigned>(d);
    }
    if (code >= 0xD800 && code <= 0xDFFF) return false;
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
    return true;
  }
};


// Reads a version 2 record straight from its text, without a tree of the whole record, when it
// is shaped as Kervan writes it: "entity" before "stamps" and "values", keys and stamps without
// escapes, no key twice, every value of its field's kind. Declines (false; `r` is then
// unspecified) on anything else, and read_record_v2 reads the record from its tree, refusing
// what it must with the place named. When it accepts, the record equals read_record_v2's
// (the values held by r.holder), domain checks included: those throw as read_record_v2 does.
class RecordScanner {
 public:
  RecordScanner(std::string_view t, IncomingRecord& r) : t_(t), r_(r), values_parser_(t) {}

  bool read() {
    skip();
    if (!take('{')) return false;
    skip();
    bool has_id = false, has_values = false, has_stamp = false, has_stamps = false;
    std::string_view id, common;
    if (!at('}')) {
      for (;;) {
        std::string_view key;
        skip();
        if (!plain_string(key)) return false;
        skip();
        if (!take(':')) return false;
        skip();
        if (key == "entity") {
          std::string_view name;
          if (r_.entity || !plain_string(name)) return false;
          r_.entity = find_sync_entity(name);
          if (!r_.entity) return false;
          r_.fields.reset(*r_.entity);
        } else if (key == "id") {
          if (has_id || !plain_string(id)) return false;
          has_id = true;
        } else if (key == "stamp") {
          if (has_stamp) return false;
          has_stamp = true;
          if (!null() && (!plain_string(common) || !is_stamp_text(common))) return false;
        } else if (key == "stamps") {
          if (has_stamps || !r_.entity || !stamps()) return false;
          has_stamps = true;
        } else if (key == "values") {
          if (has_values || !r_.entity || !values()) return false;
          has_values = true;
        } else {
          return false;
        }
        skip();
        if (take(',')) continue;
        if (at('}')) break;
        return false;
      }
    }
    ++i_;
    if (skip(), i_ != t_.size()) return false;
    if (!r_.entity || !has_id || !has_values || !uuid_bytes(id, r_.uuid)) return false;
    r_.id.assign(id);
    // Every field carried (so far only those are filled) takes the record's stamp, but those
    // "stamps" names.
    for (const auto& f : r_.entity->fields) {
      IncomingField& field = r_.fields.slot(f);
      if (field.value) field.stamp = common;
    }
    for (std::size_t k = 0; k < stamps_used_; ++k) {
      IncomingField* field = r_.fields.find(stamps_[k].first);
      if (!field) return false;  // a stamp for a field not in values (or no such field)
      field->stamp = stamps_[k].second;
    }
    for (const auto& f : r_.entity->fields) {
      IncomingField& field = r_.fields.slot(f);
      if (!field.value) field = IncomingField{&empty_sync_value(f.kind), {}};
    }
    r_.holder = std::move(holder_);
    check_domain(r_, true);
    return true;
  }

 private:
  std::string_view t_;
  std::size_t i_ = 0;
  IncomingRecord& r_;
  PlainParser values_parser_;
  std::shared_ptr<Json> holder_;  // the values, in an array reserved to never move them
  std::pair<std::string_view, std::string_view> stamps_[16];
  std::size_t stamps_used_ = 0;

  void skip() { i_ = skip_space(t_, i_); }
  bool at(char c) const { return i_ < t_.size() && t_[i_] == c; }
  bool take(char c) { return at(c) ? (++i_, true) : false; }
  bool null() {
    if (t_.substr(i_, 4) != "null") return false;
    i_ += 4;
    return true;
  }
  // A string without escapes or control characters, as it stands in the text.
  bool plain_string(std::string_view& out) {
    if (!at('"')) return false;
    std::size_t start = ++i_;
    for (; i_ < t_.size(); ++i_) {
      auto c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') {
        out = t_.substr(start, i_ - start);
        ++i_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
    }
    return false;
  }
  // {"field": stamp or null, ...}; checked against values once those are read.
  bool stamps() {
    if (!take('{')) return false;
    skip();
    if (take('}')) return true;
    for (;;) {
      std::string_view name, stamp;
      skip();
      if (!plain_string(name)) return false;
      skip();
      if (!take(':')) return false;
      skip();
      if (!null() && (!plain_string(stamp) || !is_stamp_text(stamp))) return false;
      if (stamps_used_ == std::size(stamps_)) return false;
      stamps_[stamps_used_++] = {name, stamp};
      skip();
      if (take(',')) continue;
      return take('}');
    }
  }
  // {"field": value, ...}, each value parsed alone and checked against its field's kind.
  bool values() {
    if (!take('{')) return false;
    std::size_t count = r_.entity->fields.size();
    // The last record's array when nothing else holds it (a record reused for the next one).
    if (r_.holder && r_.holder.use_count() == 1 && r_.holder->is_array()) holder_ = std::const_pointer_cast<Json>(r_.holder);
    else holder_ = std::make_shared<Json>(Json::array());
    r_.holder.reset();
    auto& array = holder_->get_ref<Json::array_t&>();
    array.clear();
    array.reserve(count);
    skip();
    if (take('}')) return true;
    static const std::string unnamed;
    const auto& fields = r_.entity->fields;
    const auto& order = r_.entity->by_name;
    std::size_t next = 0;  // in name order, where the next key is looked for first
    for (;;) {
      std::string_view name;
      skip();
      if (!plain_string(name)) return false;
      // Kervan writes the keys in name order: the field is found by going forward from the
      // last one, over the fields left out.
      const SyncField* f = nullptr;
      for (std::size_t k = next; k < order.size() && !f; ++k) {
        if (fields[order[k]].name == name) {
          f = &fields[order[k]];
          next = k + 1;
        }
      }
      if (!f) f = r_.entity->field(name);
      if (!f) return false;
      IncomingField& slot = r_.fields.slot(*f);
      if (slot.value) return false;  // a key given twice
      skip();
      if (!take(':')) return false;
      array.emplace_back();
      if (!values_parser_.value_at(i_, array.back())) return false;
      try {
        check_value(*f, array.back(), unnamed);
      } catch (const CommandError&) {
        return false;
      }
      slot = IncomingField{&array.back(), {}};
      skip();
      if (take(',')) continue;
      return take('}');
    }
  }
};

}  // namespace

bool parse_plain_json(std::string_view text, Json& out) { return PlainParser(text).whole(out); }

void IncomingRecord::reuse_as(std::size_t at) {
  entity = nullptr;
  id.clear();
  index = at;
  owned_stamps.clear();  // the fields pointing into them are reset with the entity
}

std::string RecordRef::id() const {
  char text[36];
  uuid_chars(uuid, text);
  return std::string(text, sizeof text);
}

void IncomingFields::reset(const SyncEntity& e) {
  entity_ = &e;
  order_ = &e.by_name;
  slots_.assign(e.fields.size(), IncomingField{});
}

void IncomingFields::set(const SyncField& f, IncomingField field) { slot(f) = field; }

IncomingField& IncomingFields::slot(const SyncField& f) {
  return slots_[static_cast<std::size_t>(&f - entity_->fields.data())];
}
const IncomingField& IncomingFields::slot(const SyncField& f) const {
  return slots_[static_cast<std::size_t>(&f - entity_->fields.data())];
}

const IncomingField* IncomingFields::find(std::string_view name) const {
  const SyncField* f = entity_ ? entity_->field(name) : nullptr;
  if (!f) return nullptr;
  const IncomingField& slot = slots_[static_cast<std::size_t>(f - entity_->fields.data())];
  return slot.value ? &slot : nullptr;
}

IncomingField* IncomingFields::find(std::string_view name) {
  return const_cast<IncomingField*>(static_cast<const IncomingFields*>(this)->find(name));
}

const IncomingField& IncomingFields::at(std::string_view name) const {
  static const Json missing;  // a field that is not there reads as null (never asked: all are filled)
  static const IncomingField none{&missing, {}};
  const IncomingField* field = find(name);
  return field ? *field : none;
}

std::pair<const std::string&, const IncomingField&> IncomingFields::iterator::operator*() const {
  std::size_t index = (*owner_->order_)[at_];
  return {owner_->entity_->fields[index].name, owner_->slots_[index]};
}

void IncomingFields::iterator::settle() {
  if (!owner_->order_) return;
  while (at_ < owner_->order_->size() && !owner_->slots_[(*owner_->order_)[at_]].value) ++at_;
}

SyncDocument read_sync_document(const Json& doc, int64_t clamp_limit_ms, const KnownCheck& known) {
  SyncDocument out;
  out.clamp_limit_ms = clamp_limit_ms;
  read_header(doc, out);
  const Json* records = &doc["records"];
  int version = out.version;
  read_records(out, records->size(), [records, version](std::size_t i, IncomingRecord& r) {
    r = read_record((*records)[i], i, version);
  }, known);
  const Json& tombstones = member(doc, "tombstones", "");
  read_tombstones(out, doc, tombstones.is_array() ? tombstones.size() : 0, items_of(tombstones));
  return out;
}

SyncDocument read_sync_text(std::string_view text, int64_t clamp_limit_ms, const KnownCheck& known) {
  if (!text::is_valid_utf8(text)) refuse("invalid_utf8", "The file is not valid UTF-8", "");
  // The top level: each member parsed, except the items of the two lists, which are only located
  // here and parsed one at a time by the readers below (a whole 100k file is never one tree).
  Json skeleton;
  std::vector<Span> record_items, tombstone_items;
  bool records_listed = false, tombstones_listed = false;
  std::size_t i = skip_space(text, 0);
  if (i >= text.size() || text[i] != '{') {
    check_json_text(text);
    skeleton = Json::array();  // JSON but not an object: refused below as not a sync file
  } else {
    skeleton = Json::object();
    i = skip_space(text, i + 1);
    bool closed = i < text.size() && text[i] == '}';
    while (!closed) {
      if (i >= text.size() || text[i] != '"') refuse_broken_text(text);
      std::size_t key_end = skip_string(text, i);
      std::string key;
      try {
        key = Json::parse(text.substr(i, key_end - i)).get<std::string>();
      } catch (const Json::exception&) {
        refuse_broken_text(text);
      }
      i = skip_space(text, key_end);
      if (i >= text.size() || text[i] != ':') refuse_broken_text(text);
      i = skip_space(text, i + 1);
      std::size_t end = i;
      bool list = (key == "records" || key == "tombstones") && i < text.size() && text[i] == '[';
      if (!list) {
        int deepest = 0;
        end = skip_value(text, i, deepest);
        if (end == i || 1 + deepest > kMaxDepth) refuse_broken_text(text);
      }
      if (list) {
        (key == "records" ? record_items : tombstone_items) = array_items(text, i, end);
        (key == "records" ? records_listed : tombstones_listed) = true;
        skeleton[key] = Json::array();
      } else {
        if (key == "records") records_listed = false;
        if (key == "tombstones") tombstones_listed = false;
        try {
          skeleton[key] = Json::parse(text.substr(i, end - i));
        } catch (const Json::parse_error&) {
          refuse_broken_text(text);
        }
      }
      i = skip_space(text, end);
      if (i < text.size() && text[i] == ',') {
        i = skip_space(text, i + 1);
      } else if (i < text.size() && text[i] == '}') {
        closed = true;
      } else {
        refuse_broken_text(text);
      }
    }
    if (skip_space(text, i + 1) != text.size()) refuse_broken_text(text);  // nothing after the object
  }
  int version = check_sync_version(skeleton);
  if (version < kSyncFormatVersion) skeleton["version"] = kSyncFormatVersion;
  SyncDocument out;
  out.clamp_limit_ms = clamp_limit_ms;
  read_header(skeleton, out);
  auto items = [text](const std::vector<Span>& spans) -> Element {
    auto shared = std::make_shared<const std::vector<Span>>(spans);
    return [text, shared](std::size_t n) { return parse_span(text, (*shared)[n]); };
  };
  auto records = std::make_shared<const std::vector<Span>>(std::move(record_items));
  read_records(out, records_listed ? records->size() : 0, [text, records, version](std::size_t i, IncomingRecord& r) {
    Span span = (*records)[i];
    if (version >= 2 && RecordScanner(text.substr(span.begin, span.end - span.begin), r).read()) return;
    auto item = parse_span(text, span);
    r = read_record(*item, i, version);
    r.holder = std::move(item);
  }, known);
  read_tombstones(out, skeleton, tombstones_listed ? tombstone_items.size() : 0, items(tombstone_items));
  out.version = version;
  return out;
}

}  // namespace kervan
