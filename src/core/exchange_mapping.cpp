#include "core/exchange_mapping.hpp"

#include <algorithm>
#include <map>

#include "core/dedupe.hpp"
#include "core/text.hpp"

namespace kervan::exchange {
namespace {

// What a header means, before it is known which record it goes into.
enum class Concept {
  none, full_name, first_name, last_name, company, title, email, phone, city, district, address, country,
  website, notes, source, event, interest, owner, consent, tags, tax_office, tax_number
};

// Known headers, folded with the spaces removed ("E-posta" -> "eposta", "Adı Soyadı" -> "adisoyadi").
const std::map<std::string, Concept, std::less<>>& known_headers() {
  static const std::map<std::string, Concept, std::less<>> table = [] {
    std::map<std::string, Concept, std::less<>> t;
    auto add = [&](Concept c, std::initializer_list<const char*> names) {
      for (const char* n : names) t.emplace(n, c);
    };
    add(Concept::full_name, {"adsoyad", "adisoyadi", "adsoyadi", "adivesoyadi", "advesoyad", "isimsoyisim",
                             "isimsoyad", "adsoyisim", "name", "fullname", "contactname", "contact", "contactperson",
                             "kisi", "yetkili", "yetkilikisi", "ilgilikisi", "musteriadi", "ziyaretci"});
    add(Concept::first_name, {"ad", "adi", "isim", "ismi", "firstname", "givenname", "first", "forename"});
    add(Concept::last_name, {"soyad", "soyadi", "soyisim", "soyismi", "lastname", "surname", "familyname", "last"});
    // "Ticari Unvan" is a company's registered name in Turkish, not a job title.
    add(Concept::company, {"firma", "firmaadi", "firmaismi", "sirket", "sirketadi", "kurum", "kurumadi", "kurulus",
                           "company", "companyname", "organization", "organisation", "org", "account", "accountname",
                           "isyeri", "ticariunvan", "ticariunvani", "firmaunvani", "sirketunvani", "firmaunvan"});
    add(Concept::title, {"unvan", "unvani", "gorev", "gorevi", "pozisyon", "pozisyonu", "title", "jobtitle",
                         "position", "role", "gorevunvan", "kadro"});
    add(Concept::email, {"eposta", "epostaadresi", "email", "emailaddress", "mail", "mailadresi", "elektronikposta",
                         "emailadresi"});
    add(Concept::phone, {"telefon", "tel", "telno", "telefonno", "telefonnumarasi", "cep", "ceptelefonu", "ceptel",
                         "ceptelefon", "cepno", "gsm", "gsmno", "mobil", "phone", "phonenumber", "mobile", "mobilephone",
                         "cell", "cellphone", "telephone", "istelefonu", "telefonu", "workphone"});
    add(Concept::city, {"sehir", "il", "city", "town", "kent", "bulunduguil"});
    add(Concept::district, {"ilce", "district", "semt"});
    add(Concept::address, {"adres", "address", "acikadres", "street", "postaadresi", "isadresi", "adresi"});
    add(Concept::country, {"ulke", "country"});
    add(Concept::website, {"web", "website", "websitesi", "webadresi", "internetsitesi", "url", "site", "www",
                           "homepage", "websayfasi"});
    add(Concept::notes, {"not", "notlar", "notu", "aciklama", "aciklamalar", "notes", "note", "comments", "comment",
                         "yorum", "description", "remarks"});
    add(Concept::source, {"kaynak", "source", "leadsource", "geliskaynagi", "kaynagi"});
    add(Concept::event, {"etkinlik", "fuar", "fuaradi", "etkinlikadi", "event", "eventname", "fair", "tradeshow"});
    add(Concept::interest, {"ilgi", "ilgialani", "ilgilendigiurun", "talep", "talepler", "urun", "interest", "product",
                            "interestedin", "ihtiyac"});
    add(Concept::owner, {"sorumlu", "temsilci", "satistemsilcisi", "musteritemsilcisi", "owner", "assignedto",
                         "salesrep", "leadowner", "sahibi"});
    add(Concept::consent, {"kvkk", "kvkkonayi", "kvkkizni", "kvkkonay", "onay", "izin", "iletisimizni", "consent",
                           "optin", "gdpr", "pazarlamaizni"});
    add(Concept::tags, {"etiket", "etiketler", "tags", "tag", "labels", "kategori", "categories", "segment"});
    add(Concept::tax_office, {"vergidairesi", "taxoffice"});
    add(Concept::tax_number, {"vergino", "verginumarasi", "vkn", "tckn", "taxnumber", "taxid", "vatnumber", "vat"});
    return t;
  }();
  return table;
}

// Words that give a header away when no known header matches ("Cep Tel 2", "İş E-posta").
Concept concept_from_words(const std::vector<std::string>& words) {
  static const std::vector<std::pair<Concept, std::vector<std::string_view>>> hints = {
      {Concept::email, {"eposta", "email", "mail", "posta"}},
      {Concept::phone, {"tel", "telefon", "telefonu", "gsm", "cep", "phone", "mobile", "faks", "fax"}},
      {Concept::company, {"firma", "sirket", "company", "kurum"}},
      {Concept::title, {"unvan", "gorev", "title", "pozisyon"}},
      {Concept::city, {"sehir", "city"}},
      {Concept::address, {"adres", "address"}},
      {Concept::website, {"web", "website", "url"}},
      {Concept::notes, {"not", "notlar", "aciklama", "notes", "note"}},
      {Concept::tags, {"etiket", "tag", "tags"}},
  };
  for (const auto& [concept_kind, names] : hints) {
    for (const auto& w : words) {
      if (std::find(names.begin(), names.end(), w) != names.end()) return concept_kind;
    }
  }
  return Concept::none;
}

struct Placement {
  std::string field;  // "" when the entity has no place for it
  std::string why;    // when it goes somewhere unexpected or nowhere
};

// Where a concept goes in each entity.
Placement place(Concept c, std::string_view entity, std::string_view folded_header) {
  const bool lead = entity == "lead", contact = entity == "contact";
  switch (c) {
    case Concept::full_name:
      if (!lead && !contact) {
        // In a company list a bare "Name" is the company's; a person's name is a contact person.
        if (folded_header == "name") return {"name", ""};
        return {"notes", "a company has no person name; kept in notes"};
      }
      return {"name", ""};
    case Concept::first_name:
    case Concept::last_name:
      if (!lead && !contact) return {"notes", "a company has no person name; kept in notes"};
      return {c == Concept::first_name ? "first_name" : "last_name", ""};
    case Concept::company: return {lead || contact ? "company" : "name", ""};
    case Concept::title:
      if (!lead && !contact) return {"", "companies have no title field"};
      return {"title", ""};
    case Concept::email:
      if (contact) return {"emails", ""};
      if (lead) return {"email", ""};
      return {"notes", "companies have no e-mail field; kept in notes"};
    case Concept::phone: return {contact ? "phones" : "phone", ""};
    case Concept::city:
      if (contact) return {"notes", "contacts have no city field; kept in notes"};
      return {"city", ""};
    case Concept::district:
      if (!lead && !contact) return {"address", "district goes into the address"};
      return {"notes", "district is kept in notes"};
    case Concept::address:
      if (!lead && !contact) return {"address", ""};
      return {"notes", "leads and contacts have no address field; kept in notes"};
    case Concept::country:
      if (contact) return {"notes", "contacts have no country field; kept in notes"};
      return {"country", ""};
    case Concept::website:
      if (contact) return {"notes", "contacts have no website field; kept in notes"};
      return {"website", ""};
    case Concept::notes: return {"notes", ""};
    case Concept::source:
    case Concept::event:
    case Concept::consent:
      if (!lead) return {"", "only leads have this field"};
      return {c == Concept::source ? "source" : c == Concept::event ? "event" : "consent", ""};
    case Concept::interest:
      if (!lead) return {"notes", "only leads have an interest field; kept in notes"};
      return {"interest", ""};
    case Concept::owner: return {"owner", ""};
    case Concept::tags: return {"tags", ""};
    case Concept::tax_office:
    case Concept::tax_number:
      if (lead || contact) return {"notes", "tax details belong to a company; kept in notes"};
      return {c == Concept::tax_office ? "tax_office" : "tax_number", ""};
    case Concept::none: break;
  }
  return {"", ""};
}

std::string folded_words_joined(std::string_view header, std::vector<std::string>* words = nullptr) {
  std::string folded = text::fold(header), joined;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    std::string word = folded.substr(start, end - start);
    if (words) words->push_back(word);
    joined += word;
    start = end + 1;
  }
  return joined;
}

const Target* find_target(std::string_view entity, std::string_view name) {
  for (const auto& t : targets_of(entity)) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(text::cut(s, 60)) + "\""; }

// Share of non-empty sample values in column `index` that pass `test`; -1 when too few values.
template <typename Test>
double share_of(const std::vector<std::vector<std::string>>& samples, std::size_t index, Test test) {
  std::size_t values = 0, passing = 0;
  for (const auto& row : samples) {
    if (index >= row.size()) continue;
    std::string_view v = text::trim(row[index]);
    if (v.empty()) continue;
    ++values;
    passing += test(v) ? 1 : 0;
  }
  return values < 2 ? -1.0 : static_cast<double>(passing) / static_cast<double>(values);
}

// Splits a cell holding several entries ("a@x.com; b@y.com").
std::vector<std::string> split_entries(std::string_view value, std::string_view separators) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find_first_of(separators, start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view part = text::trim(value.substr(start, end - start));
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

}  // namespace

const std::vector<Target>& targets_of(std::string_view entity) {
  static const std::vector<Target> lead = {
      {"name", "Name (whole)"}, {"first_name", "First name"}, {"last_name", "Last name"}, {"company", "Company"},
      {"title", "Title"}, {"email", "E-mail"}, {"phone", "Phone"}, {"city", "City"}, {"country", "Country"},
      {"website", "Website"}, {"source", "Source"}, {"event", "Event"}, {"interest", "Interest"},
      {"notes", "Notes", true}, {"owner", "Owner"}, {"consent", "Consent (KVKK)"}, {"tags", "Tags", true}};
  static const std::vector<Target> contact = {
      {"name", "Name (whole)"}, {"first_name", "First name"}, {"last_name", "Last name"},
      {"company", "Company (linked or created)"}, {"title", "Title"}, {"emails", "E-mails", true},
      {"phones", "Phones", true}, {"owner", "Owner"}, {"notes", "Notes", true}, {"tags", "Tags", true}};
  static const std::vector<Target> company = {
      {"name", "Company name"}, {"tax_office", "Tax office"}, {"tax_number", "Tax number"}, {"phone", "Phone"},
      {"website", "Website"}, {"address", "Address", true}, {"city", "City"}, {"country", "Country"},
      {"owner", "Owner"}, {"notes", "Notes", true}, {"tags", "Tags", true}};
  if (entity == "lead") return lead;
  if (entity == "contact") return contact;
  if (entity == "company") return company;
  throw CommandError("invalid_value",
                     "Unknown entity " + in_quotes(entity) + "; use lead, contact or company", "entity");
}

std::string column_label(const std::vector<std::string>& header, std::size_t index) {
  std::string label = "column " + std::to_string(index + 1);
  if (index < header.size() && !text::trim(header[index]).empty()) label += " (" + in_quotes(text::trim(header[index])) + ")";
  return label;
}

std::vector<ColumnGuess> guess_mapping(std::string_view entity, const std::vector<std::string>& header,
                                       const std::vector<std::vector<std::string>>& samples) {
  targets_of(entity);  // refuses an unknown entity
  std::vector<ColumnGuess> guesses(header.size());
  std::map<std::string, std::size_t> taken;  // single-valued field -> column
  bool has_whole_name = false;
  // Exact headers first, then partial ones, then content: a clear header wins its field.
  for (int pass = 0; pass < 3; ++pass) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (guesses[i].field || !guesses[i].confidence.empty()) continue;
      std::vector<std::string> words;
      std::string joined = folded_words_joined(header[i], &words);
      Concept c = Concept::none;
      std::string confidence, why;
      if (pass == 0) {
        auto it = known_headers().find(joined);
        if (it == known_headers().end()) continue;
        c = it->second;
        confidence = "exact";
        why = "header " + in_quotes(text::trim(header[i])) + " is a known name for it";
      } else if (pass == 1) {
        // Drop numbers ("Telefon 2") and retry, then look for telling words.
        std::string without_digits;
        std::vector<std::string> kept;
        for (const auto& w : words) {
          if (w.find_first_not_of("0123456789") != std::string::npos) {
            without_digits += w;
            kept.push_back(w);
          }
        }
        auto it = known_headers().find(without_digits);
        c = it != known_headers().end() ? it->second : concept_from_words(kept);
        if (c == Concept::none) continue;
        confidence = "partial";
        why = "header " + in_quotes(text::trim(header[i])) + " contains a known word";
      } else {
        if (share_of(samples, i, [](std::string_view v) { return dedupe::looks_like_email(v); }) >= 0.8) {
          c = Concept::email;
        } else if (share_of(samples, i, [](std::string_view v) {
                     return dedupe::looks_like_phone(v) && v.find('@') == std::string_view::npos;
                   }) >= 0.8) {
          c = Concept::phone;
        } else {
          guesses[i].why = header[i].empty() ? "empty header" : "header " + in_quotes(text::trim(header[i])) + " not recognised";
          continue;
        }
        confidence = "content";
        why = std::string("the values look like ") + (c == Concept::email ? "e-mail addresses" : "phone numbers");
      }
      Placement p = place(c, entity, joined);
      if (p.field.empty()) {
        guesses[i] = {std::nullopt, confidence, why + "; " + p.why};
        continue;
      }
      if (!p.why.empty()) why += "; " + p.why;
      const Target* target = find_target(entity, p.field);
      if (p.field == "name") has_whole_name = true;
      if (target && !target->multi) {
        if (auto prior = taken.find(p.field); prior != taken.end()) {
          // A second phone of a lead, a second city...: nothing is lost, it goes to notes.
          guesses[i] = {"notes", confidence,
                        why + "; " + p.field + " already comes from " + column_label(header, prior->second) +
                            ", so this column goes to notes"};
          continue;
        }
        taken.emplace(p.field, i);
      }
      guesses[i] = {p.field, confidence, why};
    }
  }
  // "Ad" next to "Ad Soyad": the whole name wins; the parts are left for the person to decide.
  if (has_whole_name) {
    for (auto& g : guesses) {
      if (g.field == "first_name" || g.field == "last_name") {
        g.why += "; not used because a column holds the whole name";
        g.field.reset();
      }
    }
  }
  return guesses;
}

std::vector<std::optional<std::string>> read_mapping(std::string_view entity, const Json& mapping,
                                                     const std::vector<std::string>& header) {
  targets_of(entity);
  if (mapping.is_null()) {
    throw CommandError("required", "mapping is required: one field name or null per column (see import.csv.preview)",
                       "mapping");
  }
  if (!mapping.is_array()) throw CommandError("wrong_type", "mapping must be an array: one field or null per column", "mapping");
  if (mapping.size() != header.size()) {
    throw CommandError("invalid_value",
                       "mapping has " + std::to_string(mapping.size()) + " entries but the file has " +
                           std::to_string(header.size()) + " columns",
                       "mapping");
  }
  std::vector<std::optional<std::string>> out;
  std::map<std::string, std::size_t> used;
  for (std::size_t i = 0; i < mapping.size(); ++i) {
    std::string place = "mapping[" + std::to_string(i) + "]";
    const Json& entry = mapping[i];
    if (entry.is_null() || (entry.is_string() && entry.get_ref<const std::string&>().empty())) {
      out.emplace_back(std::nullopt);
      continue;
    }
    if (!entry.is_string()) throw CommandError("wrong_type", place + " must be a field name or null", place);
    const std::string& name = entry.get_ref<const std::string&>();
    const Target* target = find_target(entity, name);
    if (!target) {
      std::string known;
      for (const auto& t : targets_of(entity)) known += (known.empty() ? "" : ", ") + std::string(t.name);
      throw CommandError("unknown_field",
                         column_label(header, i) + ": a " + std::string(entity) + " has no field " + in_quotes(name) +
                             "; use one of " + known,
                         place);
    }
    if (!target->multi) {
      if (auto prior = used.find(name); prior != used.end()) {
        throw CommandError("duplicate_mapping",
                           column_label(header, i) + " and " + column_label(header, prior->second) +
                               " both map to " + name + ", which takes one column",
                           place);
      }
    }
    used.emplace(name, i);
    out.emplace_back(name);
  }
  bool whole = used.count("name") > 0, parts = used.count("first_name") > 0 || used.count("last_name") > 0;
  if (whole && parts) {
    throw CommandError("invalid_value", "Map either name (the whole name) or first_name/last_name, not both", "mapping");
  }
  bool identified = entity == "lead" ? whole || parts || used.count("company") > 0 : entity == "contact" ? whole || parts
                                                                                                          : whole;
  if (!identified) {
    throw CommandError("required",
                       entity == "lead" ? "No column is mapped to name (or first_name/last_name) or company"
                       : entity == "contact" ? "No column is mapped to name (or first_name/last_name)"
                                             : "No column is mapped to name",
                       "mapping");
  }
  return out;
}

std::optional<bool> read_yes_no(std::string_view value) {
  std::string folded = text::fold(value);
  for (const char* yes : {"evet", "e", "yes", "y", "true", "1", "x", "var", "onayli", "onaylandi", "verildi", "ok"}) {
    if (folded == yes) return true;
  }
  for (const char* no : {"hayir", "h", "no", "n", "false", "0", "yok", "", "onaysiz", "verilmedi"}) {
    if (folded == no) return false;
  }
  return std::nullopt;
}

RowFields row_fields(const std::vector<std::optional<std::string>>& mapping,
                     const std::vector<std::string>& header, const std::vector<std::string>& cells) {
  RowFields out;
  std::string first, last, notes, address;
  std::size_t notes_columns = 0;
  for (const auto& m : mapping) notes_columns += m == "notes" ? 1 : 0;
  auto warn = [&](std::string code, std::string message, std::string field) {
    out.warnings.push_back(Json{{"code", std::move(code)}, {"message", std::move(message)}, {"field", std::move(field)}});
  };
  auto append_note = [&](std::size_t i, std::string_view line) {
    if (!notes.empty()) notes += "\n";
    notes += line;
    if (!out.columns.contains("notes")) out.columns["notes"] = i + 1;
  };
  for (std::size_t i = 0; i < mapping.size() && i < cells.size(); ++i) {
    if (!mapping[i]) continue;
    std::string_view value = text::trim(cells[i]);
    if (value.empty()) continue;
    out.empty = false;
    const std::string& field = *mapping[i];
    std::string header_text(text::trim(i < header.size() ? header[i] : ""));
    if (field != "notes" && !out.columns.contains(field)) out.columns[field] = i + 1;
    if (field == "first_name") first = value;
    else if (field == "last_name") last = value;
    else if (field == "notes") {
      // Several note columns keep their headers so each value still says what it was.
      append_note(i, notes_columns > 1 && !header_text.empty() ? header_text + ": " + std::string(value) : std::string(value));
    } else if (field == "address") {
      address += (address.empty() ? "" : ", ") + std::string(value);
    } else if (field == "tags" || field == "emails" || field == "phones") {
      Json& list = out.fields[field];
      if (!list.is_array()) list = Json::array();
      for (auto& entry : split_entries(value, field == "phones" ? ";,/" : ";,")) list.push_back(entry);
    } else if (field == "email") {
      // A cell with two addresses: the first is the lead's, the others are kept in notes.
      auto entries = split_entries(value, ";,");
      out.fields["email"] = entries.empty() ? std::string(value) : entries[0];
      for (std::size_t k = 1; k < entries.size(); ++k) {
        append_note(i, "E-mail: " + entries[k]);
        warn("extra_email", "Another e-mail " + in_quotes(entries[k]) + " was kept in notes", "email");
      }
    } else if (field == "consent") {
      auto yes = read_yes_no(value);
      if (!yes) {
        warn("unreadable_consent", column_label(header, i) + ": " + in_quotes(value) +
                                       " is not yes/no (Evet/Hayır); consent left off", "consent");
      }
      out.fields["consent"] = yes.value_or(false);
    } else {
      out.fields[field] = std::string(value);
    }
  }
  if (!first.empty() || !last.empty()) out.fields["name"] = first.empty() ? last : last.empty() ? first : first + " " + last;
  if (!out.columns.contains("name")) {
    if (out.columns.contains("first_name")) out.columns["name"] = out.columns["first_name"];
    else if (out.columns.contains("last_name")) out.columns["name"] = out.columns["last_name"];
  }
  if (!notes.empty()) out.fields["notes"] = notes;
  if (!address.empty()) out.fields["address"] = address;
  if (cells.size() > mapping.size()) {
    for (std::size_t i = mapping.size(); i < cells.size(); ++i) {
      if (!text::trim(cells[i]).empty()) {
        warn("extra_cells", "The row has " + std::to_string(cells.size()) + " cells but the header " +
                                std::to_string(header.size()) + "; values past the header were ignored", "");
        break;
      }
    }
  }
  return out;
}

}  // namespace kervan::exchange
