// Applying a checked sync document to the database (one transaction, opened by the caller).
// The rules are in docs/sync.md: per-field merge by stamp, deletes win unless the record was
// written again as a whole after the delete, far-future stamps clamped, references settled.
#pragma once
#include "core/command.hpp"

namespace kervan {

struct SyncDocument;

// Merges `doc` into the database and returns the report (shape in sync.hpp). With dry_run the
// changes are rolled back and only the report remains.
Json import_sync_document(CommandContext& ctx, SyncDocument& doc, bool dry_run);

}  // namespace kervan
