// The database schema as an ordered list of migrations keyed by PRAGMA user_version.
#pragma once

namespace kervan {

class Database;

// The schema version this build writes.
int current_schema_version();

// Brings the database up to current_schema_version(), each step in its own transaction.
// Throws DatabaseError, or std::runtime_error when the file is from a newer Kervan.
void migrate(Database& db);

// The file's schema version (PRAGMA user_version).
int schema_version(Database& db);

}  // namespace kervan
