// command.h: satori-ctl's command line, parsed (no Xen needed: tested on
// any host), and its help, the one place what satori-ctl does is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace satori::ctl {

// The usage lines (bad usage prints them on stderr) and the whole help
// (--help prints it on stdout): commands, arguments, output, exit status.
extern const char kUsage[];
std::string HelpText();

enum class Verb {
  kHelp,
  kVersion, // -V, --version
  kGroup,
  kShow,
  kTake,
  kRepay,
  kMakeRoom,
  kOff,
  kOn,
  kCreate
};

// A domain as the command line names it: an id (all digits, as xl reads
// it, below Xen's reserved ids) or a name.
struct DomainArg {
  std::string text;
  std::optional<uint16_t> id;
};

struct Command {
  Verb verb = Verb::kHelp;
  std::string name;                // the verb as typed ("make-room")
  std::optional<DomainArg> domain; // group's, show's, take's, repay's,
                                   // off's, on's (none: the host)
  uint32_t group = 0;   // group: 0 .. SATORI_GROUP_MAX, alone or pending
  uint64_t frames = 0;  // take, repay: 1 .. SATORI_TAKE_MAX
  uint64_t mib = 0;     // make-room: 1 .. 9999999
  bool unshare = false; // off --unshare
  std::string config;   // create: the xl configuration file
  std::vector<std::string> xl_args; // create: xl create's other arguments
  bool json = false;                // --json: one JSON object on stdout
};

// Parses the arguments after the program name (getopt_long, operands in
// order). On bad usage returns false with *why, a line saying what is
// wrong (*c is then unspecified). --json may stand anywhere; -h or
// --help anywhere, or help as the command, asks for help (and wins over
// anything else), as -V or --version asks for the version; --unshare
// only right after off. A negative number is an operand (group g1 -1 is
// a bad group). create's arguments after CFG are xl's, passed on as they
// are (-h included).
bool ParseCommand(const std::vector<std::string> &args, Command *c,
                  std::string *why);

// The Satori interface minor version the command needs (1.MINOR).
unsigned MinorNeeded(Verb verb);

} // namespace satori::ctl
