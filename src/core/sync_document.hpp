// Reading a sync file: JSON text to a checked document. Everything is validated before
// anything is written; a refusal is a CommandError whose field is a JSON Pointer into the
// document ("/records/3/fields/amount/value").
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/command.hpp"

namespace kervan {

struct SyncEntity;
struct SyncField;

struct IncomingField {
  const Json* value = nullptr;  // points into the record's JSON (IncomingRecord::holder) or the document
  // "" when the field was never written (an initial value). Points into the file's text, the
  // document or IncomingRecord::owned_stamps: no copy per field.
  std::string_view stamp;
};

// A record's fields: one slot per field of its entity, iterated in name order (as the map it
// replaces was) as pairs of name and field. Flat, so reading a record allocates no node per field.
class IncomingFields {
 public:
  void reset(const SyncEntity& e);  // every slot empty
  void set(const SyncField& f, IncomingField field);
  IncomingField& slot(const SyncField& f);  // f's slot, empty (value nullptr) when f is absent
  const IncomingField& slot(const SyncField& f) const;
  IncomingField* find(std::string_view name);
  const IncomingField* find(std::string_view name) const;
  const IncomingField& at(std::string_view name) const;  // absent: a field holding null
  bool has(std::string_view name) const { return find(name) != nullptr; }

  class iterator {
   public:
    iterator(const IncomingFields* owner, std::size_t at) : owner_(owner), at_(at) { settle(); }
    std::pair<const std::string&, const IncomingField&> operator*() const;
    iterator& operator++() {
      ++at_;
      settle();
      return *this;
    }
    bool operator!=(const iterator& o) const { return at_ != o.at_; }

   private:
    void settle();  // onto the next filled slot
    const IncomingFields* owner_;
    std::size_t at_;  // position in name order
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, order_ ? order_->size() : 0}; }

 private:
  const SyncEntity* entity_ = nullptr;
  const std::vector<std::size_t>* order_ = nullptr;  // the entity's field indices in name order
  std::vector<IncomingField> slots_;                 // by field index; value nullptr: absent
};

struct IncomingRecord {
  IncomingRecord() = default;
  IncomingRecord(IncomingRecord&&) = default;
  IncomingRecord& operator=(IncomingRecord&&) = default;
  IncomingRecord(const IncomingRecord&) = delete;  // its stamps may point into owned_stamps
  IncomingRecord& operator=(const IncomingRecord&) = delete;

  const SyncEntity* entity = nullptr;
  std::string id;
  unsigned char uuid[16] = {};  // the id's 16 bytes (every record id is a UUID), parsed once
  IncomingFields fields;
  std::size_t index = 0;  // in the file's list of records
  std::shared_ptr<const Json> holder;  // the record's JSON (or its values) when it was read from text
  // Stamps made while reading (clamped), at most one per field: reserved for all of them at the
  // first, so never moved (the views into them hold, also when the record is moved).
  std::vector<std::string> owned_stamps;

  std::string pointer() const { return "/records/" + std::to_string(index); }  // "/records/3"
  // Empty again as record `at` of the file, keeping its buffers for the next reading.
  void reuse_as(std::size_t at);
};

// A record as listed after the first reading: what it is, not what it holds.
struct RecordRef {
  const SyncEntity* entity = nullptr;
  unsigned char uuid[16] = {};  // the id's bytes (a 100k file lists 420k records)
  bool known = false;  // the reader's KnownCheck found nothing in it newer than what is stored
  std::string id() const;
};

// Asked once per record, as read (stamps clamped), by the first reading: true when the record
// holds nothing the database lacks. The importer then counts it as skipped without reading it
// again; the check must stay true for the whole import (stamps and tombstones only grow).
using KnownCheck = std::function<bool(const IncomingRecord&)>;

struct IncomingTombstone {
  const SyncEntity* entity = nullptr;
  std::string id;
  std::string stamp;
  std::string pointer;
};

// A checked document. Records are listed, not held: load(i) reads record i again (checked,
// its stamps clamped), so a file read from text is never a JSON tree as a whole; only one
// record's tree exists at a time.
struct SyncDocument {
  int version = 0;  // as found in the file, before upgrading
  std::string device_id, device_name, clock, since, exported_at;
  std::vector<RecordRef> records;  // in file order
  std::vector<IncomingTombstone> tombstones;
  // Stamps more than the allowed drift ahead (clamp_limit_ms) are clamped to the limit: the
  // records' clamped stamps in file order (report entries, the first kMaxReportEntries) and
  // their number, and the newest record stamp after clamping ("" when none).
  int64_t clamp_limit_ms = 0;
  std::vector<Json> clamped;
  std::size_t clamped_count = 0;
  std::string newest;
  std::function<IncomingRecord(std::size_t)> load;
};

// Parses JSON text (refusing deep nesting and malformed text, naming the byte offset).
Json parse_sync_text(std::string_view text);

// The format version of a document (checking its format name): 1 or 2. Refuses a newer one,
// and 0 (a draft from before the first release, with [value, stamp] pairs).
int check_sync_version(const Json& doc);

// Checks the whole document (version 1 or 2): structure, types, entities, fields, ids, stamps and
// domain rules. Throws CommandError naming the place. The result points into `doc`, which
// must outlive it. Stamps later than `clamp_limit_ms` are clamped (see SyncDocument).
SyncDocument read_sync_document(const Json& doc, int64_t clamp_limit_ms, const KnownCheck& known = {});

// The same from a file's JSON text (which must outlive the result), without building the whole
// tree: the text is checked as parse_sync_text does (UTF-8, nesting, syntax, with the same
// refusals), its top level is split into members and list items, and each record is parsed
// alone, checked and dropped; load() parses it again. The result's version is the file's.
SyncDocument read_sync_text(std::string_view text, int64_t clamp_limit_ms, const KnownCheck& known = {});

// Parses the JSON a sync file is made of (objects, lists, strings, whole numbers of up to 18
// digits, true/false/null) into exactly the tree Json::parse gives, a few times faster. False
// for anything else (fractions, exponents, surrogate escapes, any error): Json::parse decides.
// The text must be valid UTF-8.
bool parse_plain_json(std::string_view text, Json& out);

// True for a stamp text as the clock writes it ("001795683600000:00000:device").
bool is_stamp_text(std::string_view text);

}  // namespace kervan
