#include "core/database.hpp"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "core/change_log.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!context.empty()) message += " (" + std::string(context.substr(0, 200)) + ")";
  throw DatabaseError(rc, message);
}

int turkish_collation(void*, int len_a, const void* a, int len_b, const void* b) {
  return text::compare_turkish(std::string_view(static_cast<const char*>(a), static_cast<std::size_t>(len_a)),
                               std::string_view(static_cast<const char*>(b), static_cast<std::size_t>(len_b)));
}

// kervan_fold(text): the Turkish-aware search folding, for SQL that compares people's text.
void fold_function(sqlite3_context* context, int, sqlite3_value** argv) {
  const unsigned char* raw = sqlite3_value_text(argv[0]);
  if (!raw) {
    sqlite3_result_null(context);
    return;
  }
  std::string folded = text::fold(std::string_view(reinterpret_cast<const char*>(raw),
                                                   static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))));
  sqlite3_result_text64(context, folded.data(), folded.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// uuid_blob(x): a UUID in its lowercase 36-character form as its 16 bytes (indexes that name
// records keep 20 bytes less per row); anything else unchanged. uuid_text(x) is the inverse.
void uuid_blob_function(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
    std::string_view id(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                        static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
    if (is_uuid(id)) {
      unsigned char bytes[16];
      std::size_t n = 0;
      auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
      for (std::size_t i = 0; i < id.size(); i += id[i] == '-' ? 1 : 2) {
        if (id[i] != '-') bytes[n++] = static_cast<unsigned char>(nibble(id[i]) * 16 + nibble(id[i + 1]));
      }
      sqlite3_result_blob(context, bytes, 16, SQLITE_TRANSIENT);
      return;
    }
  }
  sqlite3_result_value(context, argv[0]);
}

void uuid_text_function(sqlite3_context* context, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_BLOB && sqlite3_value_bytes(argv[0]) == 16) {
    char id[36];
    uuid_chars(static_cast<const unsigned char*>(sqlite3_value_blob(argv[0])), id);
    sqlite3_result_text64(context, id, sizeof id, SQLITE_TRANSIENT, SQLITE_UTF8);
    return;
  }
  sqlite3_result_value(context, argv[0]);
}

// kervan_has_tag(tags, folded): 1 when the JSON array text `tags` holds a tag that folds to
// `folded` (records.cpp: the tag filter). SQLite is built without its JSON functions, which
// are a large part of its download size.
void has_tag_function(sqlite3_context* context, int, sqlite3_value** argv) {
  const unsigned char* tags = sqlite3_value_text(argv[0]);
  const unsigned char* folded = sqlite3_value_text(argv[1]);
  bool found = false;
  if (tags && folded) {
    std::string_view want(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(sqlite3_value_bytes(argv[1])));
    std::vector<std::string> items;
    json_text_items(std::string_view(reinterpret_cast<const char*>(tags), static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))),
                    items);
    for (const auto& item : items) found = found || text::fold(item) == want;
  }
  sqlite3_result_int(context, found ? 1 : 0);
}

// kervan_json_array(a, b, ...): the same text as SQLite's json_array(a, b, ...) for NULL,
// integer, real and text values (sync.digest's canonical rows, which must stay equal to what
// earlier builds computed); a BLOB is refused as json_array refuses it.
void json_array_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
  sqlite3_str* out = sqlite3_str_new(sqlite3_context_db_handle(context));
  sqlite3_str_appendchar(out, 1, '[');
  for (int i = 0; i < argc; ++i) {
    if (i > 0) sqlite3_str_appendchar(out, 1, ',');
    switch (sqlite3_value_type(argv[i])) {
      case SQLITE_NULL: sqlite3_str_appendall(out, "null"); break;
      case SQLITE_INTEGER: sqlite3_str_appendall(out, reinterpret_cast<const char*>(sqlite3_value_text(argv[i]))); break;
      case SQLITE_FLOAT: sqlite3_str_appendf(out, "%!0.15g", sqlite3_value_double(argv[i])); break;
      case SQLITE_TEXT: {
        // SQLite's escaping: " and \ with a backslash, \b \t \n \f \r, other control
        // characters as \u00xx; everything else (UTF-8, ', DEL) as it is.
        const auto* p = sqlite3_value_text(argv[i]);
        int n = sqlite3_value_bytes(argv[i]);
        sqlite3_str_appendchar(out, 1, '"');
        for (int k = 0; k < n; ++k) {
          unsigned char c = p[k];
          static const char kShort[] = "\0\0\0\0\0\0\0\0btn\0fr";
          if (c == '"' || c == '\\') {
            sqlite3_str_appendchar(out, 1, '\\');
            sqlite3_str_appendchar(out, 1, static_cast<char>(c));
          } else if (c < 0x20 && c < sizeof(kShort) - 1 && kShort[c]) {
            sqlite3_str_appendchar(out, 1, '\\');
            sqlite3_str_appendchar(out, 1, kShort[c]);
          } else if (c < 0x20) {
            sqlite3_str_appendf(out, "\\u%04x", c);
          } else {
            sqlite3_str_appendchar(out, 1, static_cast<char>(c));
          }
        }
        sqlite3_str_appendchar(out, 1, '"');
        break;
      }
      default:
        sqlite3_free(sqlite3_str_finish(out));
        sqlite3_result_error(context, "JSON cannot hold BLOB values", -1);
        return;
    }
  }
  sqlite3_str_appendchar(out, 1, ']');
  int length = sqlite3_str_length(out);
  sqlite3_result_text(context, sqlite3_str_finish(out), length, sqlite3_free);
}

}  // namespace

void json_text_items(std::string_view json, std::vector<std::string>& items) {
  items.clear();
  // Fast path for what Kervan writes: ["a","b"] without escapes or spaces.
  std::size_t i = 0;
  bool plain = json.size() >= 2 && json.front() == '[' && json.back() == ']';
  for (i = 1; plain && i + 1 < json.size();) {
    if (json[i] != '"') {
      plain = false;
      break;
    }
    std::size_t end = json.find_first_of("\\\"", i + 1);
    if (end == std::string_view::npos || json[end] != '"') {
      plain = false;
      break;
    }
    items.emplace_back(json.substr(i + 1, end - i - 1));
    i = end + 1;
    if (json[i] == ',' && i + 2 < json.size()) ++i;
    else if (i + 1 != json.size()) plain = false;
  }
  if (plain) return;
  // Anything else (escapes, spaces): a full parse.
  items.clear();
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (!parsed.is_array()) return;
  for (const auto& item : parsed) {
    if (item.is_string()) items.push_back(item.get<std::string>());
  }
}

Database::Database(const std::string& path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError(rc, "cannot open database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_create_collation(db_, "TURKISH", SQLITE_UTF8, nullptr, &turkish_collation);
  sqlite3_create_function(db_, "kervan_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &fold_function,
                          nullptr, nullptr);
  sqlite3_create_function(db_, "uuid_blob", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &uuid_blob_function,
                          nullptr, nullptr);
  sqlite3_create_function(db_, "uuid_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &uuid_text_function,
                          nullptr, nullptr);
  sqlite3_create_function(db_, "kervan_has_tag", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &has_tag_function,
                          nullptr, nullptr);
  sqlite3_create_function(db_, "kervan_json_array", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                          &json_array_function, nullptr, nullptr);
  exec("PRAGMA foreign_keys = ON");
}

Database::~Database() {
  for (auto& [sql, list] : idle_) {
    for (auto* stmt : list) sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db_);
}

// Kept statements are reset with their bindings cleared, so one taken back behaves like a
// fresh one; SQLite re-prepares it by itself if the schema changed meanwhile.
sqlite3_stmt* Database::take_prepared(const std::string& sql) {
  auto it = idle_.find(sql);
  if (it == idle_.end() || it->second.empty()) return nullptr;
  sqlite3_stmt* stmt = it->second.back();
  it->second.pop_back();
  --idle_count_;
  return stmt;
}

void Database::give_back(std::string sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  // Lists splice their filters into the SQL, so texts vary: past the cap, start over rather
  // than keep the first ones seen forever.
  constexpr std::size_t kMaxIdle = 256;
  if (idle_count_ >= kMaxIdle) {
    for (auto& [text, list] : idle_) {
      for (auto* s : list) sqlite3_finalize(s);
    }
    idle_.clear();
    idle_count_ = 0;
  }
  idle_[std::move(sql)].push_back(stmt);
  ++idle_count_;
}

void Database::exec(std::string_view sql) {
  std::string owned(sql);
  std::size_t start = owned.find_first_not_of(" \t\r\n");
  if (start != std::string::npos && sqlite3_strnicmp(owned.c_str() + start, "ROLLBACK", 8) == 0) ++rollbacks_;
  char* error = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw DatabaseError(rc, message + " (" + owned.substr(0, 200) + ")");
  }
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }

Statement::Statement(Database& db, std::string_view sql) : db_(db), sql_(sql) {
  stmt_ = db.take_prepared(sql_);
  if (stmt_) return;
  int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db.handle(), rc, sql);
}

Statement::~Statement() {
  // An empty text prepares no statement: nothing to keep.
  if (stmt_) db_.give_back(std::move(sql_), stmt_);
}

Statement& Statement::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_.handle(), rc, sqlite3_sql(stmt_));
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::column_text(int column) const { return std::string(column_view(column)); }

std::string_view Statement::column_view(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::column_blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  if (!p) return {};
  return std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // A failed rollback leaves SQLite to roll back itself; nothing better to do here.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

ReadTransaction::ReadTransaction(Database& db) : db_(db) {
  if (sqlite3_get_autocommit(db_.handle()) == 0) return;
  db_.exec("BEGIN DEFERRED");
  began_ = true;
}

ReadTransaction::~ReadTransaction() {
  if (!began_ || sqlite3_get_autocommit(db_.handle()) != 0) return;
  try {
    db_.exec("COMMIT");
  } catch (...) {
    // COMMIT of a transaction that wrote nothing fails only if a statement is still running;
    // ROLLBACK ends it then, and loses nothing for the same reason.
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
}

}  // namespace kervan
