// A SQLite VFS that keeps the main database as one image in memory and tells its owner, at
// the end of every write transaction, exactly which 4 KiB blocks changed. The browser
// persists those blocks to IndexedDB, so a save costs what changed, not the database size.
// Other files SQLite opens (temporary files, statement journals) go to the default VFS.
#pragma once
#include <cstddef>
#include <cstdint>

namespace kervan::platform {

// The unit of persistence: SQLite's default page size. Blocks are cut from the image at
// fixed offsets, so any page size works (a larger page simply dirties several blocks).
inline constexpr uint32_t kPageBlockSize = 4096;

// Called when a write transaction has ended (committed or rolled back: either way the image
// is a complete state): the whole image, its size and the sorted numbers of changed blocks.
using PageCommitHandler = void (*)(const uint8_t* image, uint64_t size, const uint32_t* blocks, std::size_t count);

// Registers the VFS as SQLite's default. Call once, before any database is opened.
void page_vfs_install(PageCommitHandler on_commit);

// Makes room for an image of `size` bytes (loaded from storage) and returns where to copy
// it. With `caller_writes_all` (a whole image loaded) new bytes are left unset, else (a
// catch-up copying only changed records) they read as zeros. Only while no connection holds a
// lock (between commands). Null, with the image unchanged, when the memory cannot be had.
uint8_t* page_vfs_reserve(uint64_t size, bool caller_writes_all);

// Read-only: any attempt to start a write transaction fails with SQLITE_BUSY.
void page_vfs_set_read_only(bool read_only);
bool page_vfs_read_only();

// True when no connection holds a lock, so the image may be replaced from outside.
bool page_vfs_idle();

// Forgets the changes not yet handed out (after the image was replaced from storage).
void page_vfs_clear_dirty();

// Image size in bytes, and where its bytes are (until the next write or reserve moves them).
uint64_t page_vfs_size();
const uint8_t* page_vfs_data();

}  // namespace kervan::platform
