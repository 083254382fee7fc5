// files.cc: see files.h.
#include "files.h"

#include <cstdio>

namespace satori {

bool WriteFileAtomically(const std::string &path, const std::string &text) {
  std::string tmp = path + ".new";
  std::FILE *f = std::fopen(tmp.c_str(), "w");
  if (!f)
    return false;
  bool ok = std::fputs(text.c_str(), f) >= 0;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

} // namespace satori
