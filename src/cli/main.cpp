// kervan: the command line face of the core.
//   kervan --db FILE call NAME ['JSON']   run one command, print its JSON reply
//   kervan --db FILE                      one JSON request per stdin line, one reply per line
//   kervan --db FILE commands             list the commands
// Exit status: 0 on success, 1 when the (last) reply was an error, 2 on usage errors.
#include <cstdio>
#include <iostream>
#include <string>

#include "core/core.hpp"

namespace {

int usage(const char* message) {
  std::fprintf(stderr,
               "kervan: %s\n"
               "usage: kervan --db FILE call NAME ['JSON']\n"
               "       kervan --db FILE commands\n"
               "       kervan --db FILE < requests.jsonl   (one {\"command\": ..., \"args\": {...}, \"request_id\": optional} per line)\n",
               message);
  return 2;
}

void print(const kervan::Json& reply) {
  // Invalid UTF-8 never gets this far (the core refuses it), but replace rather than throw.
  std::cout << reply.dump(-1, ' ', false, kervan::Json::error_handler_t::replace) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  std::string db_path;
  int i = 1;
  if (i + 1 < argc && std::string(argv[i]) == "--db") {
    db_path = argv[i + 1];
    i += 2;
  }
  if (db_path.empty()) return usage("--db FILE is required");

  std::unique_ptr<kervan::Core> core;
  try {
    core = std::make_unique<kervan::Core>(db_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kervan: cannot open %s: %s\n", db_path.c_str(), e.what());
    return 1;
  }

  if (i < argc && std::string(argv[i]) == "call") {
    if (i + 1 >= argc) return usage("call needs a command name");
    std::string args = i + 2 < argc ? argv[i + 2] : "{}";
    if (i + 3 < argc) return usage("too many arguments (quote the JSON as one argument)");
    kervan::Json reply = core->call_text(argv[i + 1], args);
    print(reply);
    return reply.contains("error") ? 1 : 0;
  }
  if (i < argc && std::string(argv[i]) == "commands") {
    for (const auto* spec : core->registry().all()) {
      std::printf("%-22s %s%s\n", spec->name.c_str(), spec->summary.c_str(), spec->writes ? " [writes]" : "");
    }
    return 0;
  }
  if (i < argc) return usage(("unknown argument: " + std::string(argv[i])).c_str());

  std::ios::sync_with_stdio(false);
  std::string line;
  bool last_failed = false;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    kervan::Json reply = core->call_request_line(line);
    last_failed = reply.contains("error");
    print(reply);
    std::cout.flush();
  }
  return last_failed ? 1 : 0;
}
