// Applying a checked sync document to the database (one transaction, opened by the caller).
// The rules are in docs/sync.md: per-field merge by stamp, deletes win unless the record was
// written again as a whole after the delete, far-future stamps clamped, references settled.
#pragma once
#include <memory>

#include "core/command.hpp"

namespace kervan {

struct SyncDocument;
struct IncomingRecord;

// What an import compares a file with, read from the database once: every record's stored
// stamps and every tombstone. Made before the file is read, its known() is the reader's
// KnownCheck; then it is given to import_sync_document, for that one import.
class ImportMirror {
 public:
  explicit ImportMirror(CommandContext& ctx);
  ~ImportMirror();
  ImportMirror(const ImportMirror&) = delete;
  ImportMirror& operator=(const ImportMirror&) = delete;
  // True when no stamp of the record is later than both its stamp here and the record's
  // tombstone here: the import would skip it as known. It stays true through the import
  // (stored stamps only grow until the deletes, which come after every record).
  bool known(const IncomingRecord& r);

  struct Parts;
  Parts& parts() { return *parts_; }

 private:
  std::unique_ptr<Parts> parts_;
};

// Merges `doc` into the database and returns the report (shape in sync.hpp). With dry_run the
// changes are rolled back and only the report remains. Records the reader marked known
// (RecordRef::known) are counted as skipped without being read again; `mirror`, when given,
// is the one made before the reading (made here otherwise).
Json import_sync_document(CommandContext& ctx, SyncDocument& doc, bool dry_run, ImportMirror* mirror = nullptr);

}  // namespace kervan
