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
    {3, R"sql(
      -- Deals move through pipelines: ordered stages with a default win probability and the
      -- number of quiet days after which an open deal counts as stale (0 = never).
      CREATE TABLE pipelines (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL CHECK (name <> ''),
        name_tr     TEXT NOT NULL DEFAULT '',
        position    INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );

      CREATE TABLE stages (
        id               TEXT PRIMARY KEY,
        pipeline_id      TEXT NOT NULL REFERENCES pipelines(id),
        name             TEXT NOT NULL CHECK (name <> ''),
        name_tr          TEXT NOT NULL DEFAULT '',
        position         INTEGER NOT NULL DEFAULT 0,
        probability      INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
        stale_after_days INTEGER NOT NULL DEFAULT 0 CHECK (stale_after_days >= 0),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      );
      CREATE INDEX stages_by_pipeline ON stages(pipeline_id, position);

      -- Checklist steps of a stage, and which of them each deal has done.
      CREATE TABLE stage_steps (
        id          TEXT PRIMARY KEY,
        stage_id    TEXT NOT NULL REFERENCES stages(id),
        text        TEXT NOT NULL CHECK (text <> ''),
        required    INTEGER NOT NULL DEFAULT 0,
        position    INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE INDEX stage_steps_by_stage ON stage_steps(stage_id, position);

      CREATE TABLE deals (
        id                   TEXT PRIMARY KEY,
        name                 TEXT NOT NULL CHECK (name <> ''),
        -- No foreign keys to companies, contacts and leads: deleting or merging those must
        -- not be blocked by a deal; a dangling id reads as "no longer there".
        company_id           TEXT,
        contact_id           TEXT,
        owner                TEXT NOT NULL DEFAULT '',
        pipeline_id          TEXT NOT NULL REFERENCES pipelines(id),
        stage_id             TEXT NOT NULL REFERENCES stages(id),
        amount               INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
        currency             TEXT NOT NULL DEFAULT 'TRY',
        probability          INTEGER NOT NULL DEFAULT 0 CHECK (probability BETWEEN 0 AND 100),
        probability_override INTEGER NOT NULL DEFAULT 0,
        expected_close       TEXT NOT NULL DEFAULT '',
        status               TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
        lost_reason          TEXT NOT NULL DEFAULT '',
        closed_at            TEXT NOT NULL DEFAULT '',
        won_amount           INTEGER,
        close_rate_micro     INTEGER,
        close_base_currency  TEXT NOT NULL DEFAULT '',
        source_lead_id       TEXT,
        notes                TEXT NOT NULL DEFAULT '',
        tags                 TEXT NOT NULL DEFAULT '[]',
        stage_entered_at     TEXT NOT NULL,
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL,
        search_text          TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX deals_by_stage ON deals(stage_id, status);
      CREATE INDEX deals_by_pipeline ON deals(pipeline_id, status);
      CREATE INDEX deals_by_company ON deals(company_id);

      -- Every stage a deal entered and left; confirmed lists required steps skipped on purpose.
      CREATE TABLE deal_stage_history (
        id          TEXT PRIMARY KEY,
        deal_id     TEXT NOT NULL REFERENCES deals(id),
        stage_id    TEXT NOT NULL,
        stage_name  TEXT NOT NULL DEFAULT '',
        entered_at  TEXT NOT NULL,
        left_at     TEXT NOT NULL DEFAULT '',
        reason      TEXT NOT NULL DEFAULT '',
        confirmed   TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE INDEX deal_stage_history_by_deal ON deal_stage_history(deal_id, entered_at);

      CREATE TABLE deal_steps (
        id          TEXT PRIMARY KEY,
        deal_id     TEXT NOT NULL REFERENCES deals(id),
        step_id     TEXT NOT NULL REFERENCES stage_steps(id),
        done        INTEGER NOT NULL DEFAULT 0,
        done_at     TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        UNIQUE (deal_id, step_id)
      );

      -- Exchange rates: how many base-currency units one unit is, in millionths.
      CREATE TABLE rates (
        id             TEXT PRIMARY KEY,
        currency       TEXT NOT NULL UNIQUE,
        per_base_micro INTEGER NOT NULL CHECK (per_base_micro > 0),
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      );

      CREATE TABLE activities (
        id               TEXT PRIMARY KEY,
        type             TEXT NOT NULL CHECK (type IN ('call', 'meeting', 'task', 'email', 'note')),
        subject          TEXT NOT NULL CHECK (subject <> ''),
        due_at           TEXT NOT NULL DEFAULT '',
        duration_minutes INTEGER NOT NULL DEFAULT 0,
        done             INTEGER NOT NULL DEFAULT 0,
        done_at          TEXT NOT NULL DEFAULT '',
        owner            TEXT NOT NULL DEFAULT '',
        notes            TEXT NOT NULL DEFAULT '',
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        search_text      TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX activities_by_due ON activities(done, due_at);

      CREATE TABLE activity_links (
        id          TEXT PRIMARY KEY,
        activity_id TEXT NOT NULL REFERENCES activities(id),
        entity      TEXT NOT NULL CHECK (entity IN ('deal', 'lead', 'contact', 'company')),
        record_id   TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        UNIQUE (activity_id, entity, record_id)
      );
      CREATE INDEX activity_links_by_record ON activity_links(entity, record_id);

      -- The default pipeline, with stable ids so every device seeds the same records.
      INSERT INTO pipelines(id, name, name_tr, position, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000100', 'Sales', 'Satış', 1,
         '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      INSERT INTO stages(id, pipeline_id, name, name_tr, position, probability, stale_after_days, created_at, updated_at)
      VALUES
        ('00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000100', 'Qualification',
         'Nitelendirme', 1, 10, 14, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
        ('00000000-0000-4000-8000-000000000102', '00000000-0000-4000-8000-000000000100', 'Needs analysis',
         'İhtiyaç analizi', 2, 20, 14, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
        ('00000000-0000-4000-8000-000000000103', '00000000-0000-4000-8000-000000000100', 'Proposal preparation',
         'Teklif hazırlığı', 3, 40, 14, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
        ('00000000-0000-4000-8000-000000000104', '00000000-0000-4000-8000-000000000100', 'Negotiation',
         'Pazarlık', 4, 70, 21, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
        ('00000000-0000-4000-8000-000000000105', '00000000-0000-4000-8000-000000000100', 'Contract',
         'Sözleşme', 5, 90, 30, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');

      INSERT INTO list_values(list, key, label_tr, label_en, position) VALUES
        ('deal_lost_reason', 'price', 'Fiyat', 'Price', 1),
        ('deal_lost_reason', 'competitor', 'Rakip', 'Competitor', 2),
        ('deal_lost_reason', 'no_budget', 'Bütçe yok', 'No budget', 3),
        ('deal_lost_reason', 'no_decision', 'Karar çıkmadı', 'No decision', 4),
        ('deal_lost_reason', 'timing', 'Zamanlama', 'Timing', 5),
        ('deal_lost_reason', 'other', 'Diğer', 'Other', 6);
    )sql"},
    {4, R"sql(
      -- Forecast snapshots (report.snapshot): one row each, the forecast lines per month,
      -- pipeline and owner in the snapshot's base currency kept as JSON in `lines`.
      CREATE TABLE forecast_snapshots (
        id                 TEXT PRIMARY KEY,
        taken_at           TEXT NOT NULL,
        month              TEXT NOT NULL,
        kind               TEXT NOT NULL CHECK (kind IN ('monthly', 'manual')),
        base_currency      TEXT NOT NULL,
        utc_offset_minutes INTEGER NOT NULL DEFAULT 0,
        months             INTEGER NOT NULL DEFAULT 6,
        lines              TEXT NOT NULL DEFAULT '[]',
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      );
      CREATE INDEX forecast_snapshots_by_month ON forecast_snapshots(kind, month);
      CREATE INDEX forecast_snapshots_by_taken ON forecast_snapshots(taken_at);

      -- Indexes of the reports (grouped SQL over these instead of reading every row).
      CREATE INDEX deals_by_closed ON deals(status, closed_at);
      CREATE INDEX deals_by_expected ON deals(status, expected_close);
      CREATE INDEX deals_by_owner ON deals(owner, status, closed_at);
      CREATE INDEX deals_by_source_lead ON deals(source_lead_id, status);
      CREATE INDEX leads_by_owner_created ON leads(owner, created_at);
      CREATE INDEX activities_by_done_at ON activities(done, done_at);
    )sql"},
    {5, R"sql(
      -- Covering indexes for the reports: the grouped queries read only the index, in the
      -- order of their GROUP BY, so no table row is read and no sort is needed.
      CREATE INDEX leads_for_funnel ON leads(source, event, created_at, status, owner);
      CREATE INDEX leads_for_team ON leads(owner, created_at, status);
      DROP INDEX leads_by_owner_created;
      CREATE INDEX activities_for_team ON activities(done, owner, due_at, done_at);
      CREATE INDEX activity_links_for_deals ON activity_links(entity, record_id, activity_id);
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
