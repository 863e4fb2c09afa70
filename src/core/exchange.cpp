#include "core/command.hpp"

namespace kervan {

void register_exchange_commands(CommandRegistry&) {}

}  // namespace kervan
