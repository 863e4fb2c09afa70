// The record types of the core and the helpers several command files share.
#pragma once
#include <string>
#include <string_view>

#include "core/records.hpp"

namespace kervan {

const RecordType& lead_type();
const RecordType& contact_type();
const RecordType& company_type();

// A list_values key for `value` in `list`: the key itself, or a label (Turkish or English,
// compared folded) turned into its key. "" stays "". Unknown values are refused naming `field`;
// archived values are accepted only when `allow_archived` (filters, not new writes).
std::string resolve_list_value(Database& db, std::string_view list, std::string_view value, std::string_view field,
                               bool allow_archived = false);

// Recomputes the duplicate-detection keys of one record (after a create or update) or drops
// them (after a delete: pass a null record).
void refresh_dedupe_keys(Database& db, std::string_view entity, std::string_view id, const Json& record);

// Recomputes the duplicate-detection keys of every lead, contact and company (migration 10).
void rebuild_dedupe_keys(Database& db);

// Clears a link field (contact_id, company_id) on every record of `type` that points at
// `target_id`, through update_record so the change is stamped and travels with sync.
void clear_links(CommandContext& ctx, const RecordType& type, std::string_view field, std::string_view target_id);

// Adds "warnings" to a lead or contact: e-mails and phones that do not look valid are kept as
// typed (a booth cannot refuse a visitor's card) but flagged.
Json with_warnings(Json record);

// The contacts and companies a lead probably is already: {"contacts": [...], "companies": [...]}
// each with score and reasons, best first.
Json conversion_candidates(Database& db, const Json& lead);

void register_list_commands(CommandRegistry& registry);
void register_lifecycle_commands(CommandRegistry& registry);
void register_contact_commands(CommandRegistry& registry);
void register_company_commands(CommandRegistry& registry);
void register_duplicate_commands(CommandRegistry& registry);

}  // namespace kervan
