// Field stamps, stored compactly: one row per record in `record_stamps` (the record's UUID as
// 16 bytes, see uuid_blob in database.cpp), its stamps as JSON
// [[wall_ms, counter, device_no, field_no, field_no, ...], ...] (one group per distinct stamp,
// groups in stamp order, field numbers ascending). Device ids and field names are numbered in
// `stamp_devices` and `stamp_fields`. `newest_ms` (the newest wall time, indexed) keeps the
// "changed after" query of exports an index range. On the benchmark data a record costs about
// 90 bytes plus 40 of index, where the row per field cost about 140 bytes per field.
#include <cstdio>
#include <span>
#include <stdexcept>
#include <tuple>

#include "core/change_log.hpp"
#include "core/database.hpp"

namespace kervan {

template <class Fn>
bool ChangeLog::parse_groups(std::string_view text, Fn&& fn) {
  std::size_t i = 0;
  auto at = [&](char c) { return i < text.size() && text[i] == c; };
  auto skip = [&](char c) { return at(c) ? (++i, true) : false; };
  if (!skip('[')) return false;
  bool first = true;
  // A group's numbers: on the stack (no allocation per stored text), in `spill` past 64 (a
  // group lists some of one record's fields, which are fewer).
  int64_t fixed[64];
  std::vector<int64_t> spill;
  while (!skip(']')) {
    if (!first && !skip(',')) return false;
    first = false;
    if (!skip('[')) return false;
    std::size_t count = 0;
    spill.clear();
    while (!skip(']')) {
      if (count > 0 && !skip(',')) return false;
      std::size_t start = i;
      int64_t n = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 18) n = n * 10 + (text[i++] - '0');
      if (i == start) return false;
      if (count < std::size(fixed)) {
        fixed[count] = n;
      } else {
        if (spill.empty()) {
          for (int64_t kept : fixed) spill.push_back(kept);
        }
        spill.push_back(n);
      }
      ++count;
    }
    if (count < 4) return false;
    const int64_t* group = count <= std::size(fixed) ? fixed : spill.data();
    fn(Stamp{group[0], group[1], group[2]}, std::span<const int64_t>(group + 3, count - 3));
  }
  return i == text.size();
}

// Reads "[[w,c,d,f,...],...]" into field -> stamp; false on anything else.
bool ChangeLog::parse(std::string_view text, Packed& out, int64_t& newest) {
  return parse_groups(text, [&](const Stamp& stamp, std::span<const int64_t> fields) {
    newest = std::max(newest, stamp.wall);
    for (int64_t f : fields) out[f] = stamp;
  });
}

void ChangeLog::load_names() {
  if (names_generation_ == db_.rollbacks()) return;
  for (auto [names, sql] : {std::pair{&devices_, "SELECT no, device_id FROM stamp_devices"},
                            std::pair{&fields_, "SELECT no, field FROM stamp_fields"}}) {
    names->number.clear();
    names->text.clear();
    Statement st(db_, sql);
    while (st.step()) {
      names->number[st.column_text(1)] = st.column_int(0);
      names->text[st.column_int(0)] = st.column_text(1);
    }
  }
  names_generation_ = db_.rollbacks();
}

int64_t ChangeLog::number_of(Names& names, const std::string& text) {
  load_names();
  if (auto it = names.number.find(text); it != names.number.end()) return it->second;
  bool device = &names == &devices_;
  Statement add(db_, device ? "INSERT OR IGNORE INTO stamp_devices(device_id) VALUES(?1)"
                            : "INSERT OR IGNORE INTO stamp_fields(field) VALUES(?1)");
  add.bind(1, text).run();
  Statement find(db_, device ? "SELECT no FROM stamp_devices WHERE device_id = ?1"
                             : "SELECT no FROM stamp_fields WHERE field = ?1");
  find.bind(1, text);
  if (!find.step()) throw std::runtime_error("cannot number the stamp name " + text);
  int64_t no = find.column_int(0);
  names.number[text] = no;
  names.text[no] = text;
  return no;
}

const std::string& ChangeLog::text_of(Names& names, int64_t no) {
  load_names();
  auto it = names.text.find(no);
  if (it == names.text.end()) {  // numbered through another connection since the last load
    names_generation_ = UINT64_MAX;
    load_names();
    it = names.text.find(no);
    if (it == names.text.end()) throw std::runtime_error("a field stamp refers to an unknown name");
  }
  return it->second;
}

ChangeLog::Stamp ChangeLog::pack(const HlcStamp& stamp) {
  return Stamp{stamp.wall_ms, stamp.counter, number_of(devices_, stamp.device)};
}

std::string ChangeLog::unpack(const Stamp& stamp) {
  return HlcStamp{stamp.wall, static_cast<uint32_t>(stamp.counter), text_of(devices_, stamp.device)}.to_string();
}

FieldStamps ChangeLog::unpack(const Packed& packed) {
  FieldStamps out;
  // A record's fields mostly share one stamp: its text is made once, not once per field.
  const Stamp* made = nullptr;
  std::string text;
  for (const auto& [field, stamp] : packed) {
    if (!made || stamp.wall != made->wall || stamp.counter != made->counter || stamp.device != made->device) {
      text = unpack(stamp);
      made = &stamp;
    }
    out.emplace(text_of(fields_, field), text);
  }
  return out;
}

ChangeLog::Packed ChangeLog::read_packed(std::string_view entity, std::string_view record_id) {
  Statement st(db_, "SELECT stamps FROM record_stamps WHERE entity = ?1 AND record = uuid_blob(?2)");
  st.bind(1, entity).bind(2, record_id);
  Packed out;
  int64_t newest = 0;
  if (st.step() && !parse(st.column_text(0), out, newest)) {
    throw std::runtime_error("the field stamps of " + std::string(entity) + " " + std::string(record_id) +
                             " are damaged");
  }
  return out;
}

void ChangeLog::write_packed(std::string_view entity, std::string_view record_id, const Packed& packed) {
  if (packed.empty()) {
    drop_stamps(entity, record_id);
    return;
  }
  // Groups in stamp order (wall, counter, device id text), as the text stamps sort.
  std::map<std::tuple<int64_t, int64_t, std::string, int64_t>, std::vector<int64_t>> groups;
  int64_t newest = 0;
  for (const auto& [field, s] : packed) {
    groups[{s.wall, s.counter, text_of(devices_, s.device), s.device}].push_back(field);
    newest = std::max(newest, s.wall);
  }
  std::string text = "[";
  for (const auto& [key, fields] : groups) {
    if (text.size() > 1) text += ',';
    text += '[' + std::to_string(std::get<0>(key)) + ',' + std::to_string(std::get<1>(key)) + ',' +
            std::to_string(std::get<3>(key));
    for (int64_t f : fields) text += ',' + std::to_string(f);
    text += ']';
  }
  text += ']';
  Statement st(db_,
               "INSERT INTO record_stamps(entity, record, newest_ms, stamps) VALUES(?1, uuid_blob(?2), ?3, ?4) "
               "ON CONFLICT(entity, record) DO UPDATE SET newest_ms = excluded.newest_ms, stamps = excluded.stamps");
  st.bind(1, entity).bind(2, record_id).bind(3, newest).bind(4, text).run();
}

void ChangeLog::stamp_fields(std::string_view entity, std::string_view record_id,
                             const std::vector<std::string>& fields, const HlcStamp& stamp) {
  Packed packed = read_packed(entity, record_id);
  Stamp s = pack(stamp);
  for (const auto& field : fields) packed[number_of(fields_, field)] = s;
  write_packed(entity, record_id, packed);
}

void ChangeLog::set_stamps(std::string_view entity, std::string_view record_id, const FieldStamps& stamps) {
  Packed packed = read_packed(entity, record_id);
  for (const auto& [field, text] : stamps) {
    auto stamp = HlcStamp::parse(text);
    if (!stamp) throw std::invalid_argument("not a clock stamp: " + text);
    packed[number_of(fields_, field)] = pack(*stamp);
  }
  write_packed(entity, record_id, packed);
}

void ChangeLog::drop_stamps(std::string_view entity, std::string_view record_id) {
  Statement st(db_, "DELETE FROM record_stamps WHERE entity = ?1 AND record = uuid_blob(?2)");
  st.bind(1, entity).bind(2, record_id).run();
}

std::string ChangeLog::field_stamp(std::string_view entity, std::string_view record_id, std::string_view field) {
  load_names();
  auto no = fields_.number.find(std::string(field));
  if (no == fields_.number.end()) {  // perhaps numbered through another connection
    names_generation_ = UINT64_MAX;
    load_names();
    no = fields_.number.find(std::string(field));
    if (no == fields_.number.end()) return "";
  }
  Packed packed = read_packed(entity, record_id);
  auto it = packed.find(no->second);
  return it == packed.end() ? std::string() : unpack(it->second);
}

FieldStamps ChangeLog::record_stamps(std::string_view entity, std::string_view record_id) {
  return unpack(read_packed(entity, record_id));
}

std::map<RecordKey, FieldStamps> ChangeLog::all_stamps() {
  std::map<RecordKey, FieldStamps> out;
  Statement st(db_, "SELECT entity, uuid_text(record), stamps FROM record_stamps");
  while (st.step()) {
    Packed packed;
    int64_t newest = 0;
    if (!parse(st.column_text(2), packed, newest)) throw std::runtime_error("damaged field stamps in record_stamps");
    out.emplace(RecordKey{st.column_text(0), st.column_text(1)}, unpack(packed));
  }
  return out;
}

ChangeLog::EntityStamps::EntityStamps(ChangeLog& log, std::string_view entity, const std::vector<std::string>& fields)
    : log_(log), texts_(fields.size()) {
  // uuid_text order is the text order of the ids (a record id that is no UUID stays text).
  st_ = std::make_unique<Statement>(
      log.db_, "SELECT uuid_text(record), stamps FROM record_stamps WHERE entity = ?1 ORDER BY uuid_text(record)");
  st_->bind(1, entity);
  log.load_names();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto no = log.fields_.number.find(fields[i]);
    if (no == log.fields_.number.end()) continue;  // never stamped here
    auto n = static_cast<std::size_t>(no->second);
    if (slot_.size() <= n) slot_.resize(n + 1, -1);
    slot_[n] = static_cast<int>(i);
  }
  next();
}

ChangeLog::EntityStamps::~EntityStamps() = default;

void ChangeLog::EntityStamps::next() {
  has_row_ = st_->step();
  if (has_row_) {
    id_ = st_->column_view(0);
    stamps_ = st_->column_view(1);
  }
}

const std::vector<std::string>& ChangeLog::EntityStamps::of(std::string_view id) {
  for (auto& text : texts_) text.clear();
  while (has_row_ && id_ < id) next();
  if (!has_row_ || id_ != id) return texts_;
  // One text per group of fields that share a stamp (most records have one group).
  bool ok = parse_groups(stamps_, [&](const Stamp& stamp, std::span<const int64_t> fields) {
    bool made = false;
    for (int64_t f : fields) {
      if (static_cast<std::size_t>(f) >= slot_.size() || slot_[f] < 0) continue;
      if (!made) group_text_ = log_.unpack(stamp);
      made = true;
      texts_[slot_[f]] = group_text_;
    }
  });
  if (!ok) throw std::runtime_error("damaged field stamps in record_stamps");
  return texts_;
}

std::map<RecordKey, std::string> ChangeLog::all_packed_stamps() {
  std::map<RecordKey, std::string> out;
  Statement st(db_, "SELECT entity, uuid_text(record), stamps FROM record_stamps");
  while (st.step()) out.emplace(RecordKey{st.column_text(0), st.column_text(1)}, st.column_text(2));
  return out;
}

void ChangeLog::for_each_packed(
    const std::function<void(std::string_view, std::string_view, bool, std::string_view)>& fn) {
  // The record column as stored: a UUID's 16 bytes are not made into text (uuid_text) here.
  Statement st(db_,
               "SELECT entity, typeof(record) = 'blob' AND length(record) = 16, record, stamps FROM record_stamps");
  while (st.step()) {
    bool uuid = st.column_int(1) != 0;
    fn(st.column_view(0), st.column_view(2), uuid, st.column_view(3));
  }
}

bool ChangeLog::PackedView::load(std::string_view packed) {
  log_.load_names();
  if (generation_ != log_.names_generation_) {
    devices_.clear();
    fields_known_.clear();
    field_numbers_.clear();
    generation_ = log_.names_generation_;
  }
  if (++loads_ == 0) {  // wrapped: old marks could look current
    group_of_.clear();
    loads_ = 1;
  }
  used_ = 0;
  bool known = true;
  auto device_known = [&](int64_t no) {
    auto n = static_cast<std::size_t>(no);
    if (n < devices_.size() && devices_[n]) return true;
    auto it = log_.devices_.text.find(no);
    if (it == log_.devices_.text.end()) return false;
    if (devices_.size() <= n) devices_.resize(n + 1);
    devices_[n] = it->second;
    return true;
  };
  auto field_known = [&](int64_t no) {
    auto n = static_cast<std::size_t>(no);
    if (n < fields_known_.size() && fields_known_[n]) return true;
    if (!log_.fields_.text.count(no)) return false;
    if (fields_known_.size() <= n) fields_known_.resize(n + 1, 0);
    fields_known_[n] = 1;
    return true;
  };
  bool ok = parse_groups(packed, [&](const Stamp& stamp, std::span<const int64_t> fields) {
    if (!known) return;
    if (!device_known(stamp.device)) {
      known = false;
      return;
    }
    if (used_ == groups_.size()) groups_.emplace_back();
    Group& g = groups_[used_];
    g.wall = stamp.wall;
    g.counter = stamp.counter;
    g.device = stamp.device;
    g.made = false;
    for (int64_t f : fields) {
      if (!field_known(f)) {
        known = false;
        return;
      }
      auto n = static_cast<std::size_t>(f);
      if (group_of_.size() <= n) group_of_.resize(n + 1, {0, 0});
      group_of_[n] = {loads_, static_cast<uint32_t>(used_)};  // a later group wins, as in parse()
    }
    ++used_;
  });
  return ok && known;
}

std::string_view ChangeLog::PackedView::stamp(std::string_view field, std::size_t slot) {
  bool cached = slot != SIZE_MAX;
  if (cached && slot >= field_numbers_.size()) field_numbers_.resize(slot + 1, -1);
  int64_t no = cached ? field_numbers_[slot] : -1;
  if (no < 0) {
    auto found = log_.fields_.number.find(std::string(field));
    if (found == log_.fields_.number.end()) return {};  // no stored text names this field
    no = found->second;
    if (cached) field_numbers_[slot] = no;
  }
  auto n = static_cast<std::size_t>(no);
  if (n >= group_of_.size() || group_of_[n].first != loads_) return {};
  Group& g = groups_[group_of_[n].second];
  if (!g.made) {
    // As unpack(): HlcStamp{wall, counter, device}.to_string(), without its allocations.
    g.text.clear();
    HlcStamp::append_head(g.text, g.wall, static_cast<uint32_t>(g.counter));
    g.text += *devices_[static_cast<std::size_t>(g.device)];
    g.made = true;
  }
  return g.text;
}

FieldStamps ChangeLog::unpack_stamps(std::string_view text) {
  Packed packed;
  int64_t newest = 0;
  if (!parse(text, packed, newest)) throw std::runtime_error("damaged field stamps in record_stamps");
  return unpack(packed);
}

std::vector<RecordKey> ChangeLog::stamped_after(const std::string& since) {
  // Rows whose newest wall time is later are in; at the same wall time, the stamps decide.
  auto parsed = HlcStamp::parse(since);
  int64_t since_ms = parsed ? parsed->wall_ms : 0;
  Statement st(db_, "SELECT entity, uuid_text(record), newest_ms FROM record_stamps WHERE newest_ms >= ?1");
  st.bind(1, since_ms);
  std::vector<RecordKey> out;
  while (st.step()) {
    RecordKey key{st.column_text(0), st.column_text(1)};
    bool after = st.column_int(2) > since_ms;
    if (!after) {
      for (const auto& [field, stamp] : read_packed(key.first, key.second)) after = after || unpack(stamp) > since;
    }
    if (after) out.push_back(std::move(key));
  }
  return out;
}

}  // namespace kervan
