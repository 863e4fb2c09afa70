// Files in and out of the page, for the views that import and export: the browser's file
// picker, files dropped on the page, and downloads. Files are read asynchronously; a view asks
// for one and polls files_take() on the following frames.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kervan::platform {

struct PickedFile {
  std::string name;   // as the user's system named it
  std::string bytes;  // the whole content, raw
  bool dropped = false;
};

struct ReadProgress {
  uint64_t loaded = 0;
  uint64_t total = 0;  // 0 when no file is being read
  std::string name;
};

// Starts listening for files dropped on the page (idempotent).
void files_listen_for_drops();
// Opens the browser's file picker (`accept`: ".json,.csv"); the choice arrives via files_take().
void files_pick(const std::string& accept);
// The file picked or dropped and fully read, once; nullopt while none is waiting.
std::optional<PickedFile> files_take();
// How far the file being read has got, for a progress bar.
ReadProgress files_progress();
// A file read failure ("" when none), cleared by reading it.
std::string files_take_error();
// Offers `bytes` as a download named `name`.
void files_download(const std::string& name, const std::string& mime_type, const std::string& bytes);

// A download written in pieces, for files too large to hold whole: each appended chunk is
// copied out of the wasm heap at once (the page keeps the pieces), finish() offers the Blob
// made of them under `name`; cancel() drops them. One such download at a time.
void files_download_begin();
void files_download_append(std::string_view chunk);
void files_download_finish(const std::string& name, const std::string& mime_type);
void files_download_cancel();

}  // namespace kervan::platform
