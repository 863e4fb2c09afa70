// The browser's persistence VFS (src/platform/page_vfs.cpp) built natively: a store that
// keeps exactly what the browser's IndexedDB store keeps (the blocks each commit hands out,
// blocks past the end dropped) must equal the database image after every commit, with no
// block missing. Its own executable: the VFS registers itself as SQLite's default.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/core.hpp"
#include "core/database.hpp"
#include "platform/page_vfs.hpp"

namespace {

using kervan::platform::kPageBlockSize;

// What IndexedDB would hold: block number -> bytes, and the saved size.
struct BlockStore {
  std::map<uint32_t, std::vector<uint8_t>> blocks;
  uint64_t size = 0;
  int commits = 0;
  std::string first_problem;  // the first commit after which the store differed from the image
};

BlockStore store;

uint64_t block_count(uint64_t size) { return (size + kPageBlockSize - 1) / kPageBlockSize; }

// The store put together as page_store.js's assemble() does; "" when whole, else what is wrong.
std::string compare_with(const uint8_t* image, uint64_t size) {
  if (store.size != size) return "size " + std::to_string(store.size) + " != " + std::to_string(size);
  for (uint32_t n = 0; n < block_count(size); ++n) {
    auto it = store.blocks.find(n);
    if (it == store.blocks.end()) return "block " + std::to_string(n) + " of " + std::to_string(block_count(size)) + " missing";
    uint64_t length = std::min<uint64_t>(kPageBlockSize, size - uint64_t{n} * kPageBlockSize);
    if (it->second.size() != length || std::memcmp(it->second.data(), image + uint64_t{n} * kPageBlockSize, length) != 0) {
      return "block " + std::to_string(n) + " differs";
    }
  }
  if (!store.blocks.empty() && store.blocks.rbegin()->first >= block_count(size)) return "a block past the end";
  return "";
}

// The commit handler: page_sync.js's commit() and page_store.js's write() in one.
void keep_blocks(const uint8_t* image, uint64_t size, const uint32_t* blocks, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    uint32_t n = blocks[i];
    uint64_t start = uint64_t{n} * kPageBlockSize;
    if (start >= size) {
      store.blocks.erase(n);
      continue;
    }
    uint64_t length = std::min<uint64_t>(kPageBlockSize, size - start);
    store.blocks[n].assign(image + start, image + start + length);
  }
  store.blocks.erase(store.blocks.lower_bound(static_cast<uint32_t>(block_count(size))), store.blocks.end());
  store.size = size;
  ++store.commits;
  if (store.first_problem.empty()) {
    std::string problem = compare_with(image, size);
    if (!problem.empty()) store.first_problem = "after commit " + std::to_string(store.commits) + ": " + problem;
  }
}

void start_fresh() {
  kervan::platform::page_vfs_install(&keep_blocks);
  kervan::platform::page_vfs_reserve(0, false);
  kervan::platform::page_vfs_clear_dirty();
  store = BlockStore{};
}

kervan::Json call(kervan::Core& core, const char* name, const kervan::Json& args) {
  kervan::Json reply = core.call(name, args);
  REQUIRE_MESSAGE(!reply.contains("error"), name, " failed: ", reply.dump());
  return reply;
}

}  // namespace

TEST_CASE("page_vfs: a page allocated and freed in one transaction leaves no hole in the stored image") {
  start_fresh();
  kervan::Database db("/vfs-test.db");
  db.exec("PRAGMA journal_mode = MEMORY");
  db.exec("CREATE TABLE big(x BLOB)");
  db.exec("CREATE TABLE small(x)");
  // One transaction grows the file by a megabyte of overflow pages and frees them again: the
  // freed pages at the end become freelist leaves SQLite does not write.
  db.exec("BEGIN");
  db.exec("INSERT INTO big VALUES(zeroblob(1048576))");
  db.exec("INSERT INTO small VALUES(1)");
  db.exec("DELETE FROM big");
  db.exec("INSERT INTO small VALUES(2)");
  db.exec("COMMIT");
  CHECK_MESSAGE(store.first_problem.empty(), store.first_problem);
  CHECK(store.commits >= 1);
  CHECK(store.size == kervan::platform::page_vfs_size());
}

TEST_CASE("page_vfs: a file that shrank and grows again reads as zeros where SQLite did not write") {
  start_fresh();
  kervan::Database db("/vfs-test.db");
  db.exec("PRAGMA journal_mode = MEMORY");
  db.exec("CREATE TABLE big(x BLOB)");
  db.exec("CREATE TABLE small(x)");
  // A megabyte of random bytes, then VACUUM shrinks the file: the image's memory past the new
  // end still holds them.
  db.exec("INSERT INTO big VALUES(randomblob(1048576))");
  db.exec("DELETE FROM big");
  db.exec("VACUUM");
  uint64_t shrunk = kervan::platform::page_vfs_size();
  REQUIRE(shrunk < 65536);
  // Grown again by pages allocated and freed in one transaction, which SQLite never writes.
  db.exec("BEGIN");
  db.exec("INSERT INTO big VALUES(zeroblob(1048576))");
  db.exec("INSERT INTO small VALUES(1)");
  db.exec("DELETE FROM big");
  db.exec("COMMIT");
  REQUIRE(store.size > 1048576);
  CHECK_MESSAGE(store.first_problem.empty(), store.first_problem);
  std::size_t nonzero = 0;
  for (const auto& [n, bytes] : store.blocks) {
    for (uint8_t b : bytes) nonzero += b != 0;
  }
  // A few pages of schema, freelist and row data; old random bytes would be about a megabyte.
  CHECK(nonzero < 65536);
}

TEST_CASE("page_vfs: a rolled-back transaction that grew the file leaves the stored image whole") {
  start_fresh();
  kervan::Database db("/vfs-test.db");
  db.exec("PRAGMA journal_mode = MEMORY");
  db.exec("CREATE TABLE t(x)");
  db.exec("INSERT INTO t VALUES(randomblob(200000))");
  db.exec("BEGIN");
  db.exec("INSERT INTO t VALUES(randomblob(500000))");
  db.exec("DELETE FROM t WHERE rowid = 1");
  db.exec("ROLLBACK");
  db.exec("INSERT INTO t VALUES(randomblob(1000))");
  CHECK_MESSAGE(store.first_problem.empty(), store.first_problem);
}

TEST_CASE("page_vfs: the stored image equals the database after every command of a busy session") {
  start_fresh();
  kervan::CoreOptions options;
  options.memory_backed_file = true;
  kervan::Core core("/vfs-core.db", options);
  std::mt19937 random(20261127);
  std::vector<std::string> leads;
  for (int i = 0; i < 400; ++i) {
    int what = static_cast<int>(random() % 10);
    if (what < 6 || leads.size() < 5) {
      std::string notes(static_cast<std::size_t>(random() % 7) * 700, 'x');
      kervan::Json reply = call(core, "lead.create",
                                {{"name", "Ziyaretçi " + std::to_string(i) + " Işıkoğlu"},
                                 {"company", "Kervan Test " + std::to_string(i % 13) + " Ltd. Şti."},
                                 {"email", "kisi" + std::to_string(i) + "@ornek.com.tr"},
                                 {"notes", notes}});
      leads.push_back(reply["id"].get<std::string>());
    } else if (what < 8) {
      const std::string& id = leads[random() % leads.size()];
      call(core, "lead.update", {{"id", id}, {"notes", std::string(static_cast<std::size_t>(random() % 5) * 900, 'y')}});
    } else {
      std::size_t at = random() % leads.size();
      call(core, "lead.delete", {{"id", leads[at]}});
      leads.erase(leads.begin() + static_cast<long>(at));
    }
    if (!store.first_problem.empty()) break;
  }
  CHECK_MESSAGE(store.first_problem.empty(), store.first_problem);
  CHECK(store.commits >= 400);
}
