// Duplicate detection over stored records: the key index (dedupe_hashes, dedupe_record_keys)
// kept current on every write, candidate search among leads, contacts and companies, and the commands
// lead.duplicates, contact.duplicates and company.duplicates. The matching rules themselves
// (normalising names, companies, phones, e-mails; scoring) are in dedupe.cpp.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <set>
#include <stdexcept>

#include "core/args.hpp"
#include "core/command.hpp"
#include "core/database.hpp"
#include "core/dedupe.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

const std::string& str(const Json& record, const char* key) {
  static const std::string empty;
  auto it = record.find(key);
  return it != record.end() && it->is_string() ? it->get_ref<const std::string&>() : empty;
}

std::vector<std::string> strings(const Json& record, const char* key) {
  std::vector<std::string> out;
  auto it = record.find(key);
  if (it != record.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string company_name_of(Database& db, const std::string& company_id) {
  if (company_id.empty()) return {};
  auto company = find_record(db, company_type(), company_id);
  return company ? str(*company, "name") : std::string();
}

// The people a record describes for matching: one per e-mail/phone a contact has.
std::vector<dedupe::Person> people_of(Database& db, std::string_view entity, const Json& r) {
  std::vector<dedupe::Person> out;
  if (entity == "lead") {
    out.push_back({str(r, "name"), str(r, "company"), str(r, "email"), str(r, "phone"), str(r, "city"), str(r, "title")});
  } else if (entity == "contact") {
    std::string company = r.contains("company_name") ? str(r, "company_name") : company_name_of(db, str(r, "company_id"));
    std::vector<std::string> emails = strings(r, "emails"), phones = strings(r, "phones");
    if (emails.empty()) emails.emplace_back();
    if (phones.empty()) phones.emplace_back();
    for (std::size_t i = 0; i < std::max(emails.size(), phones.size()) && i < 5; ++i) {
      out.push_back({str(r, "name"), company, emails[std::min(i, emails.size() - 1)],
                     phones[std::min(i, phones.size() - 1)], "", str(r, "title")});
    }
  }
  return out;
}

std::string company_field(std::string_view entity, const Json& r) {
  if (entity == "company") return str(r, "name");
  if (entity == "lead") return str(r, "company");
  return {};
}

std::vector<std::string> keys_of(Database& db, std::string_view entity, const Json& r) {
  std::set<std::string> keys;
  for (const auto& person : people_of(db, entity, r)) {
    for (auto& k : dedupe::blocking_keys(person)) keys.insert(k);  // "e:", "p:", "n:", "nc:", "nd:"
  }
  std::string company_key = dedupe::company_key(company_field(entity, r));
  if (!company_key.empty()) keys.insert("co:" + company_key);
  if (entity == "company") {
    std::string tax = str(r, "tax_number");
    if (!tax.empty()) keys.insert("tax:" + tax);
    std::string phone = dedupe::normalize_phone(str(r, "phone"));
    if (!phone.empty()) keys.insert("cph:" + phone);
  }
  return {keys.begin(), keys.end()};
}

// The key index stores a 64-bit hash of each key, not its text: a lead has about eight keys
// of ~21 bytes, and at 100k leads the text and its by-record index took 116 MB. A collision
// only adds a candidate, which is scored like any other and dropped. FNV-1a, then a finaliser
// (splitmix64) so that keys differing in their last bytes spread over the whole range.
// Stored values: never change this function without a migration that rebuilds the index.
int64_t key_hash(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) h = (h ^ c) * 0x100000001b3ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return static_cast<int64_t>(h);
}

// Entities as small numbers in the key index (1 byte per row instead of the name).
int64_t entity_code(std::string_view entity) {
  if (entity == "lead") return 1;
  if (entity == "contact") return 2;
  if (entity == "company") return 3;
  throw std::logic_error("no duplicate keys for entity " + std::string(entity));
}

std::string entity_of_code(int64_t code) { return code == 1 ? "lead" : code == 2 ? "contact" : "company"; }

// A record's key hashes, ascending and distinct, as kept in dedupe_record_keys.hashes: 8 bytes
// each, little-endian.
std::vector<int64_t> sorted_hashes(const std::vector<std::string>& keys) {
  std::vector<int64_t> out;
  for (const auto& k : keys) out.push_back(key_hash(k));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string pack_hashes(const std::vector<int64_t>& hashes) {
  std::string bytes;
  for (int64_t h : hashes) {
    auto u = static_cast<uint64_t>(h);
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((u >> (8 * i)) & 0xff);
  }
  return bytes;
}

std::vector<int64_t> unpack_hashes(std::string_view bytes) {
  std::vector<int64_t> out;
  for (std::size_t at = 0; at + 8 <= bytes.size(); at += 8) {
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    out.push_back(static_cast<int64_t>(u));
  }
  return out;
}

struct Candidate {
  std::string entity, id;
  double score = 0;
  std::vector<std::string> reasons;
  Json record;
};

// How alike a company record is to what the subject says about its company.
dedupe::Match match_company(std::string_view subject_entity, const Json& subject, const Json& company) {
  dedupe::Match m;
  std::string a = dedupe::company_key(company_field(subject_entity, subject));
  std::string b = dedupe::company_key(str(company, "name"));
  if (!a.empty() && a == b) {
    m.score = 0.9;
    m.reasons.push_back("same_company");
  }
  if (subject_entity == "company") {
    const std::string& tax = str(subject, "tax_number");
    if (!tax.empty() && tax == str(company, "tax_number")) {
      m.score = 1.0;
      m.reasons.push_back("same_tax_number");
    }
    std::string pa = dedupe::normalize_phone(str(subject, "phone"));
    if (!pa.empty() && pa == dedupe::normalize_phone(str(company, "phone"))) {
      m.score = std::max(m.score, 0.8);
      m.reasons.push_back("same_phone");
    }
  }
  return m;
}

// Candidates among `entities` (e.g. {"lead", "contact", "company"}), best first, at most `limit`.
std::vector<Candidate> find_candidates(Database& db, std::string_view subject_entity, const Json& subject,
                                       std::string_view exclude_id, std::size_t limit,
                                       std::initializer_list<std::string_view> entities = {"lead", "contact", "company"}) {
  std::vector<std::string> keys = keys_of(db, subject_entity, subject);
  std::vector<std::pair<std::string, std::string>> found;
  {
    std::set<std::pair<std::string, std::string>> seen;
    std::string in;
    bool companies = false;
    for (auto e : entities) {
      in += (in.empty() ? "" : ", ") + std::to_string(entity_code(e));
      companies = companies || e == "company";
    }
    // Keys are cheap; a key shared by very many records (a switchboard number) is capped.
    Statement any_entity(db, "SELECT entity, uuid_text(record) FROM dedupe_hashes WHERE hash = ?1 AND entity IN (" +
                                 in + ") LIMIT 500");
    // A company name ("co:") only leads to company records: two people are never alike for
    // sharing an employer (dedupe.cpp proves person pairs share a person key), and every lead
    // of a big trade show's exhibitor would otherwise be loaded and scored for each row.
    Statement companies_only(db, "SELECT entity, uuid_text(record) FROM dedupe_hashes WHERE hash = ?1 AND entity = " +
                                     std::to_string(entity_code("company")) + " LIMIT 500");
    for (const auto& key : keys) {
      bool company_key = key.starts_with("co:");
      if (company_key && !companies) continue;
      Statement& st = company_key ? companies_only : any_entity;
      st.bind(1, key_hash(key));
      while (st.step()) {
        auto pair = std::make_pair(entity_of_code(st.column_int(0)), st.column_text(1));
        if (pair.second != exclude_id && seen.insert(pair).second) found.push_back(pair);
      }
      st.reset();
    }
  }
  std::vector<dedupe::Person> subject_people = people_of(db, subject_entity, subject);
  std::vector<Candidate> out;
  for (const auto& [entity, id] : found) {
    const RecordType& type = entity == "lead" ? lead_type() : entity == "contact" ? contact_type() : company_type();
    auto record = find_record(db, type, id);
    if (!record) continue;
    dedupe::Match best;
    if (entity == "company") {
      best = match_company(subject_entity, subject, *record);
    } else if (subject_entity != "company") {
      for (const auto& a : subject_people) {
        for (const auto& b : people_of(db, entity, *record)) {
          dedupe::Match m = dedupe::compare(a, b);
          if (m.score > best.score) best = m;
        }
      }
    }
    if (best.score < dedupe::kShowThreshold) continue;
    if (entity == "contact") (*record)["company_name"] = company_name_of(db, str(*record, "company_id"));
    out.push_back({entity, id, best.score, best.reasons, *record});
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.id < b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Json candidates_json(const std::vector<Candidate>& candidates) {
  Json list = Json::array();
  for (const auto& c : candidates) {
    Json summary = {{"entity", c.entity}, {"id", c.id}, {"score", std::round(c.score * 1000) / 1000},
                    {"reasons", c.reasons}, {"record", c.record}};
    // One line for people to read: who, where.
    if (c.entity == "company") summary["label"] = str(c.record, "name");
    else {
      std::string company = c.entity == "lead" ? str(c.record, "company") : str(c.record, "company_name");
      summary["label"] = str(c.record, "name") + (company.empty() ? "" : " · " + company);
    }
    list.push_back(summary);
  }
  return list;
}

// {id} of a stored record, or {record: {...fields}} for what is being typed right now.
Json duplicates_command(CommandContext& ctx, const Json& args, std::string_view entity, const RecordType& type) {
  ArgsReader reader(args);
  reader.allow_only({"id", "record", "limit"});
  int64_t limit = reader.integer("limit", 1, 100).value_or(10);
  std::string id = reader.text("id", {64}).value_or("");
  Json subject;
  if (!id.empty()) {
    subject = require_record(ctx.db, type, id);
  } else {
    const Json& record = reader.raw("record");
    if (!record.is_object()) {
      throw CommandError("required", "Give the id of a stored " + std::string(type.label) +
                                         " or the fields being typed as record: {...}", "id");
    }
    subject = blank_record(type);
    ArgsReader fields(record);
    std::vector<std::string_view> allowed;
    for (const auto& f : type.fields) allowed.push_back(f.name);
    allowed.push_back("company_name");
    fields.allow_only(allowed);
    for (const auto& f : type.fields) {
      if (f.kind == FieldKind::text || f.kind == FieldKind::reference) {
        subject[std::string(f.name)] = fields.text(f.name, f.rule).value_or("");
      } else if (f.kind == FieldKind::text_list && record.contains(f.name) && !fields.raw(f.name).is_null()) {
        subject[std::string(f.name)] = read_text_list(f, fields.raw(f.name));
      } else if (f.kind == FieldKind::boolean && record.contains(f.name)) {
        if (!fields.raw(f.name).is_boolean() && !fields.raw(f.name).is_null()) {
          throw CommandError("wrong_type", "The field " + std::string(f.name) + " must be true or false", std::string(f.name));
        }
      }
    }
    if (record.contains("company_name")) subject["company_name"] = fields.text("company_name").value_or("");
  }
  auto found = find_candidates(ctx.db, entity, subject, id, static_cast<std::size_t>(limit));
  return Json{{"candidates", candidates_json(found)}, {"threshold", dedupe::kShowThreshold}};
}

}  // namespace

void refresh_dedupe_keys(Database& db, std::string_view entity, std::string_view id, const Json& record) {
  std::vector<int64_t> now = record.is_null() ? std::vector<int64_t>{} : sorted_hashes(keys_of(db, entity, record));
  const int64_t code = entity_code(entity);
  Statement read(db, "SELECT hashes FROM dedupe_record_keys WHERE entity = ?1 AND record = uuid_blob(?2)");
  read.bind(1, code).bind(2, id);
  std::vector<int64_t> before = read.step() ? unpack_hashes(read.column_blob(0)) : std::vector<int64_t>{};
  // Most edits (a note, a status, an owner) leave the keys as they were: nothing to write.
  if (before == now) return;
  std::vector<int64_t> gone, added;
  std::set_difference(before.begin(), before.end(), now.begin(), now.end(), std::back_inserter(gone));
  std::set_difference(now.begin(), now.end(), before.begin(), before.end(), std::back_inserter(added));
  Statement drop(db, "DELETE FROM dedupe_hashes WHERE hash = ?1 AND entity = ?2 AND record = uuid_blob(?3)");
  for (int64_t h : gone) {
    drop.bind(1, h).bind(2, code).bind(3, id).run();
    drop.reset();
  }
  Statement add(db, "INSERT OR IGNORE INTO dedupe_hashes(hash, entity, record) VALUES(?1, ?2, uuid_blob(?3))");
  for (int64_t h : added) {
    add.bind(1, h).bind(2, code).bind(3, id).run();
    add.reset();
  }
  if (now.empty()) {
    Statement forget(db, "DELETE FROM dedupe_record_keys WHERE entity = ?1 AND record = uuid_blob(?2)");
    forget.bind(1, code).bind(2, id).run();
  } else {
    Statement keep(db, "INSERT OR REPLACE INTO dedupe_record_keys(entity, record, hashes) VALUES(?1, uuid_blob(?2), ?3)");
    keep.bind(1, code).bind(2, id).bind_blob(3, pack_hashes(now)).run();
  }
}

void rebuild_dedupe_keys(Database& db) {
  db.exec("DELETE FROM dedupe_hashes; DELETE FROM dedupe_record_keys;");
  // Both tables start empty: no old keys to read or compare. The hashes are gathered first and
  // inserted in key order, which at 100k records (about 1M hashes) is far cheaper than
  // inserting each record's hashes at random places of the b-tree.
  struct Hash {
    int64_t hash;
    int64_t entity;
    std::size_t id;  // into ids
  };
  std::vector<std::string> ids;
  std::vector<Hash> hashes;
  Statement keep(db, "INSERT INTO dedupe_record_keys(entity, record, hashes) VALUES(?1, uuid_blob(?2), ?3)");
  for (const RecordType* type : {&lead_type(), &contact_type(), &company_type()}) {
    const int64_t code = entity_code(type->entity);
    std::size_t first = ids.size();
    Statement list(db, "SELECT id FROM " + std::string(type->table) + " ORDER BY id");
    while (list.step()) ids.push_back(list.column_text(0));
    for (std::size_t i = first; i < ids.size(); ++i) {
      auto record = find_record(db, *type, ids[i]);
      if (!record) continue;
      std::vector<int64_t> own = sorted_hashes(keys_of(db, type->entity, *record));
      if (own.empty()) continue;
      keep.bind(1, code).bind(2, ids[i]).bind_blob(3, pack_hashes(own)).run();
      keep.reset();
      for (int64_t h : own) hashes.push_back({h, code, i});
    }
  }
  std::sort(hashes.begin(), hashes.end(), [&](const Hash& a, const Hash& b) {
    if (a.hash != b.hash) return a.hash < b.hash;
    if (a.entity != b.entity) return a.entity < b.entity;
    return ids[a.id] < ids[b.id];
  });
  Statement add(db, "INSERT OR IGNORE INTO dedupe_hashes(hash, entity, record) VALUES(?1, ?2, uuid_blob(?3))");
  for (const Hash& h : hashes) {
    add.bind(1, h.hash).bind(2, h.entity).bind(3, ids[h.id]).run();
    add.reset();
  }
}

Json with_warnings(Json record) {
  Json warnings = Json::array();
  auto check = [&](const char* field, const std::string& value) {
    if (value.empty()) return;
    bool email = std::string_view(field).find("email") != std::string_view::npos;
    bool ok = email ? dedupe::looks_like_email(value) : dedupe::looks_like_phone(value);
    if (!ok) warnings.push_back({{"field", field}, {"code", email ? "invalid_email" : "invalid_phone"}, {"value", value}});
  };
  if (record.contains("email")) check("email", str(record, "email"));
  if (record.contains("phone")) check("phone", str(record, "phone"));
  for (const auto& e : strings(record, "emails")) check("emails", e);
  for (const auto& p : strings(record, "phones")) check("phones", p);
  record["warnings"] = warnings;
  return record;
}

// Candidates for a conversion: the best matching contact and company of a lead.
Json conversion_candidates(Database& db, const Json& lead) {
  // Searched separately, so many look-alike leads cannot push the contact or company out.
  auto people = find_candidates(db, "lead", lead, str(lead, "id"), 10, {"contact"});
  auto companies = find_candidates(db, "lead", lead, str(lead, "id"), 10, {"company"});
  return Json{{"contacts", candidates_json(people)}, {"companies", candidates_json(companies)}};
}

void register_duplicate_commands(CommandRegistry& registry) {
  registry.add({"lead.duplicates", "Possible duplicates of a lead (id) or of fields being typed (record)", false,
                [](CommandContext& ctx, const Json& args) { return duplicates_command(ctx, args, "lead", lead_type()); }});
  registry.add({"contact.duplicates", "Possible duplicates of a contact (id or record)", false,
                [](CommandContext& ctx, const Json& args) {
                  return duplicates_command(ctx, args, "contact", contact_type());
                }});
  registry.add({"company.duplicates", "Possible duplicates of a company (id or record)", false,
                [](CommandContext& ctx, const Json& args) {
                  return duplicates_command(ctx, args, "company", company_type());
                }});
}

}  // namespace kervan
