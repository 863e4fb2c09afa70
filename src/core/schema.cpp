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
