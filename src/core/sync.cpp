#include "core/command.hpp"

namespace kervan {

void register_sync_commands(CommandRegistry&) {}

}  // namespace kervan
