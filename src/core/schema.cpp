#include "core/schema.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/database.hpp"
#include "core/record_types.hpp"
#include "core/reports.hpp"

namespace kervan {
namespace {

// Migration SQL as the module carries it: without comments, each run of spaces and line breaks
// one space (outside quotes), computed at compile time. The comments are for people reading
// this file (brotli -2.4 KB); SQLite keeps the compact text of what it creates.
template <std::size_t N>
struct CompactSql {
  char text[N] = {};
  consteval CompactSql(const char (&sql)[N]) {
    std::size_t out = 0;
    char quote = 0;
    bool space = false;
    for (std::size_t i = 0; i + 1 < N; ++i) {
      char c = sql[i];
      if (quote) {
        text[out++] = c;
        if (c == quote) quote = 0;
      } else if (c == '-' && sql[i + 1] == '-') {
        while (i + 1 < N && sql[i + 1] != '\n') ++i;
        space = true;
      } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        space = true;
      } else {
        if (space && out > 0) text[out++] = ' ';
        space = false;
        if (c == '\'' || c == '"') quote = c;
        text[out++] = c;
      }
    }
  }
};
template <CompactSql S>
constexpr const char* compact_sql = S.text;

struct Migration {
  int version;
  const char* sql;
  void (*then)(Database&) = nullptr;  // derived data rebuilt in C++ after all the SQL steps
};

// Append only: a released migration is never edited, a new one is added at the end. (One
// exception, migration 9: its JSON step moved to C++, with the same result, when SQLite lost
// its JSON functions.)
constexpr Migration kMigrations[] = {
    {1, compact_sql<R"sql(
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
    )sql">},
    {2, compact_sql<R"sql(
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
    )sql">},
    {3, compact_sql<R"sql(
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
    )sql">},
    {4, compact_sql<R"sql(
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
    )sql">},
    {5, compact_sql<R"sql(
      -- Covering indexes for the reports: the grouped queries read only the index, in the
      -- order of their GROUP BY, so no table row is read and no sort is needed.
      CREATE INDEX leads_for_funnel ON leads(source, event, created_at, status, owner);
      CREATE INDEX leads_for_team ON leads(owner, created_at, status);
      DROP INDEX leads_by_owner_created;
      CREATE INDEX activities_for_team ON activities(done, owner, due_at, done_at);
      CREATE INDEX activity_links_for_deals ON activity_links(entity, record_id, activity_id);
    )sql">},
    {6, compact_sql<R"sql(
      -- Field stamps, one row per record instead of one per field (layout: record_stamps.cpp):
      -- device ids and field names become small numbers, fields sharing a stamp share it.
      CREATE TABLE stamp_devices (
        no        INTEGER PRIMARY KEY,
        device_id TEXT NOT NULL UNIQUE
      );
      CREATE TABLE stamp_fields (
        no    INTEGER PRIMARY KEY,
        field TEXT NOT NULL UNIQUE
      );
      CREATE TABLE record_stamps (
        entity    TEXT NOT NULL,
        record    BLOB NOT NULL,  -- uuid_blob(record id)
        newest_ms INTEGER NOT NULL,
        stamps    TEXT NOT NULL,
        PRIMARY KEY (entity, record)
      ) WITHOUT ROWID;
      CREATE INDEX record_stamps_by_newest ON record_stamps(newest_ms);

      -- Text stamps are WWWWWWWWWWWWWWW:CCCCC:<device id>.
      INSERT INTO stamp_devices(device_id) SELECT DISTINCT substr(stamp, 23) FROM field_stamps ORDER BY 1;
      INSERT INTO stamp_fields(field) SELECT DISTINCT field FROM field_stamps ORDER BY 1;
      INSERT INTO record_stamps(entity, record, newest_ms, stamps)
        SELECT entity, uuid_blob(record_id), max(wall), '[' || group_concat(grp, ',' ORDER BY stamp) || ']'
        FROM (SELECT s.entity, s.record_id, s.stamp, CAST(substr(s.stamp, 1, 15) AS INTEGER) AS wall,
                     '[' || CAST(substr(s.stamp, 1, 15) AS INTEGER) || ',' ||
                     CAST(substr(s.stamp, 17, 5) AS INTEGER) || ',' || d.no || ',' ||
                     group_concat(f.no, ',' ORDER BY f.no) || ']' AS grp
              FROM field_stamps s
                   JOIN stamp_devices d ON d.device_id = substr(s.stamp, 23)
                   JOIN stamp_fields f ON f.field = s.field
              GROUP BY s.entity, s.record_id, s.stamp)
        GROUP BY entity, record_id;
      DROP TABLE field_stamps;

      -- Duplicate keys name their record by uuid_blob too (in the table and its index).
      CREATE TABLE dedupe_keys_packed (
        key    TEXT NOT NULL,
        entity TEXT NOT NULL,
        record BLOB NOT NULL,
        PRIMARY KEY (key, entity, record)
      ) WITHOUT ROWID;
      INSERT INTO dedupe_keys_packed SELECT key, entity, uuid_blob(record_id) FROM dedupe_keys;
      DROP TABLE dedupe_keys;
      ALTER TABLE dedupe_keys_packed RENAME TO dedupe_keys;
      CREATE INDEX dedupe_keys_by_record ON dedupe_keys(entity, record);

      -- Indexes that are a leading part of another one.
      DROP INDEX leads_by_source;          -- leads_for_funnel(source, ...)
      DROP INDEX leads_by_owner;           -- leads_for_team(owner, ...)
      DROP INDEX activity_links_by_record; -- activity_links_for_deals(entity, record_id, ...)
    )sql">},
    {7, compact_sql<R"sql(
      -- Report summaries kept exact by triggers, so every write path (commands, sync import,
      -- deletes) updates them inside its own transaction.
      --
      -- deal_facts: one row per OPEN deal with what report.pipeline reads, plus facts of its
      -- linked activities: the latest touch (created or done), the latest due time of an undone
      -- one (after now = something scheduled, so not stale) and whether an undone one has a due
      -- time (a next step). The pipeline is then one scan of a covering index.
      CREATE TABLE deal_facts (
        deal_id          TEXT PRIMARY KEY,
        stage_id         TEXT NOT NULL,
        pipeline_id      TEXT NOT NULL,
        owner            TEXT NOT NULL,
        currency         TEXT NOT NULL,
        probability      INTEGER NOT NULL,
        amount           INTEGER NOT NULL,
        stage_entered_at TEXT NOT NULL,
        last_touch       TEXT NOT NULL DEFAULT '',
        open_due_max     TEXT NOT NULL DEFAULT '',
        has_next         INTEGER NOT NULL DEFAULT 0,
        -- When the deal turns stale if nothing happens: the later of its quiet time plus the
        -- stage's stale_after_days and its latest scheduled activity; NULL when never.
        stale_from       TEXT
      ) WITHOUT ROWID;
      CREATE INDEX deal_facts_by_stale ON deal_facts(stage_id, stale_from, owner, pipeline_id);

      -- Always empty: inserting a deal id recomputes that deal's activity facts (the one place
      -- the rule is written), then the row is removed.
      CREATE TABLE deal_facts_refresh (deal_id TEXT NOT NULL);
      CREATE TRIGGER deal_facts_refresh_run AFTER INSERT ON deal_facts_refresh BEGIN
        UPDATE deal_facts SET (last_touch, open_due_max, has_next) = (
          SELECT coalesce(max(max(a.created_at, a.done_at)), ''),
                 coalesce(max(CASE WHEN a.done = 0 THEN a.due_at END), ''),
                 coalesce(max(a.done = 0 AND a.due_at <> ''), 0)
          FROM activity_links l JOIN activities a ON a.id = l.activity_id
          WHERE l.entity = 'deal' AND l.record_id = NEW.deal_id)
        WHERE deal_id = NEW.deal_id;
        UPDATE deal_facts SET stale_from = (
          SELECT CASE WHEN s.stale_after_days > 0 THEN max(open_due_max, strftime('%Y-%m-%dT%H:%M:%fZ',
                   max(stage_entered_at, last_touch), '+' || s.stale_after_days || ' days')) END
          FROM stages s WHERE s.id = deal_facts.stage_id)
        WHERE deal_id = NEW.deal_id;
        DELETE FROM deal_facts_refresh WHERE rowid = NEW.rowid;
      END;

      CREATE TRIGGER deal_facts_deal_insert AFTER INSERT ON deals WHEN NEW.status = 'open' BEGIN
        INSERT INTO deal_facts(deal_id, stage_id, pipeline_id, owner, currency, probability, amount, stage_entered_at)
        VALUES (NEW.id, NEW.stage_id, NEW.pipeline_id, NEW.owner, NEW.currency, NEW.probability, NEW.amount,
                NEW.stage_entered_at);
        INSERT INTO deal_facts_refresh VALUES (NEW.id);
      END;
      CREATE TRIGGER deal_facts_deal_update AFTER UPDATE OF id, status, stage_id, pipeline_id, owner, currency,
          probability, amount, stage_entered_at ON deals BEGIN
        DELETE FROM deal_facts WHERE deal_id = OLD.id;
        INSERT INTO deal_facts(deal_id, stage_id, pipeline_id, owner, currency, probability, amount, stage_entered_at)
        SELECT NEW.id, NEW.stage_id, NEW.pipeline_id, NEW.owner, NEW.currency, NEW.probability, NEW.amount,
               NEW.stage_entered_at WHERE NEW.status = 'open';
        INSERT INTO deal_facts_refresh SELECT NEW.id WHERE NEW.status = 'open';
      END;
      CREATE TRIGGER deal_facts_deal_delete AFTER DELETE ON deals BEGIN
        DELETE FROM deal_facts WHERE deal_id = OLD.id;
      END;

      CREATE TRIGGER deal_facts_activity_insert AFTER INSERT ON activities BEGIN
        INSERT INTO deal_facts_refresh SELECT record_id FROM activity_links WHERE activity_id = NEW.id AND entity = 'deal';
      END;
      CREATE TRIGGER deal_facts_activity_update AFTER UPDATE OF id, created_at, done, done_at, due_at ON activities BEGIN
        INSERT INTO deal_facts_refresh SELECT record_id FROM activity_links
        WHERE activity_id IN (OLD.id, NEW.id) AND entity = 'deal';
      END;
      CREATE TRIGGER deal_facts_activity_delete AFTER DELETE ON activities BEGIN
        INSERT INTO deal_facts_refresh SELECT record_id FROM activity_links WHERE activity_id = OLD.id AND entity = 'deal';
      END;
      CREATE TRIGGER deal_facts_link_insert AFTER INSERT ON activity_links WHEN NEW.entity = 'deal' BEGIN
        INSERT INTO deal_facts_refresh VALUES (NEW.record_id);
      END;
      CREATE TRIGGER deal_facts_link_update AFTER UPDATE ON activity_links BEGIN
        INSERT INTO deal_facts_refresh SELECT OLD.record_id WHERE OLD.entity = 'deal';
        INSERT INTO deal_facts_refresh SELECT NEW.record_id WHERE NEW.entity = 'deal';
      END;
      CREATE TRIGGER deal_facts_link_delete AFTER DELETE ON activity_links WHEN OLD.entity = 'deal' BEGIN
        INSERT INTO deal_facts_refresh VALUES (OLD.record_id);
      END;

      CREATE TRIGGER deal_facts_stage_update AFTER UPDATE OF id, stale_after_days ON stages BEGIN
        INSERT INTO deal_facts_refresh SELECT deal_id FROM deal_facts WHERE stage_id = NEW.id;
      END;
      -- A sync file may bring deals before their stage.
      CREATE TRIGGER deal_facts_stage_insert AFTER INSERT ON stages BEGIN
        INSERT INTO deal_facts_refresh SELECT deal_id FROM deal_facts WHERE stage_id = NEW.id;
      END;

      -- Open deals summed per stage, owner, currency and probability, kept from deal_facts.
      CREATE TABLE open_stage_sums (
        stage_id     TEXT NOT NULL,
        pipeline_id  TEXT NOT NULL,
        owner        TEXT NOT NULL,
        currency     TEXT NOT NULL,
        probability  INTEGER NOT NULL,
        deals        INTEGER NOT NULL,
        amount       INTEGER NOT NULL,
        without_next INTEGER NOT NULL,
        PRIMARY KEY (stage_id, pipeline_id, owner, currency, probability)
      ) WITHOUT ROWID;
      CREATE TABLE open_stage_sums_change (stage_id, pipeline_id, owner, currency, probability, deals, amount,
                                           without_next);
      CREATE TRIGGER open_stage_sums_apply AFTER INSERT ON open_stage_sums_change BEGIN
        INSERT INTO open_stage_sums VALUES (NEW.stage_id, NEW.pipeline_id, NEW.owner, NEW.currency, NEW.probability,
                                            NEW.deals, NEW.amount, NEW.without_next)
        ON CONFLICT DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount,
                                  without_next = without_next + excluded.without_next;
        DELETE FROM open_stage_sums WHERE stage_id = NEW.stage_id AND pipeline_id = NEW.pipeline_id
          AND owner = NEW.owner AND currency = NEW.currency AND probability = NEW.probability AND deals = 0
          AND amount = 0 AND without_next = 0;
        DELETE FROM open_stage_sums_change WHERE rowid = NEW.rowid;
      END;
      CREATE TRIGGER open_stage_sums_insert AFTER INSERT ON deal_facts BEGIN
        INSERT INTO open_stage_sums_change VALUES (NEW.stage_id, NEW.pipeline_id, NEW.owner, NEW.currency,
          NEW.probability, 1, NEW.amount, NEW.has_next = 0);
      END;
      CREATE TRIGGER open_stage_sums_update AFTER UPDATE OF stage_id, pipeline_id, owner, currency, probability,
          amount, has_next ON deal_facts BEGIN
        INSERT INTO open_stage_sums_change VALUES (OLD.stage_id, OLD.pipeline_id, OLD.owner, OLD.currency,
          OLD.probability, -1, -OLD.amount, -(OLD.has_next = 0));
        INSERT INTO open_stage_sums_change VALUES (NEW.stage_id, NEW.pipeline_id, NEW.owner, NEW.currency,
          NEW.probability, 1, NEW.amount, NEW.has_next = 0);
      END;
      CREATE TRIGGER open_stage_sums_delete AFTER DELETE ON deal_facts BEGIN
        INSERT INTO open_stage_sums_change VALUES (OLD.stage_id, OLD.pipeline_id, OLD.owner, OLD.currency,
          OLD.probability, -1, -OLD.amount, -(OLD.has_next = 0));
      END;

      INSERT INTO deal_facts(deal_id, stage_id, pipeline_id, owner, currency, probability, amount, stage_entered_at)
      SELECT id, stage_id, pipeline_id, owner, currency, probability, amount, stage_entered_at FROM deals
      WHERE status = 'open';
      INSERT INTO deal_facts_refresh SELECT deal_id FROM deal_facts;

      -- Monthly sums (UTC month of the stored time) for reports over periods: whole months are
      -- read here and the few hours or days at a period's edges from the rows themselves, so
      -- any UTC offset gives the same figures as counting rows (report_common.cpp plan_pieces).
      -- Each has an always-empty *_change table: a row inserted there is added (or, negated,
      -- taken away) in one place, and sums that fall to zero are removed.
      -- lead_months: the lead cohort by capture month with what became of it (the funnel's and
      -- the team's rule, reports.hpp): status today, the deals it became, those won, and
      -- lead_won_months the won amounts per currency and closing rate. A lead's share is taken
      -- away BEFORE a write that touches it (the lead or one of its deals) and added back AFTER.
      CREATE TABLE lead_months (
        month     TEXT NOT NULL,
        owner     TEXT NOT NULL,
        source    TEXT NOT NULL,
        event     TEXT NOT NULL,
        captured  INTEGER NOT NULL,
        qualified INTEGER NOT NULL,
        converted INTEGER NOT NULL,
        deals     INTEGER NOT NULL,
        deals_won INTEGER NOT NULL,
        leads_won INTEGER NOT NULL,
        PRIMARY KEY (owner, month, source, event)
      ) WITHOUT ROWID;
      -- The same without source and event (the team) and without owner (the funnel of everyone).
      CREATE TABLE lead_owner_months (
        month     TEXT NOT NULL,
        owner     TEXT NOT NULL,
        captured  INTEGER NOT NULL,
        qualified INTEGER NOT NULL,
        converted INTEGER NOT NULL,
        PRIMARY KEY (month, owner)
      ) WITHOUT ROWID;
      CREATE TABLE lead_event_months (
        month     TEXT NOT NULL,
        source    TEXT NOT NULL,
        event     TEXT NOT NULL,
        captured  INTEGER NOT NULL,
        qualified INTEGER NOT NULL,
        converted INTEGER NOT NULL,
        deals     INTEGER NOT NULL,
        deals_won INTEGER NOT NULL,
        leads_won INTEGER NOT NULL,
        PRIMARY KEY (month, source, event)
      ) WITHOUT ROWID;
      CREATE TABLE lead_months_change (month, owner, source, event, captured, qualified, converted, deals,
                                       deals_won, leads_won);
      CREATE TRIGGER lead_months_apply AFTER INSERT ON lead_months_change BEGIN
        INSERT INTO lead_months VALUES (NEW.month, NEW.owner, NEW.source, NEW.event, NEW.captured, NEW.qualified,
                                        NEW.converted, NEW.deals, NEW.deals_won, NEW.leads_won)
        ON CONFLICT DO UPDATE SET captured = captured + excluded.captured, qualified = qualified + excluded.qualified,
          converted = converted + excluded.converted, deals = deals + excluded.deals,
          deals_won = deals_won + excluded.deals_won, leads_won = leads_won + excluded.leads_won;
        DELETE FROM lead_months WHERE month = NEW.month AND owner = NEW.owner AND source = NEW.source
          AND event = NEW.event AND captured = 0 AND qualified = 0 AND converted = 0 AND deals = 0
          AND deals_won = 0 AND leads_won = 0;
        INSERT INTO lead_owner_months VALUES (NEW.month, NEW.owner, NEW.captured, NEW.qualified, NEW.converted)
        ON CONFLICT DO UPDATE SET captured = captured + excluded.captured, qualified = qualified + excluded.qualified,
          converted = converted + excluded.converted;
        DELETE FROM lead_owner_months WHERE month = NEW.month AND owner = NEW.owner AND captured = 0
          AND qualified = 0 AND converted = 0;
        INSERT INTO lead_event_months VALUES (NEW.month, NEW.source, NEW.event, NEW.captured, NEW.qualified,
                                              NEW.converted, NEW.deals, NEW.deals_won, NEW.leads_won)
        ON CONFLICT DO UPDATE SET captured = captured + excluded.captured, qualified = qualified + excluded.qualified,
          converted = converted + excluded.converted, deals = deals + excluded.deals,
          deals_won = deals_won + excluded.deals_won, leads_won = leads_won + excluded.leads_won;
        DELETE FROM lead_event_months WHERE month = NEW.month AND source = NEW.source AND event = NEW.event
          AND captured = 0 AND qualified = 0 AND converted = 0 AND deals = 0 AND deals_won = 0 AND leads_won = 0;
        DELETE FROM lead_months_change WHERE rowid = NEW.rowid;
      END;
      CREATE TABLE lead_won_months (
        month      TEXT NOT NULL,
        owner      TEXT NOT NULL,
        source     TEXT NOT NULL,
        event      TEXT NOT NULL,
        currency   TEXT NOT NULL,
        rate_base  TEXT NOT NULL,
        rate_micro INTEGER NOT NULL,
        deals      INTEGER NOT NULL,
        amount     INTEGER NOT NULL,
        PRIMARY KEY (month, owner, source, event, currency, rate_base, rate_micro)
      ) WITHOUT ROWID;
      CREATE TABLE lead_won_months_change (month, owner, source, event, currency, rate_base, rate_micro, deals,
                                           amount);
      CREATE TRIGGER lead_won_months_apply AFTER INSERT ON lead_won_months_change BEGIN
        INSERT INTO lead_won_months VALUES (NEW.month, NEW.owner, NEW.source, NEW.event, NEW.currency, NEW.rate_base,
                                            NEW.rate_micro, NEW.deals, NEW.amount)
        ON CONFLICT DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount;
        DELETE FROM lead_won_months WHERE month = NEW.month AND owner = NEW.owner AND source = NEW.source
          AND event = NEW.event AND currency = NEW.currency AND rate_base = NEW.rate_base
          AND rate_micro = NEW.rate_micro AND deals = 0 AND amount = 0;
        DELETE FROM lead_won_months_change WHERE rowid = NEW.rowid;
      END;
      -- Inserting (lead id, +1 or -1) adds or takes away that lead's share, written here once.
      CREATE TABLE lead_share_change (lead_id TEXT, sign INTEGER NOT NULL);
      CREATE TRIGGER lead_share_apply AFTER INSERT ON lead_share_change BEGIN
        INSERT INTO lead_months_change SELECT substr(l.created_at, 1, 7), l.owner, l.source, l.event, NEW.sign,
          NEW.sign * (l.status IN ('qualified', 'converted')), NEW.sign * (l.status = 'converted'),
          NEW.sign * (SELECT count(*) FROM deals d WHERE d.source_lead_id = l.id),
          NEW.sign * (SELECT count(*) FROM deals d WHERE d.source_lead_id = l.id AND d.status = 'won'),
          NEW.sign * EXISTS (SELECT 1 FROM deals d WHERE d.source_lead_id = l.id AND d.status = 'won')
          FROM leads l WHERE l.id = NEW.lead_id;
        INSERT INTO lead_won_months_change SELECT substr(l.created_at, 1, 7), l.owner, l.source, l.event,
          d.currency, d.close_base_currency, coalesce(d.close_rate_micro, 0), NEW.sign,
          NEW.sign * coalesce(d.won_amount, d.amount)
          FROM leads l JOIN deals d ON d.source_lead_id = l.id WHERE l.id = NEW.lead_id AND d.status = 'won';
        DELETE FROM lead_share_change WHERE rowid = NEW.rowid;
      END;
      CREATE TRIGGER lead_share_lead_insert AFTER INSERT ON leads BEGIN
        INSERT INTO lead_share_change VALUES (NEW.id, 1);
      END;
      CREATE TRIGGER lead_share_lead_before_update BEFORE UPDATE OF id, created_at, owner, source, event, status
          ON leads BEGIN
        INSERT INTO lead_share_change VALUES (OLD.id, -1);
      END;
      CREATE TRIGGER lead_share_lead_after_update AFTER UPDATE OF id, created_at, owner, source, event, status
          ON leads BEGIN
        INSERT INTO lead_share_change VALUES (NEW.id, 1);
      END;
      CREATE TRIGGER lead_share_lead_delete BEFORE DELETE ON leads BEGIN
        INSERT INTO lead_share_change VALUES (OLD.id, -1);
      END;
      CREATE TRIGGER lead_share_deal_before_insert BEFORE INSERT ON deals WHEN NEW.source_lead_id IS NOT NULL BEGIN
        INSERT INTO lead_share_change VALUES (NEW.source_lead_id, -1);
      END;
      CREATE TRIGGER lead_share_deal_after_insert AFTER INSERT ON deals WHEN NEW.source_lead_id IS NOT NULL BEGIN
        INSERT INTO lead_share_change VALUES (NEW.source_lead_id, 1);
      END;
      CREATE TRIGGER lead_share_deal_before_update BEFORE UPDATE OF id, source_lead_id, status, currency, amount,
          won_amount, close_rate_micro, close_base_currency ON deals BEGIN
        INSERT INTO lead_share_change SELECT OLD.source_lead_id, -1 WHERE OLD.source_lead_id IS NOT NULL
          UNION SELECT NEW.source_lead_id, -1 WHERE NEW.source_lead_id IS NOT NULL;
      END;
      CREATE TRIGGER lead_share_deal_after_update AFTER UPDATE OF id, source_lead_id, status, currency, amount,
          won_amount, close_rate_micro, close_base_currency ON deals BEGIN
        INSERT INTO lead_share_change SELECT OLD.source_lead_id, 1 WHERE OLD.source_lead_id IS NOT NULL
          UNION SELECT NEW.source_lead_id, 1 WHERE NEW.source_lead_id IS NOT NULL;
      END;
      CREATE TRIGGER lead_share_deal_before_delete BEFORE DELETE ON deals WHEN OLD.source_lead_id IS NOT NULL BEGIN
        INSERT INTO lead_share_change VALUES (OLD.source_lead_id, -1);
      END;
      CREATE TRIGGER lead_share_deal_after_delete AFTER DELETE ON deals WHEN OLD.source_lead_id IS NOT NULL BEGIN
        INSERT INTO lead_share_change VALUES (OLD.source_lead_id, 1);
      END;
      INSERT INTO lead_share_change SELECT id, 1 FROM leads;

      -- Won and lost deals by closing month. rate_micro is the closing rate (0 when none) and
      -- rate_base the base currency it was taken under; amount is the final amount when won.
      -- cycle_ms sums the milliseconds from creation to closing.
      CREATE TABLE closed_months (
        month       TEXT NOT NULL,
        owner       TEXT NOT NULL,
        pipeline_id TEXT NOT NULL,
        status      TEXT NOT NULL,
        currency    TEXT NOT NULL,
        rate_base   TEXT NOT NULL,
        rate_micro  INTEGER NOT NULL,
        lost_reason TEXT NOT NULL,
        deals       INTEGER NOT NULL,
        amount      INTEGER NOT NULL,
        cycle_ms    INTEGER NOT NULL,
        PRIMARY KEY (month, owner, pipeline_id, status, currency, rate_base, rate_micro, lost_reason)
      ) WITHOUT ROWID;
      CREATE TABLE closed_months_change (month, owner, pipeline_id, status, currency, rate_base, rate_micro,
                                         lost_reason, deals, amount, cycle_ms);
      CREATE TRIGGER closed_months_apply AFTER INSERT ON closed_months_change BEGIN
        INSERT INTO closed_months VALUES (NEW.month, NEW.owner, NEW.pipeline_id, NEW.status, NEW.currency,
          NEW.rate_base, NEW.rate_micro, NEW.lost_reason, NEW.deals, NEW.amount, NEW.cycle_ms)
        ON CONFLICT DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount,
                                  cycle_ms = cycle_ms + excluded.cycle_ms;
        DELETE FROM closed_months WHERE month = NEW.month AND owner = NEW.owner AND pipeline_id = NEW.pipeline_id
          AND status = NEW.status AND currency = NEW.currency AND rate_base = NEW.rate_base
          AND rate_micro = NEW.rate_micro AND lost_reason = NEW.lost_reason AND deals = 0 AND amount = 0
          AND cycle_ms = 0;
        DELETE FROM closed_months_change WHERE rowid = NEW.rowid;
      END;
      CREATE VIEW closed_deal_sums AS SELECT id, closed_at, substr(closed_at, 1, 7) AS month, owner, pipeline_id, status,
        currency, CASE WHEN status = 'won' THEN close_base_currency ELSE '' END AS rate_base,
        CASE WHEN status = 'won' THEN coalesce(close_rate_micro, 0) ELSE 0 END AS rate_micro,
        CASE WHEN status = 'lost' THEN lost_reason ELSE '' END AS lost_reason,
        CASE WHEN status = 'won' THEN coalesce(won_amount, amount) ELSE amount END AS amount,
        CAST(round((julianday(closed_at) - julianday(created_at)) * 86400000) AS INTEGER) AS cycle_ms
        FROM deals WHERE status IN ('won', 'lost');
      CREATE TRIGGER closed_months_insert AFTER INSERT ON deals WHEN NEW.status IN ('won', 'lost') BEGIN
        INSERT INTO closed_months_change SELECT month, owner, pipeline_id, status, currency, rate_base, rate_micro,
          lost_reason, 1, amount, cycle_ms FROM closed_deal_sums WHERE id = NEW.id;
      END;
      CREATE TRIGGER closed_months_before_update BEFORE UPDATE OF id, status, closed_at, created_at, owner,
          pipeline_id, currency, close_base_currency, close_rate_micro, lost_reason, amount, won_amount ON deals
          WHEN OLD.status IN ('won', 'lost') BEGIN
        INSERT INTO closed_months_change SELECT month, owner, pipeline_id, status, currency, rate_base, rate_micro,
          lost_reason, -1, -amount, -cycle_ms FROM closed_deal_sums WHERE id = OLD.id;
      END;
      CREATE TRIGGER closed_months_after_update AFTER UPDATE OF id, status, closed_at, created_at, owner,
          pipeline_id, currency, close_base_currency, close_rate_micro, lost_reason, amount, won_amount ON deals
          WHEN NEW.status IN ('won', 'lost') BEGIN
        INSERT INTO closed_months_change SELECT month, owner, pipeline_id, status, currency, rate_base, rate_micro,
          lost_reason, 1, amount, cycle_ms FROM closed_deal_sums WHERE id = NEW.id;
      END;
      CREATE TRIGGER closed_months_delete BEFORE DELETE ON deals WHEN OLD.status IN ('won', 'lost') BEGIN
        INSERT INTO closed_months_change SELECT month, owner, pipeline_id, status, currency, rate_base, rate_micro,
          lost_reason, -1, -amount, -cycle_ms FROM closed_deal_sums WHERE id = OLD.id;
      END;
      INSERT INTO closed_months SELECT month, owner, pipeline_id, status, currency, rate_base, rate_micro,
        lost_reason, count(*), sum(amount), sum(cycle_ms) FROM closed_deal_sums GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

      -- Open deals by expected close month ('' = none): the forecast reads the months except the
      -- current one here and that month, split at today, from the deals.
      CREATE TABLE open_months (
        month       TEXT NOT NULL,
        pipeline_id TEXT NOT NULL,
        owner       TEXT NOT NULL,
        currency    TEXT NOT NULL,
        probability INTEGER NOT NULL,
        deals       INTEGER NOT NULL,
        amount      INTEGER NOT NULL,
        PRIMARY KEY (month, pipeline_id, owner, currency, probability)
      ) WITHOUT ROWID;
      CREATE TABLE open_months_change (month, pipeline_id, owner, currency, probability, deals, amount);
      CREATE TRIGGER open_months_apply AFTER INSERT ON open_months_change BEGIN
        INSERT INTO open_months VALUES (NEW.month, NEW.pipeline_id, NEW.owner, NEW.currency, NEW.probability,
                                        NEW.deals, NEW.amount)
        ON CONFLICT DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount;
        DELETE FROM open_months WHERE month = NEW.month AND pipeline_id = NEW.pipeline_id AND owner = NEW.owner
          AND currency = NEW.currency AND probability = NEW.probability AND deals = 0 AND amount = 0;
        DELETE FROM open_months_change WHERE rowid = NEW.rowid;
      END;
      CREATE TRIGGER open_months_insert AFTER INSERT ON deals WHEN NEW.status = 'open' BEGIN
        INSERT INTO open_months_change VALUES (substr(NEW.expected_close, 1, 7), NEW.pipeline_id, NEW.owner,
          NEW.currency, NEW.probability, 1, NEW.amount);
      END;
      CREATE TRIGGER open_months_update AFTER UPDATE OF status, expected_close, pipeline_id, owner, currency,
          probability, amount ON deals BEGIN
        INSERT INTO open_months_change SELECT substr(OLD.expected_close, 1, 7), OLD.pipeline_id, OLD.owner,
          OLD.currency, OLD.probability, -1, -OLD.amount WHERE OLD.status = 'open';
        INSERT INTO open_months_change SELECT substr(NEW.expected_close, 1, 7), NEW.pipeline_id, NEW.owner,
          NEW.currency, NEW.probability, 1, NEW.amount WHERE NEW.status = 'open';
      END;
      CREATE TRIGGER open_months_delete AFTER DELETE ON deals WHEN OLD.status = 'open' BEGIN
        INSERT INTO open_months_change VALUES (substr(OLD.expected_close, 1, 7), OLD.pipeline_id, OLD.owner,
          OLD.currency, OLD.probability, -1, -OLD.amount);
      END;
      INSERT INTO open_months SELECT substr(expected_close, 1, 7), pipeline_id, owner, currency, probability,
        count(*), sum(amount) FROM deals WHERE status = 'open' GROUP BY 1, 2, 3, 4, 5;

      -- Undone activities by UTC due day ('' = no due time) and owner: overdue ones are the days
      -- before today plus today's rows due before now.
      CREATE TABLE undone_days (
        day        TEXT NOT NULL,
        owner      TEXT NOT NULL,
        activities INTEGER NOT NULL,
        PRIMARY KEY (day, owner)
      ) WITHOUT ROWID;
      CREATE TABLE undone_days_change (day, owner, activities);
      CREATE TRIGGER undone_days_apply AFTER INSERT ON undone_days_change BEGIN
        INSERT INTO undone_days VALUES (NEW.day, NEW.owner, NEW.activities)
        ON CONFLICT DO UPDATE SET activities = activities + excluded.activities;
        DELETE FROM undone_days WHERE day = NEW.day AND owner = NEW.owner AND activities = 0;
        DELETE FROM undone_days_change WHERE rowid = NEW.rowid;
      END;
      CREATE TRIGGER undone_days_insert AFTER INSERT ON activities WHEN NEW.done = 0 BEGIN
        INSERT INTO undone_days_change VALUES (substr(NEW.due_at, 1, 10), NEW.owner, 1);
      END;
      CREATE TRIGGER undone_days_update AFTER UPDATE OF done, due_at, owner ON activities BEGIN
        INSERT INTO undone_days_change SELECT substr(OLD.due_at, 1, 10), OLD.owner, -1 WHERE OLD.done = 0;
        INSERT INTO undone_days_change SELECT substr(NEW.due_at, 1, 10), NEW.owner, 1 WHERE NEW.done = 0;
      END;
      CREATE TRIGGER undone_days_delete AFTER DELETE ON activities WHEN OLD.done = 0 BEGIN
        INSERT INTO undone_days_change VALUES (substr(OLD.due_at, 1, 10), OLD.owner, -1);
      END;
      INSERT INTO undone_days SELECT substr(due_at, 1, 10), owner, count(*) FROM activities WHERE done = 0
        GROUP BY 1, 2;

      -- Covering indexes for the forecast's current month (open deals by expected close, deals
      -- won by closing time): read without visiting the table rows.
      CREATE INDEX deals_for_forecast ON deals(status, expected_close, pipeline_id, owner, currency, probability,
        amount);
      CREATE INDEX deals_for_won ON deals(status, closed_at, pipeline_id, owner, currency, close_base_currency,
        close_rate_micro, won_amount, amount);

      -- Activities completed, by month of done_at and owner.
      CREATE TABLE done_months (
        month     TEXT NOT NULL,
        owner     TEXT NOT NULL,
        completed INTEGER NOT NULL,
        PRIMARY KEY (month, owner)
      ) WITHOUT ROWID;
      CREATE TABLE done_months_change (month, owner, completed);
      CREATE TRIGGER done_months_apply AFTER INSERT ON done_months_change BEGIN
        INSERT INTO done_months VALUES (NEW.month, NEW.owner, NEW.completed)
        ON CONFLICT DO UPDATE SET completed = completed + excluded.completed;
        DELETE FROM done_months WHERE month = NEW.month AND owner = NEW.owner AND completed = 0;
        DELETE FROM done_months_change WHERE rowid = NEW.rowid;
      END;
      CREATE TRIGGER done_months_insert AFTER INSERT ON activities WHEN NEW.done = 1 BEGIN
        INSERT INTO done_months_change VALUES (substr(NEW.done_at, 1, 7), NEW.owner, 1);
      END;
      CREATE TRIGGER done_months_update AFTER UPDATE OF done, done_at, owner ON activities BEGIN
        INSERT INTO done_months_change SELECT substr(OLD.done_at, 1, 7), OLD.owner, -1 WHERE OLD.done = 1;
        INSERT INTO done_months_change SELECT substr(NEW.done_at, 1, 7), NEW.owner, 1 WHERE NEW.done = 1;
      END;
      CREATE TRIGGER done_months_delete AFTER DELETE ON activities WHEN OLD.done = 1 BEGIN
        INSERT INTO done_months_change VALUES (substr(OLD.done_at, 1, 7), OLD.owner, -1);
      END;
      INSERT INTO done_months SELECT substr(done_at, 1, 7), owner, count(*) FROM activities WHERE done = 1
        GROUP BY 1, 2;
    )sql">},
    {8, compact_sql<R"sql(
      -- Search: a trigram index over each list's folded search_text, reading the text from the
      -- table itself (external content, nothing stored twice). Triggers keep it exact for every
      -- write path, sync import included. <t>_search_terms lists the trigrams (for 2-letter words).
      CREATE VIRTUAL TABLE leads_search USING fts5(search_text, content='leads', content_rowid='rowid',
                                                   tokenize='trigram case_sensitive 1', columnsize=0);
      CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
        INSERT INTO leads_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
        INSERT INTO leads_search(leads_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
      END;
      CREATE TRIGGER leads_search_update AFTER UPDATE OF search_text ON leads
          WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO leads_search(leads_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
        INSERT INTO leads_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      INSERT INTO leads_search(leads_search) VALUES('rebuild');
      CREATE VIRTUAL TABLE leads_search_terms USING fts5vocab(leads_search, 'row');

      CREATE VIRTUAL TABLE contacts_search USING fts5(search_text, content='contacts', content_rowid='rowid',
                                                   tokenize='trigram case_sensitive 1', columnsize=0);
      CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contacts_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
        INSERT INTO contacts_search(contacts_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
      END;
      CREATE TRIGGER contacts_search_update AFTER UPDATE OF search_text ON contacts
          WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO contacts_search(contacts_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
        INSERT INTO contacts_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      INSERT INTO contacts_search(contacts_search) VALUES('rebuild');
      CREATE VIRTUAL TABLE contacts_search_terms USING fts5vocab(contacts_search, 'row');

      CREATE VIRTUAL TABLE companies_search USING fts5(search_text, content='companies', content_rowid='rowid',
                                                   tokenize='trigram case_sensitive 1', columnsize=0);
      CREATE TRIGGER companies_search_insert AFTER INSERT ON companies BEGIN
        INSERT INTO companies_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      CREATE TRIGGER companies_search_delete AFTER DELETE ON companies BEGIN
        INSERT INTO companies_search(companies_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
      END;
      CREATE TRIGGER companies_search_update AFTER UPDATE OF search_text ON companies
          WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO companies_search(companies_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
        INSERT INTO companies_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      INSERT INTO companies_search(companies_search) VALUES('rebuild');
      CREATE VIRTUAL TABLE companies_search_terms USING fts5vocab(companies_search, 'row');

      CREATE VIRTUAL TABLE deals_search USING fts5(search_text, content='deals', content_rowid='rowid',
                                                   tokenize='trigram case_sensitive 1', columnsize=0);
      CREATE TRIGGER deals_search_insert AFTER INSERT ON deals BEGIN
        INSERT INTO deals_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      CREATE TRIGGER deals_search_delete AFTER DELETE ON deals BEGIN
        INSERT INTO deals_search(deals_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
      END;
      CREATE TRIGGER deals_search_update AFTER UPDATE OF search_text ON deals
          WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO deals_search(deals_search, rowid, search_text) VALUES('delete', old.rowid, old.search_text);
        INSERT INTO deals_search(rowid, search_text) VALUES(new.rowid, new.search_text);
      END;
      INSERT INTO deals_search(deals_search) VALUES('rebuild');
      CREATE VIRTUAL TABLE deals_search_terms USING fts5vocab(deals_search, 'row');

      -- Sorting a list by a text column: indexes in the order the lists ask for (Turkish
      -- collation, then creation time), so a page is read without sorting the whole table.
      CREATE INDEX leads_by_name ON leads(name COLLATE TURKISH, created_at);
      CREATE INDEX leads_by_company ON leads(company COLLATE TURKISH, created_at);
      CREATE INDEX leads_by_city ON leads(city COLLATE TURKISH, created_at);
      CREATE INDEX leads_by_event_sorted ON leads(event COLLATE TURKISH, created_at);
      CREATE INDEX leads_by_status_sorted ON leads(status COLLATE TURKISH, created_at);
      CREATE INDEX contacts_by_name ON contacts(name COLLATE TURKISH, created_at);
      CREATE INDEX contacts_by_title ON contacts(title COLLATE TURKISH, created_at);
      CREATE INDEX contacts_by_owner ON contacts(owner COLLATE TURKISH, created_at);
      CREATE INDEX companies_by_name ON companies(name COLLATE TURKISH, created_at);
      CREATE INDEX companies_by_city ON companies(city COLLATE TURKISH, created_at);
      CREATE INDEX companies_by_owner ON companies(owner COLLATE TURKISH, created_at);
    )sql">},
    {9, compact_sql<R"sql(
      -- A forecast snapshot's lines as rows, so forecast_history sums them in indexed SQL
      -- instead of parsing every snapshot's JSON. Kept by triggers from the lines column,
      -- which stays the record of what was taken.
      CREATE TABLE forecast_snapshot_lines (
        snapshot_id TEXT NOT NULL,
        month       TEXT NOT NULL,
        pipeline_id TEXT NOT NULL,
        owner       TEXT NOT NULL,
        count       INTEGER NOT NULL,
        unweighted  INTEGER NOT NULL,
        weighted    INTEGER NOT NULL,
        won         INTEGER NOT NULL
      );
      CREATE INDEX forecast_snapshot_lines_by_snapshot ON forecast_snapshot_lines(snapshot_id, month);
      -- Snapshots are taken and deleted, never changed. A new one's lines are written by
      -- report.snapshot, the existing ones' by rebuild_forecast_snapshot_lines. (Until
      -- migration 11 this step used a view over json_each and an insert trigger; SQLite is now
      -- built without its JSON functions, so it is done in C++ with the same result.)
      CREATE TRIGGER forecast_snapshot_lines_delete AFTER DELETE ON forecast_snapshots BEGIN
        DELETE FROM forecast_snapshot_lines WHERE snapshot_id = OLD.id;
      END;
    )sql">, &rebuild_forecast_snapshot_lines},
    {10, compact_sql<R"sql(
      -- Duplicate keys as 64-bit hashes with the entity as a number (duplicates.cpp: key_hash),
      -- and each record's own hashes in one row instead of a by-record index: at 100k leads
      -- the two structures took 116 MB. Rebuilt from the records after this script.
      DROP TABLE dedupe_keys;
      CREATE TABLE dedupe_hashes (
        hash   INTEGER NOT NULL,
        entity INTEGER NOT NULL,  -- 1 lead, 2 contact, 3 company
        record BLOB NOT NULL,     -- uuid_blob(record id)
        PRIMARY KEY (hash, entity, record)
      ) WITHOUT ROWID;
      CREATE TABLE dedupe_record_keys (
        entity INTEGER NOT NULL,
        record BLOB NOT NULL,
        hashes BLOB NOT NULL,     -- the record's hashes, ascending, 8 bytes little-endian each
        PRIMARY KEY (entity, record)
      ) WITHOUT ROWID;
    )sql">, &rebuild_dedupe_keys},
    {11, compact_sql<R"sql(
      -- SQLite is built without its JSON functions (download size): a version-9 or 10
      -- database's view over json_each and its insert trigger go; report.snapshot writes the
      -- lines of a new snapshot itself.
      DROP TRIGGER IF EXISTS forecast_snapshot_lines_insert;
      DROP VIEW IF EXISTS forecast_snapshot_lines_in_json;
    )sql">},
};

int64_t page_pragma(Database& db, const char* name) {
  Statement st(db, std::string("PRAGMA ") + name);
  return st.step() ? st.column_int(0) : 0;
}

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
  // All steps in one transaction: an upgrade happens whole or not at all. The C++ rebuilds
  // run last, when every table has the layout this build's code reads.
  if (version < current_schema_version()) {
    Transaction tx(db);
    std::vector<void (*)(Database&)> rebuilds;
    for (const auto& m : kMigrations) {
      if (m.version <= version) continue;
      db.exec(m.sql);
      if (m.then) rebuilds.push_back(m.then);
    }
    for (auto rebuild : rebuilds) rebuild(db);
    db.exec("PRAGMA user_version = " + std::to_string(current_schema_version()));
    tx.commit();
  }
  // A migration that rebuilt big tables (6: the field stamps, 10: the duplicate keys) leaves
  // their old pages free in the file; give them back once rather than carry them in every
  // stored image (start-up reads the whole image).
  bool migrated = version > 0 && version < current_schema_version();
  if (migrated && page_pragma(db, "freelist_count") * 10 > page_pragma(db, "page_count")) {
    db.exec("VACUUM");
    // VACUUM may renumber the rowids of tables without an INTEGER PRIMARY KEY, and the search
    // indexes (8) find their rows by rowid: rebuild them from the tables.
    for (const char* index : {"leads_search", "contacts_search", "companies_search", "deals_search"}) {
      db.exec(std::string("INSERT INTO ") + index + "(" + index + ") VALUES ('rebuild')");
    }
  }
}

}  // namespace kervan
