// SQLite's OS layer for the web build (SQLITE_OS_OTHER): the database itself is served from
// the page image (page_vfs.cpp, which delegates everything else here); rollback journals and
// temporary files live in memory, as they did in emscripten's in-memory file system. Leaving
// SQLite's unix layer out also leaves out the emulated POSIX file system it needed.
#include <sqlite3.h>

#include <unistd.h>  // getentropy

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <new>
#include <string>
#include <vector>

namespace {

struct MemData {
  std::vector<unsigned char> bytes;
  int refs = 0;
};

// Named files (journals) outlive their handles until deleted, like files on a disk.
std::map<std::string, MemData*>& named() {
  static std::map<std::string, MemData*> files;
  return files;
}

void release(MemData* data) {
  if (--data->refs == 0) delete data;
}

void unlink(const char* name) {
  auto it = named().find(name);
  if (it == named().end()) return;
  MemData* data = it->second;
  named().erase(it);
  release(data);
}

struct MemFile {
  sqlite3_file base;
  MemData* data;
  const char* name;  // SQLite keeps it valid until xClose
  bool delete_on_close;
};

MemData& data_of(sqlite3_file* file) { return *reinterpret_cast<MemFile*>(file)->data; }

int mem_close(sqlite3_file* file) {
  auto* f = reinterpret_cast<MemFile*>(file);
  if (f->delete_on_close && f->name) unlink(f->name);
  release(f->data);
  return SQLITE_OK;
}

int mem_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  const auto& bytes = data_of(file).bytes;
  auto size = static_cast<sqlite3_int64>(bytes.size());
  sqlite3_int64 have = offset >= size ? 0 : std::min<sqlite3_int64>(amount, size - offset);
  if (have > 0) std::memcpy(out, bytes.data() + offset, static_cast<size_t>(have));
  if (have == amount) return SQLITE_OK;
  std::memset(static_cast<char*>(out) + have, 0, static_cast<size_t>(amount - have));
  return SQLITE_IOERR_SHORT_READ;
}

int mem_write(sqlite3_file* file, const void* in, int amount, sqlite3_int64 offset) {
  auto& bytes = data_of(file).bytes;
  auto end = static_cast<size_t>(offset) + static_cast<size_t>(amount);
  try {
    if (end > bytes.size()) bytes.resize(end);
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  }
  std::memcpy(bytes.data() + offset, in, static_cast<size_t>(amount));
  return SQLITE_OK;
}

int mem_truncate(sqlite3_file* file, sqlite3_int64 size) {
  auto& bytes = data_of(file).bytes;
  if (static_cast<size_t>(size) < bytes.size()) bytes.resize(static_cast<size_t>(size));
  return SQLITE_OK;
}

int mem_size(sqlite3_file* file, sqlite3_int64* size) {
  *size = static_cast<sqlite3_int64>(data_of(file).bytes.size());
  return SQLITE_OK;
}

// One connection, one process: syncing and locking have nothing to do.
int mem_ok(sqlite3_file*, int) { return SQLITE_OK; }

const sqlite3_io_methods mem_io_methods = {
    1, mem_close, mem_read, mem_write, mem_truncate, mem_ok, mem_size, mem_ok, mem_ok,
    [](sqlite3_file*, int* out) { return *out = 0, SQLITE_OK; },
    [](sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; },
    [](sqlite3_file*) { return 512; },
    [](sqlite3_file*) { return SQLITE_IOCAP_POWERSAFE_OVERWRITE; },
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<MemFile*>(file);
  f->base.pMethods = nullptr;
  MemData* data = nullptr;
  if (name) {
    auto it = named().find(name);
    if (it != named().end()) {
      data = it->second;
    } else {
      if (!(flags & SQLITE_OPEN_CREATE)) return SQLITE_CANTOPEN;
      data = new (std::nothrow) MemData;
      if (!data) return SQLITE_NOMEM;
      data->refs = 1;  // the name's reference
      named().emplace(name, data);
    }
  } else {
    data = new (std::nothrow) MemData;
    if (!data) return SQLITE_NOMEM;
  }
  ++data->refs;
  f->data = data;
  f->name = name;
  f->delete_on_close = (flags & SQLITE_OPEN_DELETEONCLOSE) != 0;
  f->base.pMethods = &mem_io_methods;
  if (out_flags) *out_flags = flags;
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char* name, int) {
  unlink(name);
  return SQLITE_OK;
}

// As the unix layer: an empty file counts as missing (a journal truncated to nothing).
int vfs_access(sqlite3_vfs*, const char* name, int, int* out) {
  auto it = named().find(name);
  *out = it != named().end() && !it->second->bytes.empty();
  return SQLITE_OK;
}

int vfs_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  sqlite3_snprintf(size, out, "%s%s", name[0] == '/' ? "" : "/", name);
  return SQLITE_OK;
}

int vfs_randomness(sqlite3_vfs*, int size, char* out) {
  std::memset(out, 0, static_cast<size_t>(size));
  for (int done = 0; done < size;) {
    int part = std::min(size - done, 256);  // getentropy's limit
    if (getentropy(out + done, static_cast<size_t>(part)) != 0) break;
    done += part;
  }
  return size;
}

int vfs_sleep(sqlite3_vfs*, int micros) { return micros; }

int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  constexpr sqlite3_int64 kUnixEpochJulianMs = 24405875 * static_cast<sqlite3_int64>(8640000);
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  *out = kUnixEpochJulianMs + 1000 * static_cast<sqlite3_int64>(now.tv_sec) + now.tv_nsec / 1000000;
  return SQLITE_OK;
}

int vfs_current_time(sqlite3_vfs* vfs, double* out) {
  sqlite3_int64 ms = 0;
  vfs_current_time_int64(vfs, &ms);
  *out = static_cast<double>(ms) / 86400000.0;
  return SQLITE_OK;
}

int vfs_last_error(sqlite3_vfs*, int, char*) { return 0; }

sqlite3_vfs mem_vfs = {
    2, static_cast<int>(sizeof(MemFile)), 512, nullptr, "kervan-memory", nullptr,
    vfs_open, vfs_delete, vfs_access, vfs_full_pathname,
    nullptr, nullptr, nullptr, nullptr,  // no extensions to load
    vfs_randomness, vfs_sleep, vfs_current_time, vfs_last_error, vfs_current_time_int64,
    nullptr, nullptr, nullptr};

}  // namespace

extern "C" int sqlite3_os_init(void) { return sqlite3_vfs_register(&mem_vfs, 1); }
extern "C" int sqlite3_os_end(void) { return SQLITE_OK; }
