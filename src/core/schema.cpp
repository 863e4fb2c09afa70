#include "core/schema.hpp"

#include <stdexcept>
#include <string>

#include "core/database.hpp"

namespace kervan {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: a released migration is never edited, a new one is added at the end.
constexpr Migration kMigrations[] = {
    {1, R"sql(
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE field_stamps (
        entity    TEXT NOT NULL,
        record_id TEXT NOT NULL,
        field     TEXT NOT NULL,
        stamp     TEXT NOT NULL,
        PRIMARY KEY (entity, record_id, field)
      ) WITHOUT ROWID;

      CREATE TABLE tombstones (
        entity    TEXT NOT NULL,
        record_id TEXT NOT NULL,
        stamp     TEXT NOT NULL,
        PRIMARY KEY (entity, record_id)
      ) WITHOUT ROWID;

      CREATE TABLE leads (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL DEFAULT '',
        company     TEXT NOT NULL DEFAULT '',
        title       TEXT NOT NULL DEFAULT '',
        email       TEXT NOT NULL DEFAULT '',
        phone       TEXT NOT NULL DEFAULT '',
        city        TEXT NOT NULL DEFAULT '',
        country     TEXT NOT NULL DEFAULT '',
        source      TEXT NOT NULL DEFAULT '',
        event       TEXT NOT NULL DEFAULT '',
        notes       TEXT NOT NULL DEFAULT '',
        owner       TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new', 'working', 'qualified', 'unqualified', 'converted')),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        search_text TEXT NOT NULL DEFAULT '',
        CHECK (name <> '' OR company <> '')
      );
      CREATE INDEX leads_by_created ON leads(created_at);
      CREATE INDEX leads_by_status ON leads(status, created_at);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    )sql"},
    {2, R"sql(
      CREATE TABLE companies (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL CHECK (name <> ''),
        tax_office  TEXT NOT NULL DEFAULT '',
        tax_number  TEXT NOT NULL DEFAULT '',
        phone       TEXT NOT NULL DEFAULT '',
        website     TEXT NOT NULL DEFAULT '',
        address     TEXT NOT NULL DEFAULT '',
        city        TEXT NOT NULL DEFAULT '',
        country     TEXT NOT NULL DEFAULT '',
        owner       TEXT NOT NULL DEFAULT '',
        notes       TEXT NOT NULL DEFAULT '',
        tags        TEXT NOT NULL DEFAULT '[]',
        source_lead_id TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        search_text TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX companies_by_created ON companies(created_at);

      CREATE TABLE contacts (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL CHECK (name <> ''),
        title       TEXT NOT NULL DEFAULT '',
        emails      TEXT NOT NULL DEFAULT '[]',
        phones      TEXT NOT NULL DEFAULT '[]',
        company_id  TEXT REFERENCES companies(id),
        owner       TEXT NOT NULL DEFAULT '',
        notes       TEXT NOT NULL DEFAULT '',
        tags        TEXT NOT NULL DEFAULT '[]',
        source_lead_id TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        search_text TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX contacts_by_company ON contacts(company_id);
      CREATE INDEX contacts_by_created ON contacts(created_at);

      ALTER TABLE leads ADD COLUMN website TEXT NOT NULL DEFAULT '';
      ALTER TABLE leads ADD COLUMN interest TEXT NOT NULL DEFAULT '';
      ALTER TABLE leads ADD COLUMN consent INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE leads ADD COLUMN consent_at TEXT NOT NULL DEFAULT '';
      ALTER TABLE leads ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE leads ADD COLUMN disqualify_reason TEXT NOT NULL DEFAULT '';
      ALTER TABLE leads ADD COLUMN contact_id TEXT REFERENCES contacts(id);
      ALTER TABLE leads ADD COLUMN company_id TEXT REFERENCES companies(id);
      ALTER TABLE leads ADD COLUMN converted_at TEXT NOT NULL DEFAULT '';
      CREATE INDEX leads_by_event ON leads(event, created_at);
      CREATE INDEX leads_by_source ON leads(source);
      CREATE INDEX leads_by_owner ON leads(owner);

      -- User-editable lists (lead sources, disqualification reasons): stable keys, labels in
      -- both languages, archived instead of deleted so old records keep their meaning.
      CREATE TABLE list_values (
        list      TEXT NOT NULL,
        key       TEXT NOT NULL,
        label_tr  TEXT NOT NULL,
        label_en  TEXT NOT NULL,
        position  INTEGER NOT NULL,
        archived  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (list, key)
      ) WITHOUT ROWID;
      INSERT INTO list_values(list, key, label_tr, label_en, position) VALUES
        ('lead_source', 'web_form', 'Web formu', 'Web form', 1),
        ('lead_source', 'trade_show', 'Fuar', 'Trade show', 2),
        ('lead_source', 'referral', 'Tavsiye', 'Referral', 3),
        ('lead_source', 'price_inquiry', 'Fiyat talebi', 'Price inquiry', 4),
        ('lead_source', 'phone_call', 'Telefon araması', 'Phone call', 5),
        ('lead_source', 'other', 'Diğer', 'Other', 6),
        ('disqualify_reason', 'no_budget', 'Bütçesi yok', 'No budget', 1),
        ('disqualify_reason', 'no_need', 'İhtiyacı yok', 'No need', 2),
        ('disqualify_reason', 'competitor_customer', 'Rakip müşterisi', 'Competitor customer', 3),
        ('disqualify_reason', 'unreachable', 'Ulaşılamıyor', 'Unreachable', 4),
        ('disqualify_reason', 'duplicate', 'Mükerrer kayıt', 'Duplicate', 5),
        ('disqualify_reason', 'other', 'Diğer', 'Other', 6);

      -- Duplicate detection: each lead, contact and company is indexed under cheap keys
      -- (normalised e-mail, phone, name and company keys) so candidates are found by lookup.
      CREATE TABLE dedupe_keys (
        key       TEXT NOT NULL,
        entity    TEXT NOT NULL,
        record_id TEXT NOT NULL,
        PRIMARY KEY (key, entity, record_id)
      ) WITHOUT ROWID;
      CREATE INDEX dedupe_keys_by_record ON dedupe_keys(entity, record_id);
    )sql"},
};

}  // namespace

int current_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

int schema_version(Database& db) {
  Statement st(db, "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.column_int(0));
}

void migrate(Database& db) {
  int version = schema_version(db);
  if (version > current_schema_version()) {
    throw std::runtime_error("the database has schema version " + std::to_string(version) +
                             ", newer than this Kervan (" + std::to_string(current_schema_version()) +
                             "); update Kervan to open it");
  }
  for (const auto& m : kMigrations) {
    if (m.version <= version) continue;
    Transaction tx(db);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
  }
}

}  // namespace kervan
