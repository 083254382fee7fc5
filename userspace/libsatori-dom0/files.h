// files.h: files the dom0 tools write for others to read (satori-scand's
// status file, satori-top's Prometheus text).
#pragma once

#include <string>

namespace satori {

// Writes text to path whole: to path.new, then renamed over path, so that
// a reader never sees half a file. False (errno set) on failure, with path
// as it was (path.new may be left behind).
bool WriteFileAtomically(const std::string &path, const std::string &text);

} // namespace satori
