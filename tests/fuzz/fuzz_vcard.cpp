// libFuzzer target: the vCard reader behind import.vcard. Findings: a crash, a sanitizer
// report, an exception other than CommandError, more cards or properties than the limits
// allow, and unescape/escape not reading back what they wrote (line breaks become LF).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/command.hpp"
#include "core/vcard.hpp"
#include "fuzz_support.hpp"

using kervan::fuzz::fail;

namespace {

// escape() writes every line break (CRLF, CR, LF) as \n, which reads back as LF.
std::string with_lf_breaks(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += '\n';
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  kervan::vcard::Limits limits;
  limits.max_cards = 200;
  limits.max_line_bytes = 8192;
  limits.max_properties = 100;
  try {
    auto cards = kervan::vcard::parse(bytes, limits, "file");
    if (cards.size() > limits.max_cards) fail("more cards than the limit");
    for (const auto& card : cards) {
      if (card.properties.size() > limits.max_properties) fail("more properties than the limit");
      for (const auto& property : card.properties) {
        std::string text = kervan::vcard::unescape(property.value);
        if (kervan::vcard::unescape(kervan::vcard::escape(text)) != with_lf_breaks(text)) fail("escape does not read back");
      }
    }
  } catch (const kervan::CommandError&) {
    // Refused with a reason naming the line.
  } catch (...) {
    fail("an exception other than CommandError");
  }
  return 0;
}
