#include "core/exchange_import.hpp"

#include <map>

#include "core/database.hpp"
#include "core/dedupe.hpp"
#include "core/encoding.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan::exchange {
namespace {

// Reports longer than this keep counting but stop listing (a 100k-row file of one mistake).
constexpr std::size_t kMaxListed = 5000;
constexpr std::size_t kMaxListedIds = 1000;

const std::string& str(const Json& j, const char* key) {
  static const std::string empty;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get_ref<const std::string&>() : empty;
}

// A savepoint that rolls back unless released: one per item, so a refused item leaves nothing.
class Savepoint {
 public:
  Savepoint(Database& db, std::string name) : db_(db), name_(std::move(name)) { db_.exec("SAVEPOINT " + name_); }
  ~Savepoint() {
    if (done_) return;
    try {
      db_.exec("ROLLBACK TO " + name_);
      db_.exec("RELEASE " + name_);
    } catch (...) {
      // The outer transaction rolls back anyway when the database itself fails.
    }
  }
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release() {
    db_.exec("RELEASE " + name_);
    done_ = true;
  }

 private:
  Database& db_;
  std::string name_;
  bool done_ = false;
};

// One import in progress: the options, the running report and what this file created.
class Importer {
 public:
  Importer(CommandContext& ctx, const CommandRegistry& registry, const ImportOptions& options, std::string place_key,
           std::string detail_key)
      : ctx_(ctx), registry_(registry), options_(options), place_key_(std::move(place_key)),
        detail_key_(std::move(detail_key)) {}

  void import(const ImportItem& item);
  Json report() const;

 private:
  CommandContext& ctx_;
  const CommandRegistry& registry_;
  const ImportOptions& options_;
  std::string place_key_, detail_key_;
  std::size_t items_ = 0, created_ = 0, attached_ = 0, companies_created_ = 0, skipped_count_ = 0,
              warnings_count_ = 0;
  Json created_ids_ = Json::array(), attached_rows_ = Json::array(), skipped_ = Json::array(),
       warnings_ = Json::array();
  std::map<std::string, std::size_t> created_in_file_;  // record id -> place
  std::map<std::string, std::string> companies_;        // company key -> id (contact imports)

  Json call(const std::string& command, const Json& args) {
    const CommandSpec* spec = registry_.find(command);
    if (!spec) throw std::logic_error("missing command " + command);
    return spec->run(ctx_, args);
  }
  Json where(const ImportItem& item, const std::string& field) const {
    Json place = {{place_key_, item.place}, {"line", item.line}};  // a field's own line may refine it below
    if (!field.empty()) {
      place["field"] = field;
      if (item.row.columns.contains(field)) place[detail_key_] = item.row.columns[field];
    }
    return place;
  }
  void skip(const ImportItem& item, const std::string& reason, const std::string& message, const std::string& field,
            Json duplicate_of = nullptr) {
    ++skipped_count_;
    if (skipped_.size() >= kMaxListed) return;
    Json entry = where(item, field);
    entry["reason"] = reason;
    entry["message"] = message;
    if (!duplicate_of.is_null()) entry["duplicate_of"] = std::move(duplicate_of);
    skipped_.push_back(std::move(entry));
  }
  void warn(const ImportItem& item, const std::string& code, const std::string& message, const std::string& field) {
    ++warnings_count_;
    if (warnings_.size() >= kMaxListed) return;
    Json entry = where(item, field);
    entry["code"] = code;
    entry["message"] = message;
    warnings_.push_back(std::move(entry));
  }

  void apply_defaults(Json& fields) const;
  bool check_required(const ImportItem& item, const Json& fields);
  bool check_emails(const ImportItem& item, const Json& fields);
  Json duplicate_of(const ImportItem& item, const Json& fields);
  std::string company_id_for(const std::string& name, std::map<std::string, std::string>& pending);
  void create(const ImportItem& item, Json fields, const Json& duplicate);
  void attach(const ImportItem& item, const Json& fields, const Json& duplicate);
};

void Importer::apply_defaults(Json& fields) const {
  for (const auto& [key, value] : options_.defaults.items()) {
    if (key == "tags") {
      Json& tags = fields["tags"];
      if (!tags.is_array()) tags = Json::array();
      for (const auto& tag : value) tags.push_back(tag);
    } else if (!fields.contains(key) || str(fields, key.c_str()).empty()) {
      fields[key] = value;
    }
  }
}

bool Importer::check_required(const ImportItem& item, const Json& fields) {
  bool has_name = !str(fields, "name").empty();
  if (options_.entity == "lead" && !has_name && str(fields, "company").empty()) {
    skip(item, "missing_required", "A lead needs a name or a company; both are empty", "name");
    return false;
  }
  if (options_.entity != "lead" && !has_name) {
    skip(item, "missing_required", "A " + options_.entity + " needs a name; it is empty", "name");
    return false;
  }
  return true;
}

bool Importer::check_emails(const ImportItem& item, const Json& fields) {
  std::vector<std::pair<std::string, std::string>> emails;  // field, value
  if (fields.contains("email")) emails.emplace_back("email", str(fields, "email"));
  if (fields.contains("emails")) {
    for (const auto& e : fields["emails"]) emails.emplace_back("emails", e.get<std::string>());
  }
  for (const auto& [field, value] : emails) {
    if (value.empty() || dedupe::looks_like_email(value)) continue;
    std::string message = "\"" + std::string(text::cut(value, 80)) + "\" is not an e-mail address";
    if (!options_.keep_invalid_emails) {
      skip(item, "invalid_email", message, field);
      return false;
    }
    warn(item, "invalid_email", message + "; stored as given", field);
  }
  return true;
}

// The best existing record of the same kind this item duplicates, or null. Matches with
// other kinds (a lead who is already a contact) are warnings, not reasons to skip.
Json Importer::duplicate_of(const ImportItem& item, const Json& fields) {
  Json subject = fields;
  if (options_.entity == "contact" && subject.contains("company")) {
    subject["company_name"] = subject["company"];
    subject.erase("company");
  }
  Json found = call(options_.entity + ".duplicates", Json{{"record", subject}, {"limit", 5}});
  Json best = nullptr;
  for (const auto& c : found["candidates"]) {
    const std::string& entity = str(c, "entity");
    Json summary = {{"entity", entity}, {"id", c["id"]}, {"label", c["label"]}, {"score", c["score"]},
                    {"reasons", c["reasons"]}};
    if (entity == options_.entity) {
      if (best.is_null()) {
        if (auto it = created_in_file_.find(str(c, "id")); it != created_in_file_.end()) summary[place_key_] = it->second;
        best = summary;
      }
    } else if (options_.entity == "lead" && entity == "contact") {
      warn(item, "known_contact", "Probably already the contact " + str(c, "label") + " (" + str(c, "id") + ")", "");
    }
  }
  return best;
}

// The company a contact's "company" cell names: one this import already linked or made, an
// existing company with the same company key, or a new one.
std::string Importer::company_id_for(const std::string& name, std::map<std::string, std::string>& pending) {
  std::string key = dedupe::company_key(name);
  if (key.empty()) key = text::fold(name);
  if (auto it = companies_.find(key); it != companies_.end()) return it->second;
  Json found = call("company.duplicates", Json{{"record", {{"name", name}}}, {"limit", 5}});
  std::string id;
  for (const auto& c : found["candidates"]) {
    bool same = false;
    for (const auto& r : c["reasons"]) same = same || r == "same_company";
    if (same) {
      id = str(c, "id");
      break;
    }
  }
  if (id.empty()) {
    Json args = {{"name", name}};
    if (options_.defaults.contains("owner")) args["owner"] = options_.defaults["owner"];
    id = str(call("company.create", args), "id");
    pending[key + "\x01new"] = id;  // counted once the row is kept
  }
  pending[key] = id;
  return id;
}

void Importer::create(const ImportItem& item, Json fields, const Json& duplicate) {
  Savepoint savepoint(ctx_.db, "kervan_import_item");
  std::map<std::string, std::string> pending_companies;
  if (options_.entity == "contact" && fields.contains("company")) {
    fields["company_id"] = company_id_for(str(fields, "company"), pending_companies);
    fields.erase("company");
  }
  Json record;
  try {
    record = call(options_.entity + ".create", fields);
  } catch (const CommandError& e) {
    // An unknown lead source is not worth losing the visitor for: kept without it.
    if (e.field() != "source" || !fields.contains("source")) throw;
    warn(item, "unknown_source", std::string(e.what()) + "; the lead was imported without a source", "source");
    fields.erase("source");
    record = call(options_.entity + ".create", fields);
  }
  savepoint.release();
  for (const auto& [key, id] : pending_companies) {
    if (key.ends_with("\x01new")) ++companies_created_;
    else companies_[key] = id;
  }
  const std::string& id = str(record, "id");
  created_in_file_[id] = item.place;
  ++created_;
  if (created_ids_.size() < kMaxListedIds) created_ids_.push_back(id);
  if (!duplicate.is_null()) {
    warn(item, "possible_duplicate", "Imported although it looks like " + str(duplicate, "label") + " (" +
                                         str(duplicate, "id") + ")", "");
  }
}

// Adds the item's details to the record it duplicates. Leads go through lead.enrich (which
// never overwrites); contacts and companies fill their empty fields and gain new list
// entries, and a field holding another value is reported as a conflict.
void Importer::attach(const ImportItem& item, const Json& fields, const Json& duplicate) {
  Savepoint savepoint(ctx_.db, "kervan_import_item");
  const std::string& id = str(duplicate, "id");
  Json changed = Json::array(), conflicts = Json::array();
  if (options_.entity == "lead") {
    Json result = call("lead.enrich", Json{{"id", id}, {"fields", fields}});
    changed = result["changed"];
    conflicts = result["conflicts"];
  } else {
    Json existing = call(options_.entity + ".get", Json{{"id", id}});
    Json update = {{"id", id}};
    std::map<std::string, std::string> pending_companies;
    for (const auto& [key, value] : fields.items()) {
      if (key == "company") {
        if (str(existing, "company_id").empty()) update["company_id"] = company_id_for(value.get<std::string>(), pending_companies);
      } else if (value.is_array()) {
        Json merged = existing[key];
        for (const auto& entry : value) merged.push_back(entry);
        update[key] = merged;  // the record command drops repeats
      } else if (value.is_string() && existing[key] != value) {
        const std::string& old = str(existing, key.c_str());
        if (old.empty()) update[key] = value;
        else if (key == "notes") update[key] = old + "\n" + value.get<std::string>();
        else conflicts.push_back({{"field", key}, {"existing", old}, {"incoming", value}});
      }
    }
    Json after = call(options_.entity + ".update", update);
    for (const auto& [key, value] : update.items()) {
      if (key != "id" && existing[key] != after[key]) changed.push_back(key);
    }
    for (const auto& [key, cid] : pending_companies) {
      if (key.ends_with("\x01new")) ++companies_created_;
      else companies_[key] = cid;
    }
  }
  savepoint.release();
  ++attached_;
  if (attached_rows_.size() < kMaxListed) {
    Json entry = {{place_key_, item.place}, {"id", id}, {"changed", changed}, {"conflicts", conflicts}};
    attached_rows_.push_back(std::move(entry));
  }
}

void Importer::import(const ImportItem& item) {
  ++items_;
  if (!item.problem.empty()) {
    skip(item, item.problem, item.problem_message, "");
    return;
  }
  if (item.row.empty) {
    skip(item, "empty_row", "Nothing to import: every mapped cell is empty", "");
    return;
  }
  for (const auto& w : item.row.warnings) warn(item, str(w, "code"), str(w, "message"), str(w, "field"));
  Json fields = item.row.fields;
  apply_defaults(fields);
  if (!check_required(item, fields) || !check_emails(item, fields)) return;
  try {
    Json duplicate = duplicate_of(item, fields);
    if (!duplicate.is_null() && options_.duplicates == "skip") {
      bool in_file = duplicate.contains(place_key_);
      std::string message = in_file ? "Same as " + place_key_ + " " + std::to_string(duplicate[place_key_].get<std::size_t>()) +
                                          " of this file (" + str(duplicate, "label") + ")"
                                     : "Already stored: " + str(duplicate, "label") + " (" + str(duplicate, "id") + ")";
      skip(item, in_file ? "duplicate_in_file" : "duplicate", message, "", duplicate);
    } else if (!duplicate.is_null() && options_.duplicates == "attach") {
      attach(item, fields, duplicate);
    } else {
      create(item, fields, duplicate);
    }
  } catch (const CommandError& e) {
    skip(item, e.code(), e.what(), e.field());
  }
}

Json Importer::report() const {
  return Json{{"entity", options_.entity},
              {place_key_ + "s", items_},
              {"created", created_},
              {"created_ids", created_ids_},
              {"attached", attached_},
              {"attached_rows", attached_rows_},
              {"companies_created", companies_created_},
              {"skipped", skipped_},
              {"skipped_count", skipped_count_},
              {"warnings", warnings_},
              {"warnings_count", warnings_count_},
              {"dry_run", options_.dry_run}};
}

}  // namespace

std::string file_bytes(const ArgsReader& reader) {
  bool base64 = reader.has("data_base64"), text = reader.has("text");
  if (base64 == text) {
    throw CommandError("required", base64 ? "Give the file as data_base64 or as text, not both"
                                          : "The file is required: data_base64 (its bytes in base64) or text (UTF-8)",
                       "data_base64");
  }
  const char* field = base64 ? "data_base64" : "text";
  const Json& value = reader.raw(field);
  if (!value.is_string()) throw CommandError("wrong_type", std::string(field) + " must be a string", field);
  const std::string& given = value.get_ref<const std::string&>();
  if (given.size() > kMaxFileBytes * 4 / 3 + 4) {
    throw CommandError("too_large", "The file is larger than " + std::to_string(kMaxFileBytes / 1024 / 1024) + " MB", field);
  }
  std::string bytes;
  if (base64) {
    auto decoded = encoding::base64_decode(given);
    if (!decoded) throw CommandError("invalid_base64", "data_base64 is not valid base64", field);
    bytes = std::move(*decoded);
  } else {
    bytes = given;
  }
  if (bytes.size() > kMaxFileBytes) {
    throw CommandError("too_large", "The file is larger than " + std::to_string(kMaxFileBytes / 1024 / 1024) + " MB", field);
  }
  if (text::trim(text::is_valid_utf8(bytes) ? std::string_view(bytes) : std::string_view("x")).empty()) {
    throw CommandError("empty_file", "The file is empty", field);
  }
  return bytes;
}

ImportOptions read_import_options(CommandContext& ctx, const ArgsReader& reader, std::string entity) {
  ImportOptions options;
  options.entity = std::move(entity);
  if (auto mode = reader.text("duplicates", {20}); mode && !mode->empty()) {
    if (*mode != "skip" && *mode != "import" && *mode != "attach") {
      throw CommandError("invalid_value", "duplicates must be skip, import or attach", "duplicates");
    }
    options.duplicates = *mode;
  }
  if (auto mode = reader.text("invalid_emails", {20}); mode && !mode->empty()) {
    if (*mode != "skip" && *mode != "keep") throw CommandError("invalid_value", "invalid_emails must be skip or keep", "invalid_emails");
    options.keep_invalid_emails = *mode == "keep";
  }
  options.dry_run = reader.boolean("dry_run").value_or(false);
  const Json& defaults = reader.raw("defaults");
  if (defaults.is_null()) return options;
  if (!defaults.is_object()) throw CommandError("wrong_type", "defaults must be an object {source, event, owner, tags}", "defaults");
  ArgsReader given(defaults);
  if (options.entity == "lead") given.allow_only({"source", "event", "owner", "tags"});
  else given.allow_only({"owner", "tags"});
  for (const char* key : {"source", "event", "owner"}) {
    auto value = given.text(key, {key == std::string_view("event") ? 200u : 100u});
    if (!value || value->empty()) continue;
    std::string place = std::string("defaults.") + key;
    options.defaults[key] = key == std::string_view("source") ? resolve_list_value(ctx.db, "lead_source", *value, place)
                                                               : *value;
  }
  if (given.has("tags")) {
    const Json& tags = given.raw("tags");
    Json list = Json::array();
    if (tags.is_string()) list.push_back(tags);
    else if (tags.is_array()) list = tags;
    else if (!tags.is_null()) throw CommandError("wrong_type", "defaults.tags must be a list of texts", "defaults.tags");
    for (const auto& t : list) {
      if (!t.is_string()) throw CommandError("wrong_type", "defaults.tags must be a list of texts", "defaults.tags");
      std::string tag = check_text("defaults.tags", t.get<std::string>(), {60});
      if (!tag.empty()) options.defaults["tags"].push_back(tag);
    }
  }
  return options;
}

Json run_import(CommandContext& ctx, const CommandRegistry& registry, const ImportOptions& options,
                const std::vector<ImportItem>& items, const std::string& place_key, const std::string& detail_key) {
  Importer importer(ctx, registry, options, place_key, detail_key);
  // A dry run does everything, reports it, and rolls the whole import back.
  Savepoint whole(ctx.db, "kervan_import_all");
  for (const auto& item : items) importer.import(item);
  if (!options.dry_run) whole.release();
  return importer.report();
}

}  // namespace kervan::exchange
