// config.cc: see config.h.
#include "config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "groups.h"

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

namespace satori::groupd {
namespace {

constexpr char kIncoming[] = "--incoming";
constexpr char kDefault[] = "default";
constexpr size_t kMaxFileBytes = 1 << 20;
const char kGroups[] = "a number 0..2147483647 or alone";

std::vector<std::string> Words(const std::string &line) {
  std::vector<std::string> words;
  std::istringstream in(line.substr(0, line.find('#')));
  for (std::string w; in >> w;)
    words.push_back(w);
  return words;
}

} // namespace

std::string ConfiguredName(const std::string &domain_name) {
  const size_t n = sizeof(kIncoming) - 1;
  if (domain_name.size() > n && domain_name.ends_with(kIncoming))
    return domain_name.substr(0, domain_name.size() - n);
  return domain_name;
}

GroupsConfig::GroupsConfig() : default_group_(SATORI_GROUP_ALONE) {}

GroupsConfig GroupsConfig::Unusable(const std::string &file,
                                    const std::string &why) {
  GroupsConfig c;
  c.file_ = file;
  c.unusable_ = true;
  c.errors_.push_back(file + ": " + why + "; every domain is placed alone");
  return c;
}

GroupsConfig GroupsConfig::Parse(const std::string &file,
                                 const std::string &text) {
  if (text.find('\0') != std::string::npos)
    return Unusable(file, "not a text file (a NUL byte)");
  GroupsConfig c;
  c.file_ = file;
  std::istringstream in(text);
  unsigned line = 0;
  for (std::string l; std::getline(in, l);)
    c.ParseLine(++line, l);
  return c;
}

void GroupsConfig::Error(unsigned line, const std::string &what) {
  errors_.push_back(file_ + ":" + std::to_string(line) + ": " + what);
}

void GroupsConfig::ParseLine(unsigned line, const std::string &text) {
  std::vector<std::string> w = Words(text);
  if (w.empty())
    return;
  uint32_t group = SATORI_GROUP_ALONE;
  std::string problem;
  if (w.size() != 2)
    problem = std::string("want ") + (w[0] == kDefault ? kDefault : "NAME") +
              " GROUP, found " + std::to_string(w.size()) + " words";
  else if (!ParseGroup(w[1], &group))
    problem = "bad group \"" + w[1] + "\" (" + kGroups + ")";

  if (w[0] == kDefault) {
    if (default_line_) {
      problem = "a second default line (the first is line " +
                std::to_string(default_line_) + ")";
      default_group_ = SATORI_GROUP_ALONE;
    } else if (problem.empty()) {
      default_group_ = group;
    }
    default_line_ = line;
    if (!problem.empty())
      Error(line, problem + "; domains no line names are placed alone");
    return;
  }
  auto [it, inserted] = names_.try_emplace(w[0]);
  Entry &e = it->second;
  if (!inserted)
    problem =
        w[0] + " is named again (first on line " + std::to_string(e.line) + ")";
  e.line = line;
  e.group = problem.empty() ? group : SATORI_GROUP_ALONE;
  if (!problem.empty())
    Error(line, problem + "; " + w[0] + " is placed alone");
}

Placement GroupsConfig::Place(const std::string &domain_name) const {
  if (unusable_)
    return {SATORI_GROUP_ALONE, file_ + " (unusable)"};
  auto it = names_.find(ConfiguredName(domain_name));
  if (it == names_.end())
    return {default_group_, kDefault};
  return {it->second.group, file_ + ":" + std::to_string(it->second.line)};
}

std::string DomainLabel(uint32_t id, const std::string &name, bool named) {
  return "domain " + std::to_string(id) + (named ? " (" + name + ")" : "");
}

std::string PlacedMessage(const std::string &label, const Placement &p) {
  return "placed " + label + " in group " + GroupName(p.group) + " (from " +
         p.source + ")";
}

GroupsConfig LoadGroupsConfig(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return GroupsConfig::Unusable(path, std::strerror(errno));
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    text.append(buf, in.gcount());
    if (text.size() > kMaxFileBytes)
      return GroupsConfig::Unusable(path, "larger than 1 MiB");
  }
  if (in.bad())
    return GroupsConfig::Unusable(path, "read error");
  return GroupsConfig::Parse(path, text);
}

} // namespace satori::groupd
