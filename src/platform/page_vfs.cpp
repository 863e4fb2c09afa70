#include "platform/page_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <set>
#include <vector>

namespace kervan::platform {
namespace {

// The image's bytes: a growable buffer whose resize() leaves new bytes unset. The loaded image
// is copied over whole right after its resize, and a zeroing std::vector spent about 0.9 s of
// start-up on it at 100,000 leads (466 MB); growth by SQLite zeroes explicitly (grow()).
class ImageBytes {
 public:
  ImageBytes() = default;
  ImageBytes(const ImageBytes&) = delete;
  ImageBytes& operator=(const ImageBytes&) = delete;
  ~ImageBytes() { std::free(data_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }
  uint64_t capacity() const { return capacity_; }
  // Room for `wanted` bytes, keeping the first size() of them. False (nothing changed) when
  // the memory cannot be had.
  [[nodiscard]] bool reserve(uint64_t wanted) {
    if (wanted <= capacity_) return true;
    if (wanted > SIZE_MAX) return false;
    void* moved = std::realloc(data_, static_cast<std::size_t>(wanted));
    if (!moved) return false;
    data_ = static_cast<uint8_t*>(moved);
    capacity_ = wanted;
    return true;
  }
  [[nodiscard]] bool resize(uint64_t new_size) {
    if (!reserve(new_size)) return false;
    size_ = new_size;
    return true;
  }

 private:
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  uint64_t capacity_ = 0;
};

// The one database image every main-database file of this VFS opens.
struct Image {
  ImageBytes bytes;
  std::set<uint32_t> dirty;  // blocks written since the last hand-out
  bool read_only = false;
  int files_locked = 0;      // open files holding any lock
  PageCommitHandler on_commit = nullptr;
};

Image& image() {
  static Image instance;
  return instance;
}

sqlite3_vfs* base_vfs = nullptr;  // the platform's own VFS, for every file but the database
sqlite3_vfs page_vfs;

struct PageFile {
  sqlite3_file base;
  int lock;
};

PageFile* as_page_file(sqlite3_file* file) { return reinterpret_cast<PageFile*>(file); }

// Marks every block that bytes [offset, offset + amount) touch.
void mark_dirty(uint64_t offset, uint64_t amount) {
  if (amount == 0) return;
  auto first = static_cast<uint32_t>(offset / kPageBlockSize);
  auto last = static_cast<uint32_t>((offset + amount - 1) / kPageBlockSize);
  for (uint32_t block = first; block <= last; ++block) image().dirty.insert(block);
}

// Hands the changed blocks to the owner and starts a fresh change set.
void hand_out_changes() {
  Image& img = image();
  if (img.dirty.empty()) return;
  std::vector<uint32_t> blocks(img.dirty.begin(), img.dirty.end());
  img.dirty.clear();
  if (img.on_commit) img.on_commit(img.bytes.data(), img.bytes.size(), blocks.data(), blocks.size());
}

int file_close(sqlite3_file* file) {
  PageFile* p = as_page_file(file);
  if (p->lock != SQLITE_LOCK_NONE) --image().files_locked;
  p->lock = SQLITE_LOCK_NONE;
  return SQLITE_OK;
}

int file_read(sqlite3_file*, void* out, int amount, sqlite3_int64 offset) {
  const ImageBytes& bytes = image().bytes;
  auto want = static_cast<uint64_t>(amount);
  auto start = static_cast<uint64_t>(offset);
  uint64_t available = start < bytes.size() ? std::min<uint64_t>(want, bytes.size() - start) : 0;
  if (available) std::memcpy(out, bytes.data() + start, available);
  if (available == want) return SQLITE_OK;
  // SQLite requires the missing tail to be zeroed on a short read.
  std::memset(static_cast<uint8_t*>(out) + available, 0, want - available);
  return SQLITE_IOERR_SHORT_READ;
}

// Makes room for an image of `needed` bytes ahead of time. SQLite extends the file a page at a
// time; a vector holding exactly the loaded image would reallocate and copy the whole image on
// the first page added after a start (464 MB and about 0.6 s at 100,000 leads, inside the
// save's SQLite transaction), needing twice the image's memory while it does. With 1/8 (at
// least 4 MiB) of room the image is copied once per 1/8 of growth.
// False when not even `needed` bytes can be had.
bool reserve_room(ImageBytes& bytes, uint64_t needed) {
  if (needed <= bytes.capacity()) return true;
  return bytes.reserve(std::max<uint64_t>(needed + needed / 8, needed + (uint64_t{4} << 20))) ||
         bytes.reserve(needed);
}

// Grows the image to `new_size` with zeros. The bytes between the old end and the new one
// are part of the file even if SQLite never writes them (a page allocated and freed again in
// one transaction is not written; a rollback may extend the file by writing its last page
// only), so their blocks are changed too: otherwise the stored image would have a hole.
// False (nothing changed) when the memory cannot be had.
bool grow(uint64_t new_size) {
  ImageBytes& bytes = image().bytes;
  uint64_t old_size = bytes.size();
  if (new_size <= old_size) return true;
  if (!reserve_room(bytes, new_size) || !bytes.resize(new_size)) return false;
  std::memset(bytes.data() + old_size, 0, new_size - old_size);
  mark_dirty(old_size, new_size - old_size);
  return true;
}

int file_write(sqlite3_file*, const void* data, int amount, sqlite3_int64 offset) {
  auto start = static_cast<uint64_t>(offset);
  auto size = static_cast<uint64_t>(amount);
  // Out of memory is the browser tab's "disk full": SQLite rolls the transaction back.
  if (!grow(start + size)) return SQLITE_FULL;
  std::memcpy(image().bytes.data() + start, data, size);
  mark_dirty(start, size);
  return SQLITE_OK;
}

int file_truncate(sqlite3_file*, sqlite3_int64 size) {
  Image& img = image();
  auto new_size = static_cast<uint64_t>(size);
  if (new_size >= img.bytes.size()) return grow(new_size) ? SQLITE_OK : SQLITE_FULL;
  (void)img.bytes.resize(new_size);  // shrinking needs no memory
  // Blocks past the end are dropped by the size; a shortened last block must be rewritten.
  uint64_t blocks = (new_size + kPageBlockSize - 1) / kPageBlockSize;
  img.dirty.erase(img.dirty.lower_bound(static_cast<uint32_t>(blocks)), img.dirty.end());
  if (new_size % kPageBlockSize) img.dirty.insert(static_cast<uint32_t>(new_size / kPageBlockSize));
  // An empty change set would hide the truncation: record the last block anyway.
  if (img.dirty.empty() && blocks > 0) img.dirty.insert(static_cast<uint32_t>(blocks - 1));
  return SQLITE_OK;
}

int file_sync(sqlite3_file*, int) { return SQLITE_OK; }

int file_size(sqlite3_file*, sqlite3_int64* size) {
  *size = static_cast<sqlite3_int64>(image().bytes.size());
  return SQLITE_OK;
}

int file_lock(sqlite3_file* file, int level) {
  PageFile* p = as_page_file(file);
  if (level >= SQLITE_LOCK_RESERVED && image().read_only) return SQLITE_BUSY;
  if (p->lock == SQLITE_LOCK_NONE && level > SQLITE_LOCK_NONE) ++image().files_locked;
  p->lock = std::max(p->lock, level);
  return SQLITE_OK;
}

int file_unlock(sqlite3_file* file, int level) {
  PageFile* p = as_page_file(file);
  bool was_writing = p->lock >= SQLITE_LOCK_RESERVED;
  if (p->lock > SQLITE_LOCK_NONE && level == SQLITE_LOCK_NONE) --image().files_locked;
  p->lock = std::min(p->lock, level);
  // A writer giving up its write lock has finished the transaction: the image is whole.
  if (was_writing && level <= SQLITE_LOCK_SHARED) hand_out_changes();
  return SQLITE_OK;
}

int file_check_reserved_lock(sqlite3_file*, int* out) {
  *out = 0;  // one process, one writing connection
  return SQLITE_OK;
}

int file_control(sqlite3_file*, int, void*) { return SQLITE_NOTFOUND; }
int file_sector_size(sqlite3_file*) { return 512; }
int file_device_characteristics(sqlite3_file*) { return SQLITE_IOCAP_POWERSAFE_OVERWRITE; }

const sqlite3_io_methods page_io_methods = {
    1,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    file_check_reserved_lock,
    file_control,
    file_sector_size,
    file_device_characteristics,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

int vfs_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if (!(flags & SQLITE_OPEN_MAIN_DB)) return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
  PageFile* p = as_page_file(file);
  p->base.pMethods = &page_io_methods;
  p->lock = SQLITE_LOCK_NONE;
  if (out_flags) *out_flags = flags;
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) { return base_vfs->xDelete(base_vfs, name, sync_dir); }
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) { return base_vfs->xAccess(base_vfs, name, flags, out); }
int vfs_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return base_vfs->xFullPathname(base_vfs, name, size, out);
}
int vfs_randomness(sqlite3_vfs*, int size, char* out) { return base_vfs->xRandomness(base_vfs, size, out); }
int vfs_sleep(sqlite3_vfs*, int micros) { return base_vfs->xSleep(base_vfs, micros); }
int vfs_current_time(sqlite3_vfs*, double* out) { return base_vfs->xCurrentTime(base_vfs, out); }
int vfs_last_error(sqlite3_vfs*, int size, char* out) { return base_vfs->xGetLastError(base_vfs, size, out); }
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

}  // namespace

void page_vfs_install(PageCommitHandler on_commit) {
  image().on_commit = on_commit;
  if (base_vfs) return;
  base_vfs = sqlite3_vfs_find(nullptr);
  page_vfs = sqlite3_vfs{};
  page_vfs.iVersion = 2;
  page_vfs.szOsFile = std::max(static_cast<int>(sizeof(PageFile)), base_vfs->szOsFile);
  page_vfs.mxPathname = base_vfs->mxPathname;
  page_vfs.zName = "kervan-pages";
  page_vfs.xOpen = vfs_open;
  page_vfs.xDelete = vfs_delete;
  page_vfs.xAccess = vfs_access;
  page_vfs.xFullPathname = vfs_full_pathname;
  page_vfs.xRandomness = vfs_randomness;
  page_vfs.xSleep = vfs_sleep;
  page_vfs.xCurrentTime = vfs_current_time;
  page_vfs.xGetLastError = vfs_last_error;
  page_vfs.xCurrentTimeInt64 = vfs_current_time_int64;
  sqlite3_vfs_register(&page_vfs, 1);
}

uint8_t* page_vfs_reserve(uint64_t size, bool caller_writes_all) {
  ImageBytes& bytes = image().bytes;
  uint64_t old_size = bytes.size();
  if (!reserve_room(bytes, size) || !bytes.resize(size)) return nullptr;
  if (!caller_writes_all && size > old_size) std::memset(bytes.data() + old_size, 0, size - old_size);
  return bytes.data();
}

void page_vfs_set_read_only(bool read_only) { image().read_only = read_only; }
bool page_vfs_read_only() { return image().read_only; }
bool page_vfs_idle() { return image().files_locked == 0; }
void page_vfs_clear_dirty() { image().dirty.clear(); }
uint64_t page_vfs_size() { return image().bytes.size(); }
const uint8_t* page_vfs_data() { return image().bytes.data(); }

}  // namespace kervan::platform
