#include "core/command.hpp"

namespace kervan {

void register_report_commands(CommandRegistry&) {}

}  // namespace kervan
