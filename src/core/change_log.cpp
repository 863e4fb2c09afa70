#include "core/change_log.hpp"

#include <cstdio>
#include <random>

#include "core/database.hpp"

namespace kervan {

std::string new_uuid() {
  // One generator per process, seeded from the platform's entropy (crypto.getRandomValues
  // in the browser).
  static std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  uint64_t hi = generator();
  uint64_t lo = generator();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return format_uuid(hi, lo);
}

namespace {

// 64-bit FNV-1a over the name, then a splitmix64 finaliser to spread the bits.
uint64_t name_hash(std::string_view name, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h += 0x9e3779b97f4a7c15ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

}  // namespace

std::string format_uuid(uint64_t hi, uint64_t lo) {
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string derived_uuid(std::string_view name) {
  uint64_t hi = name_hash(name, 0x6b657276616e3031ULL);
  uint64_t lo = name_hash(name, 0x73796e635f696473ULL);
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000008000ULL;  // version 8: vendor-defined
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return format_uuid(hi, lo);
}

namespace {
// 0-15 for a lowercase hex digit, 16 for anything else.
struct HexDigits {
  unsigned char value[256];
  constexpr HexDigits() : value() {
    for (int c = 0; c < 256; ++c) value[c] = 16;
    for (int c = '0'; c <= '9'; ++c) value[c] = static_cast<unsigned char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) value[c] = static_cast<unsigned char>(c - 'a' + 10);
  }
};
constexpr HexDigits kHex;
constexpr std::size_t kUuidDigits[32] = {0,  1,  2,  3,  4,  5,  6,  7,  9,  10, 11, 12, 14, 15, 16, 17,
                                         19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35};
}  // namespace

bool is_uuid(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return false;
  unsigned bad = 0;
  for (std::size_t i : kUuidDigits) bad |= kHex.value[static_cast<unsigned char>(text[i])];
  return bad < 16;
}

bool uuid_bytes(std::string_view text, unsigned char (&out)[16]) {
  if (!is_uuid(text)) return false;
  for (std::size_t n = 0; n < 16; ++n) {
    out[n] = static_cast<unsigned char>(kHex.value[static_cast<unsigned char>(text[kUuidDigits[2 * n]])] * 16 +
                                        kHex.value[static_cast<unsigned char>(text[kUuidDigits[2 * n + 1]])]);
  }
  return true;
}

void uuid_chars(const unsigned char* bytes, char (&out)[36]) {
  static const char digits[] = "0123456789abcdef";
  std::size_t n = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[n++] = '-';
    out[n++] = digits[bytes[i] >> 4];
    out[n++] = digits[bytes[i] & 15];
  }
}

void ChangeLog::record_delete(std::string_view entity, std::string_view record_id, const HlcStamp& stamp) {
  drop_stamps(entity, record_id);
  Statement tomb(db_,
                 "INSERT INTO tombstones(entity, record_id, stamp) VALUES(?1, ?2, ?3) "
                 "ON CONFLICT(entity, record_id) DO UPDATE SET stamp = excluded.stamp");
  tomb.bind(1, entity).bind(2, record_id).bind(3, stamp.to_string()).run();
}

bool ChangeLog::is_deleted(std::string_view entity, std::string_view record_id) {
  Statement st(db_, "SELECT 1 FROM tombstones WHERE entity = ?1 AND record_id = ?2");
  st.bind(1, entity).bind(2, record_id);
  return st.step();
}

std::string ChangeLog::tombstone(std::string_view entity, std::string_view record_id) {
  Statement st(db_, "SELECT stamp FROM tombstones WHERE entity = ?1 AND record_id = ?2");
  st.bind(1, entity).bind(2, record_id);
  return st.step() ? st.column_text(0) : std::string();
}

void ChangeLog::merge_tombstone(std::string_view entity, std::string_view record_id, std::string_view stamp) {
  Statement st(db_,
               "INSERT INTO tombstones(entity, record_id, stamp) VALUES(?1, ?2, ?3) "
               "ON CONFLICT(entity, record_id) DO UPDATE SET stamp = max(stamp, excluded.stamp)");
  st.bind(1, entity).bind(2, record_id).bind(3, stamp).run();
}

}  // namespace kervan
