// kervan: the command line face of the core.
//   kervan --db FILE call NAME ['JSON']   run one command, print its JSON reply
//   kervan --db FILE                      one JSON request per stdin line, one reply per line
//   kervan --db FILE --clock-from-requests
//                                         the same; a request's "at" (ISO time) sets the clock
//   kervan --db FILE commands             list the commands
//   kervan --db FILE export OUT.json [--since-peer DEVICE | --peer DEVICE]
//                                         write a sync file (all, or changes since the last one to DEVICE)
//   kervan --db FILE import IN.json [--dry-run]
//                                         merge a sync file, print the report
// Exit status: 0 on success, 1 when the (last) reply was an error, 2 on usage errors.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/core.hpp"

namespace {

int usage(const char* message) {
  std::fprintf(stderr,
               "kervan: %s\n"
               "usage: kervan --db FILE call NAME ['JSON']\n"
               "       kervan --db FILE commands\n"
               "       kervan --db FILE export OUT.json [--since-peer DEVICE | --peer DEVICE]\n"
               "       kervan --db FILE import IN.json [--dry-run]\n"
               "       kervan --db FILE < requests.jsonl   (one {\"command\": ..., \"args\": {...}, \"request_id\": optional} per line)\n"
               "       kervan --db FILE --clock-from-requests < requests.jsonl   (each request may add \"at\": ISO time)\n",
               message);
  return 2;
}

void print(const kervan::Json& reply) {
  // Invalid UTF-8 never gets this far (the core refuses it), but replace rather than throw.
  std::cout << reply.dump(-1, ' ', false, kervan::Json::error_handler_t::replace) << '\n';
}

// With --clock-from-requests, the core's wall clock reads the "at" of the latest request that
// had one (the system clock before the first): a generator can replay two years of history in
// a minute. Requests must come in time order; the hybrid clock never runs backwards, so an
// earlier "at" is stamped as the latest time seen.
struct RequestClock {
  std::shared_ptr<int64_t> at_ms = std::make_shared<int64_t>(0);
  kervan::WallClock wall() const {
    auto at = at_ms;
    auto system = kervan::system_wall_clock();
    return [at, system] { return *at ? *at : system(); };
  }
  // Takes "at" from a request line; an error reply when it is there but not a time.
  std::optional<kervan::Json> take(const std::string& line) const {
    if (line.find("\"at\"") == std::string::npos) return std::nullopt;
    kervan::Json request = kervan::Json::parse(line, nullptr, false);
    if (!request.is_object() || !request.contains("at")) return std::nullopt;  // the core explains
    const kervan::Json& at = request["at"];
    auto ms = at.is_string() ? kervan::parse_iso8601(at.get<std::string>()) : std::nullopt;
    if (!ms) {
      kervan::Json reply{{"error", {{"code", "invalid_value"}, {"message", "\"at\" must be an ISO 8601 time"}, {"field", "at"}}}};
      if (request.contains("request_id")) reply["request_id"] = request["request_id"];
      return reply;
    }
    *at_ms = *ms;
    return std::nullopt;
  }
};

// The text is held once while it is read record by record (a 100k-lead database exports about
// 550 MB with the CLI's indentation).
constexpr std::size_t kMaxSyncFileBytes = 2048ull * 1024 * 1024;

// export OUT.json [--since-peer DEVICE | --peer DEVICE]: the document goes to the file (written
// beside it first, then renamed), the summary to stdout.
int export_command(kervan::Core& core, int argc, char** argv, int i) {
  if (i >= argc) return usage("export needs an output file");
  std::string out_path = argv[i++];
  kervan::Json args = kervan::Json::object();
  while (i < argc) {
    std::string option = argv[i];
    if ((option == "--since-peer" || option == "--peer") && i + 1 < argc) {
      args[option == "--peer" ? "peer" : "since_peer"] = argv[i + 1];
      i += 2;
    } else {
      return usage(("unknown export option: " + option).c_str());
    }
  }
  // The document is streamed to the file as it is produced, never held whole in memory.
  std::string temp = out_path + ".part";
  std::ofstream file(temp, std::ios::binary | std::ios::trunc);
  if (!file) {
    std::fprintf(stderr, "kervan: cannot write %s\n", temp.c_str());
    return 1;
  }
  kervan::Json reply = core.export_sync(args, [&](std::string_view chunk) {
    file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!file) throw std::runtime_error("cannot write " + temp);
  }, 1);
  if (reply.contains("error")) {
    file.close();
    std::remove(temp.c_str());
    print(reply);
    return 1;
  }
  file << '\n';
  file.close();
  if (!file) {
    std::remove(temp.c_str());
    std::fprintf(stderr, "kervan: cannot write %s\n", temp.c_str());
    return 1;
  }
  if (std::rename(temp.c_str(), out_path.c_str()) != 0) {
    std::fprintf(stderr, "kervan: cannot write %s\n", out_path.c_str());
    return 1;
  }
  reply["file"] = out_path;
  print(reply);
  return 0;
}

// import IN.json [--dry-run]: prints the report; exit 1 when the file is refused.
int import_command(kervan::Core& core, int argc, char** argv, int i) {
  if (i >= argc) return usage("import needs an input file");
  std::string in_path = argv[i++];
  bool dry_run = false;
  for (; i < argc; ++i) {
    if (std::string(argv[i]) == "--dry-run") dry_run = true;
    else return usage(("unknown import option: " + std::string(argv[i])).c_str());
  }
  std::ifstream file(in_path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "kervan: cannot read %s\n", in_path.c_str());
    return 1;
  }
  file.seekg(0, std::ios::end);
  std::streamoff size = file.tellg();
  if (size < 0 || static_cast<uint64_t>(size) > kMaxSyncFileBytes) {
    std::fprintf(stderr, "kervan: %s is larger than 2 GB\n", in_path.c_str());
    return 1;
  }
  file.seekg(0, std::ios::beg);
  std::string content(static_cast<std::size_t>(size), '\0');
  if (!file.read(content.data(), size)) {
    std::fprintf(stderr, "kervan: cannot read %s\n", in_path.c_str());
    return 1;
  }
  kervan::Json reply = core.import_sync_text(content, dry_run);
  print(reply);
  return reply.contains("error") ? 1 : 0;
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
  std::optional<RequestClock> request_clock;
  if (i < argc && std::string(argv[i]) == "--clock-from-requests") {
    request_clock.emplace();
    ++i;
  }

  std::unique_ptr<kervan::Core> core;
  try {
    kervan::CoreOptions options;
    if (request_clock) options.wall_clock = request_clock->wall();
    core = std::make_unique<kervan::Core>(db_path, options);
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
  if (i < argc && std::string(argv[i]) == "export") return export_command(*core, argc, argv, i + 1);
  if (i < argc && std::string(argv[i]) == "import") return import_command(*core, argc, argv, i + 1);
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
    std::optional<kervan::Json> refused = request_clock ? request_clock->take(line) : std::nullopt;
    kervan::Json reply = refused ? *refused : core->call_request_line(line);
    last_failed = reply.contains("error");
    print(reply);
    std::cout.flush();
  }
  return last_failed ? 1 : 0;
}
