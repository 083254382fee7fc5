// xl_config.cc: see xl_config.h.
#include "xl_config.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>

namespace satori::ctl {
namespace {

// xl's default memory when the file sets none (libxl's default
// max_memkb).
constexpr uint64_t kXlDefaultMib = 32;
// Keys that hold more than this many MiB or vCPUs are not believed.
constexpr uint64_t kMaxMib = uint64_t{1} << 32;
constexpr uint64_t kMaxVcpus = 4096;

// A key's last setting: its value (a list is kept as "[...]") and where
// it was set ("line N" or "argument KEY=VALUE").
struct Setting {
  std::string value;
  bool list = false;
  std::string where;
};
using Settings = std::map<std::string, Setting>;

// Reads xl's statements from text into *out. Only what xl would refuse
// in a way we cannot step over (an unterminated string or list, a
// statement without '=') is an error.
class Reader {
public:
  Reader(const std::string &text, const std::string &argument)
      : s_(text), argument_(argument) {}

  bool Read(Settings *out, std::string *why) {
    for (;;) {
      SkipBlanks(true);
      if (pos_ >= s_.size())
        return true;
      if (s_[pos_] == ';') {
        ++pos_;
        continue;
      }
      size_t start = pos_;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
              s_[pos_] == '_' || s_[pos_] == '.'))
        ++pos_;
      std::string key = s_.substr(start, pos_ - start);
      SkipBlanks(false);
      if (pos_ < s_.size() && s_[pos_] == '+')
        ++pos_; // "+=" appends to a list; its value is read the same way
      if (key.empty() || pos_ >= s_.size() || s_[pos_] != '=') {
        *why = Where() + ": expected KEY = VALUE";
        return false;
      }
      ++pos_;
      SkipBlanks(false);
      Setting set;
      set.where = Where();
      if (!Value(&set, why))
        return false;
      (*out)[key] = set;
      SkipBlanks(false);
      if (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != ';') {
        *why = Where() + ": expected the end of the statement after " + key;
        return false;
      }
    }
  }

private:
  std::string Where() const {
    return argument_.empty() ? "line " + std::to_string(line_)
                             : "argument " + argument_;
  }

  // Spaces, tabs, comments; newlines too when newlines is set.
  void SkipBlanks(bool newlines) {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n')
          ++pos_;
      } else if (c == '\n' && newlines) {
        ++line_, ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else {
        return;
      }
    }
  }

  // A quoted string at pos_ (its quote included) into *out.
  bool Quoted(std::string *out, std::string *why) {
    char q = s_[pos_++];
    for (; pos_ < s_.size() && s_[pos_] != q && s_[pos_] != '\n'; ++pos_) {
      if (s_[pos_] == '\\' && q == '"' && pos_ + 1 < s_.size())
        ++pos_;
      *out += s_[pos_];
    }
    if (pos_ >= s_.size() || s_[pos_] != q) {
      *why = Where() + ": a string without its closing quote";
      return false;
    }
    ++pos_;
    return true;
  }

  bool Value(Setting *set, std::string *why) {
    if (pos_ >= s_.size()) {
      *why = Where() + ": a statement without a value";
      return false;
    }
    char c = s_[pos_];
    if (c == '"' || c == '\'')
      return Quoted(&set->value, why);
    if (c == '[') {
      set->list = true;
      for (int depth = 0; pos_ < s_.size();) {
        char d = s_[pos_];
        if (d == '"' || d == '\'') {
          std::string ignored;
          if (!Quoted(&ignored, why))
            return false;
          continue;
        }
        if (d == '#') {
          SkipBlanks(false);
          continue;
        }
        line_ += d == '\n';
        depth += d == '[' ? 1 : d == ']' ? -1 : 0;
        set->value += d;
        ++pos_;
        if (depth == 0)
          return true;
      }
      *why = set->where + ": a list without its closing ]";
      return false;
    }
    while (pos_ < s_.size() &&
           !std::isspace(static_cast<unsigned char>(s_[pos_])) &&
           s_[pos_] != ';' && s_[pos_] != '#')
      set->value += s_[pos_++];
    return true;
  }

  const std::string &s_;
  const std::string argument_;
  size_t pos_ = 0;
  unsigned line_ = 1;
};

// The number a key holds, as xl reads it (strtol, base 0: 0x hex).
bool Number(const Settings &s, const char *key, uint64_t max, uint64_t *out,
            std::string *why) {
  auto it = s.find(key);
  if (it == s.end())
    return true;
  const Setting &set = it->second;
  const std::string &v = set.value;
  char *end = nullptr;
  errno = 0;
  unsigned long long n = v.empty() || set.list || v[0] == '-' || v[0] == '+'
                             ? 0
                             : std::strtoull(v.c_str(), &end, 0);
  if (v.empty() || set.list || !end || *end || errno || n > max) {
    *why = std::string(key) + " (" + set.where + ") is not a number up to " +
           std::to_string(max) + ": " + v;
    return false;
  }
  *out = n;
  return true;
}

} // namespace

uint64_t CreateOverheadMib(uint64_t mib, uint64_t vcpus, uint64_t shadow_mib) {
  uint64_t pool = shadow_mib ? shadow_mib : vcpus + (mib + 127) / 128;
  return pool + 4;
}

std::vector<std::string> ConfigOverrides(const std::vector<std::string> &args) {
  std::vector<std::string> out;
  for (const std::string &a : args)
    if (!a.empty() && a[0] != '-' && a.find('=') != std::string::npos)
      out.push_back(a);
  return out;
}

bool ReadGuestMemory(const std::string &text,
                     const std::vector<std::string> &overrides, GuestMemory *m,
                     std::string *why) {
  Settings s;
  if (!Reader(text, "").Read(&s, why))
    return false;
  for (const std::string &o : overrides)
    if (!Reader(o, o).Read(&s, why))
      return false;
  *m = GuestMemory{};
  uint64_t memory = 0, maxmem = 0, vcpus = 0, maxvcpus = 0;
  if (!Number(s, "memory", kMaxMib, &memory, why) ||
      !Number(s, "maxmem", kMaxMib, &maxmem, why) ||
      !Number(s, "vcpus", kMaxVcpus, &vcpus, why) ||
      !Number(s, "maxvcpus", kMaxVcpus, &maxvcpus, why) ||
      !Number(s, "shadow_memory", kMaxMib, &m->shadow_mib, why))
    return false;
  // maxmem is the most the guest may hold; a maxmem below memory is xl's
  // error to report, and memory is what it would need then.
  if (s.count("maxmem") && maxmem >= memory) {
    m->mib = maxmem;
    m->key = "maxmem";
  } else if (s.count("memory")) {
    m->mib = memory;
    m->key = "memory";
  } else {
    m->mib = kXlDefaultMib;
  }
  m->vcpus = maxvcpus ? maxvcpus : vcpus ? vcpus : 1;
  m->overhead_mib = CreateOverheadMib(m->mib, m->vcpus, m->shadow_mib);
  return true;
}

} // namespace satori::ctl
