// config.h: satori-groupd's groups file, parsed, and the placement it
// gives a domain by name (no Xen needed: tested on any host).
//
// The file (default /etc/satori/groups.conf) has a line per domain name:
//
//   # comments run from '#' to the end of the line
//   web1     7        # NAME GROUP: GROUP is 0..2147483647 or alone
//   db       alone
//   default  3        # domains no line names (alone without this line)
//
// Contract: a domain is placed in a group only by a well-formed line that
// names it alone, or by a well-formed `default` line when no line names
// it. Anything wrong places alone whatever it touches: a malformed line
// (its first word is the name it meant), a name given twice, a malformed
// or second `default` line (then every domain not named), and a file that
// cannot be read or is not text (then every domain). Never grouped by
// accident. Each problem is one message "FILE:LINE: what is wrong".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace satori::groupd {

// The name a domain is configured by: xl names the receiving side of a
// live migration NAME--incoming until the migration ends; that is NAME.
std::string ConfiguredName(const std::string &domain_name);

// Where a domain goes, and why: source is "FILE:LINE" (the line that
// names it, well-formed or not), "default" (no line names it), or
// "FILE (unusable)" (the file as a whole could not be used).
struct Placement {
  uint32_t group = 0; // 0 .. SATORI_GROUP_MAX or SATORI_GROUP_ALONE
  std::string source;
};

class GroupsConfig {
public:
  // The file could not be read: every domain is placed alone; why is
  // its one error ("FILE: why").
  static GroupsConfig Unusable(const std::string &file, const std::string &why);
  // Parses text, the file's whole contents (file names it in messages).
  // A NUL byte makes the whole file unusable (not a text file).
  static GroupsConfig Parse(const std::string &file, const std::string &text);

  // The placement of the domain named domain_name (suffix and all).
  Placement Place(const std::string &domain_name) const;

  // Every problem found, in file order, "FILE:LINE: what is wrong; who is
  // placed alone". Empty: the file is clean.
  const std::vector<std::string> &Errors() const { return errors_; }
  // The names the file places (malformed lines' names included).
  size_t Names() const { return names_.size(); }
  // The group of domains no line names (SATORI_GROUP_ALONE without a
  // well-formed default line).
  uint32_t DefaultGroup() const { return default_group_; }
  const std::string &File() const { return file_; }

private:
  struct Entry {
    uint32_t group = 0; // SATORI_GROUP_ALONE when bad
    unsigned line = 0;  // the last line that named it
  };
  std::string file_;
  bool unusable_ = false;
  std::map<std::string, Entry> names_;
  uint32_t default_group_;
  unsigned default_line_ = 0;
  std::vector<std::string> errors_;

  GroupsConfig();
  void ParseLine(unsigned line, const std::string &text);
  void Error(unsigned line, const std::string &what);
};

// "domain ID (NAME)", or "domain ID" for a domain xenstore has no name
// for: how the log names a domain.
std::string DomainLabel(uint32_t id, const std::string &name, bool named);
// The log line of a placement (after "satori-groupd: "): "placed domain
// ID (NAME) in group GROUP (from SOURCE)"; lab tests parse it.
std::string PlacedMessage(const std::string &label, const Placement &p);

// Reads path and parses it; a file that cannot be read (or is larger
// than 1 MiB) is Unusable.
GroupsConfig LoadGroupsConfig(const std::string &path);

} // namespace satori::groupd
