// A thin RAII layer over SQLite: a connection, prepared statements and transactions that
// roll back unless committed. Every SQL statement of the core goes through Statement, so
// values are always bound, never spliced into SQL text.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace kervan {

// A SQLite failure: the message is SQLite's own plus the statement that failed.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }
 private:
  int code_;
};

class Database {
 public:
  // Opens (creating if needed) the database at path; ":memory:" for a private in-memory one.
  // Turns foreign keys on and registers the Turkish collation "TURKISH".
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs SQL text without parameters (schema changes, pragmas). Throws DatabaseError.
  void exec(std::string_view sql);
  sqlite3* handle() const { return db_; }
  int64_t changes() const;
  // How many ROLLBACKs (to savepoints too) ran through exec(): caches of table contents
  // compare it to know that rows they saw may be gone.
  uint64_t rollbacks() const { return rollbacks_; }

 private:
  friend class Statement;
  // Prepared statements kept idle for reuse, by SQL text: preparing is a large part of a
  // small command (an INSERT compiles every trigger of its table into its program).
  sqlite3_stmt* take_prepared(const std::string& sql);
  void give_back(std::string sql, sqlite3_stmt* stmt);

  sqlite3* db_ = nullptr;
  uint64_t rollbacks_ = 0;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;
  std::size_t idle_count_ = 0;
};

// The strings of a JSON array text such as a record's tags (["a","b"]) into `items`; other
// items are skipped, and text that is not an array gives none. Kervan's own SQL functions
// use it (kervan_has_tag), as SQLite is built without its JSON functions.
void json_text_items(std::string_view json, std::vector<std::string>& items);

// One prepared statement. Bind with 1-based indexes, step, read columns 0-based.
class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  // Binds bytes as a BLOB (text binds as TEXT, which compares differently).
  Statement& bind_blob(int index, std::string_view bytes);

  // Advances to the next row: true when a row is available, false when done.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  std::string column_text(int column) const;
  // The same without a copy, valid until the next step or reset.
  std::string_view column_view(int column) const;
  // The column's bytes as they are stored (a BLOB's content; "" for NULL).
  std::string column_blob(int column) const;
  int64_t column_int(int column) const;
  double column_double(int column) const;
  bool column_is_null(int column) const;

 private:
  Database& db_;
  std::string sql_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction; ROLLBACK in the destructor unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// A read transaction for a command that only reads: every statement in it sees the same
// committed state, and SQLite takes its shared lock (and checks the file for changes) once
// instead of once per statement. Does nothing when a transaction is already open. Ends with
// COMMIT in the destructor: nothing was written, so nothing can be lost.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database& db_;
  bool began_ = false;
};

}  // namespace kervan
