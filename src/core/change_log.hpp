// The one place where record identity and change tracking live, shared by every entity:
// each field write gets a hybrid logical clock stamp, each delete leaves a tombstone.
// Sync (export/import) reads these through the functions below; entity code only writes.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace kervan {

class Database;
class Statement;

// A new random (version 4) UUID in its usual 36-character text form.
std::string new_uuid();
// A UUID derived from a name (the same on every device), for records whose identity is a
// natural key: a rate by currency, an activity link by its ends, a list value by list and key.
std::string derived_uuid(std::string_view name);
// True for the 36-character lowercase form 8-4-4-4-12 of hex digits.
bool is_uuid(std::string_view text);

using FieldStamps = std::map<std::string, std::string>;         // field -> stamp text
using RecordKey = std::pair<std::string, std::string>;          // entity, record id

// The 16 bytes of a lowercase UUID text, as uuid_blob stores them; false for any other text.
bool uuid_bytes(std::string_view text, unsigned char (&out)[16]);
// The other way: the 36 characters of the UUID whose 16 bytes are given.
void uuid_chars(const unsigned char* bytes, char (&out)[36]);
// The UUID text of its 128 bits as two words, the first 64 bits first.
std::string format_uuid(uint64_t hi, uint64_t lo);

// A value per record (entity name, record id) for tables as large as a whole database: the
// record of a UUID id is held as the UUID's 16 bytes and a small entity number in an open
// addressing hash table (one probe into one array, where a node-based map follows pointers
// through scattered memory), any other id by its text. Entries are never removed; a value
// reference is valid until the next insert.
template <class V>
class RecordTable {
 public:
  // The value of the record, or nullptr.
  V* find(std::string_view entity, std::string_view id) {
    uint32_t no = entity_no(entity, false);
    if (no == kNone) return nullptr;
    unsigned char bytes[16];
    if (uuid_bytes(id, bytes)) return find_key(no, bytes);
    auto it = by_text_.find(std::pair<uint32_t, std::string>(no, std::string(id)));
    return it == by_text_.end() ? nullptr : &it->second;
  }
  // The same for a UUID id given as its 16 bytes.
  V* find_uuid(std::string_view entity, const unsigned char* bytes) { return find_key(entity_no(entity, false), bytes); }
  // Adds the record with `value` unless it is there already: its value, and whether it is new.
  std::pair<V*, bool> insert(std::string_view entity, std::string_view id, V value = V()) {
    unsigned char bytes[16];
    if (uuid_bytes(id, bytes)) return insert_uuid(entity, bytes, std::move(value));
    uint32_t no = entity_no(entity, true);
    auto [it, added] = by_text_.try_emplace(std::pair<uint32_t, std::string>(no, std::string(id)), std::move(value));
    return {&it->second, added};
  }
  // The same for a UUID id given as its 16 bytes.
  std::pair<V*, bool> insert_uuid(std::string_view entity, const unsigned char* bytes, V value = V()) {
    Key key = key_of(entity_no(entity, true), bytes);
    if ((used_ + 1) * 4 > slots_.size() * 3) grow(slots_.empty() ? 64 : slots_.size() * 2);
    Slot& slot = slots_[probe(key)];
    if (slot.key.entity != kNone) return {&slot.value, false};
    slot.key = key;
    slot.value = std::move(value);
    ++used_;
    return {&slot.value, true};
  }
  void reserve(std::size_t n) {
    std::size_t size = 64;
    while (size * 3 < n * 4) size *= 2;
    if (size > slots_.size()) grow(size);
  }
  std::size_t size() const { return used_ + by_text_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Key {
    uint64_t hi = 0, lo = 0;
    uint32_t entity = kNone;  // kNone: an empty slot
    bool operator==(const Key&) const = default;
  };
  struct Slot {
    Key key;
    V value{};
  };
  static std::size_t hash(const Key& k) {
    uint64_t h = (k.hi ^ (k.lo * 0x9e3779b97f4a7c15ULL) ^ k.entity) * 0xbf58476d1ce4e5b9ULL;
    return static_cast<std::size_t>(h ^ (h >> 31));
  }
  V* find_key(uint32_t entity_no, const unsigned char* bytes) {
    if (entity_no == kNone || slots_.empty()) return nullptr;
    Slot& slot = slots_[probe(key_of(entity_no, bytes))];
    return slot.key.entity == kNone ? nullptr : &slot.value;
  }
  // The slot holding `key`, or the empty slot where it would go.
  std::size_t probe(const Key& key) const {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key.entity == kNone || slots_[i].key == key) return i;
    }
  }
  void grow(std::size_t size) {
    std::vector<Slot> old(size);
    old.swap(slots_);
    for (auto& slot : old) {
      if (slot.key.entity != kNone) slots_[probe(slot.key)] = std::move(slot);
    }
  }
  static Key key_of(uint32_t entity, const unsigned char* bytes) {
    Key k;
    for (int i = 0; i < 8; ++i) {
      k.hi = k.hi << 8 | bytes[i];
      k.lo = k.lo << 8 | bytes[8 + i];
    }
    k.entity = entity;
    return k;
  }
  uint32_t entity_no(std::string_view entity, bool add) {
    if (last_ != kNone && entities_[last_] == entity) return last_;
    for (uint32_t i = 0; i < entities_.size(); ++i) {
      if (entities_[i] == entity) return last_ = i;
    }
    if (!add) return kNone;
    entities_.emplace_back(entity);
    return last_ = static_cast<uint32_t>(entities_.size() - 1);
  }
  std::vector<std::string> entities_;
  uint32_t last_ = kNone;
  std::vector<Slot> slots_;  // a power of two of them, at most 3/4 used
  std::size_t used_ = 0;
  std::map<std::pair<uint32_t, std::string>, V> by_text_;
};

class ChangeLog {
 public:
  explicit ChangeLog(Database& db) : db_(db) {}

  // Records that these fields of the record were written at `stamp`.
  void stamp_fields(std::string_view entity, std::string_view record_id, const std::vector<std::string>& fields,
                    const HlcStamp& stamp);
  // Drops the record's field stamps and leaves a tombstone stamped `stamp`.
  void record_delete(std::string_view entity, std::string_view record_id, const HlcStamp& stamp);
  // The stamp of one field, or "" when the field was never written.
  std::string field_stamp(std::string_view entity, std::string_view record_id, std::string_view field);
  bool is_deleted(std::string_view entity, std::string_view record_id);

  // For sync. Every stamped field of a record.
  FieldStamps record_stamps(std::string_view entity, std::string_view record_id);
  // Every stamped field of every record (one read for a whole export or import).
  std::map<RecordKey, FieldStamps> all_stamps();
  // The same as stored (a short text per record, a tenth of the memory); unpack_stamps reads one.
  std::map<RecordKey, std::string> all_packed_stamps();
  FieldStamps unpack_stamps(std::string_view packed);
  // The same read row by row: fn(entity, record id, stamps text). The id is the stored 16
  // bytes when `uuid` is true (uuid_text of them is the id), else the id's text.
  void for_each_packed(const std::function<void(std::string_view entity, std::string_view id, bool uuid,
                                                std::string_view stamps)>& fn);
  // One stored text read field by field, for comparing incoming stamps with it without making
  // a map of the record's stamps (an import of a file the device mostly knows asks about
  // nearly every record).
  class PackedView {
   public:
    explicit PackedView(ChangeLog& log) : log_(log) {}
    // Reads a stored text; false when it is damaged or names a device or field number not
    // known here (unpack_stamps decides what that is: it throws, or reloads the names).
    bool load(std::string_view packed);
    // The stamp text of the field in the last text loaded, as unpack_stamps would give it, or
    // "" when the field is not stamped there. Valid until the next call. `slot` is a small
    // number the caller gives this field name every time (its field number is kept there), or
    // SIZE_MAX for none (looked up by name).
    std::string_view stamp(std::string_view field, std::size_t slot);

   private:
    ChangeLog& log_;
    struct Group {
      int64_t wall = 0, counter = 0, device = 0;
      bool made = false;
      std::string text;
    };
    std::vector<Group> groups_;
    std::size_t used_ = 0;                      // groups_ of the text loaded
    std::vector<std::pair<uint32_t, uint32_t>> group_of_;  // field number -> (load number, group)
    uint32_t loads_ = 0;
    std::vector<std::optional<std::string>> devices_;  // device number -> id (cache)
    std::vector<char> fields_known_;                   // field number -> numbered here (cache)
    std::vector<int64_t> field_numbers_;  // by the caller's slot, -1 when not known (cache)
    uint64_t generation_ = UINT64_MAX;  // of log_'s names when the caches were filled
  };
  // The stamps of one entity's records in id (text) order, read alongside the rows of a
  // table (ordered by id too) so an export never holds every stamp at once.
  class EntityStamps {
   public:
    // `fields` are the fields of() answers for, in its order.
    EntityStamps(ChangeLog& log, std::string_view entity, const std::vector<std::string>& fields);
    ~EntityStamps();
    EntityStamps(const EntityStamps&) = delete;
    EntityStamps& operator=(const EntityStamps&) = delete;
    // The stamp text of each field of `id`, "" where it was never stamped; ids must be asked in
    // increasing order. Valid until the next call.
    const std::vector<std::string>& of(std::string_view id);

   private:
    ChangeLog& log_;
    std::unique_ptr<Statement> st_;
    bool has_row_ = false;
    std::string id_, stamps_;
    std::vector<int> slot_;  // field number -> position in texts_, -1 when not asked
    std::vector<std::string> texts_;
    std::string group_text_;
    void next();
  };
  // The records with a field stamped after `since` (a stamp text).
  std::vector<RecordKey> stamped_after(const std::string& since);
  // Stores fields' stamps as received (no local tick); other fields keep theirs.
  void set_stamps(std::string_view entity, std::string_view record_id, const FieldStamps& stamps);
  // Drops the record's field stamps (its tombstone, if any, stays).
  void drop_stamps(std::string_view entity, std::string_view record_id);
  // The tombstone stamp of a record, or "" when it was never deleted.
  std::string tombstone(std::string_view entity, std::string_view record_id);
  // Keeps the later of the stored and the given tombstone stamp (adds one when there is none).
  void merge_tombstone(std::string_view entity, std::string_view record_id, std::string_view stamp);

 private:
  // Small numbers for the device ids and field names that stamps use (tables stamp_devices
  // and stamp_fields), cached; reloaded after any rollback, which may have removed new ones.
  struct Names {
    std::unordered_map<std::string, int64_t> number;
    std::unordered_map<int64_t, std::string> text;
  };
  struct Stamp {
    int64_t wall = 0;
    int64_t counter = 0;
    int64_t device = 0;
  };
  using Packed = std::map<int64_t, Stamp>;  // field number -> stamp

  static bool parse(std::string_view text, Packed& out, int64_t& newest);
  // Calls fn(stamp, field numbers) for each group of a stored text; false when it is damaged.
  template <class Fn>
  static bool parse_groups(std::string_view text, Fn&& fn);
  void load_names();
  int64_t number_of(Names& names, const std::string& text);
  const std::string& text_of(Names& names, int64_t no);
  Stamp pack(const HlcStamp& stamp);
  std::string unpack(const Stamp& stamp);
  FieldStamps unpack(const Packed& packed);
  Packed read_packed(std::string_view entity, std::string_view record_id);
  void write_packed(std::string_view entity, std::string_view record_id, const Packed& packed);

  friend class PackedView;
  Database& db_;
  Names devices_;
  Names fields_;
  uint64_t names_generation_ = UINT64_MAX;
};

}  // namespace kervan
