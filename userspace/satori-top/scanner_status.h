// scanner_status.h: satori-scand's status file, as satori-top reads it.
//
// satori-scand (dom0/satori-scand) rewrites its status file whole every
// second. The scanner counts as running when the file parses and the
// process it names is alive; a stale file of a stopped daemon reads as
// not running.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace satori {

struct ScannerStatus {
  bool running = false;
  uint64_t rate = 0;             // pages per second it is set to
  std::vector<uint32_t> domains; // the guests it scans now
  bool idle = false;             // waiting: nothing to scan, or nothing changed
  uint64_t passes = 0, scanned = 0, registered = 0, merged = 0,
           released = 0; // cumulative since it started
  double cpu_s = 0;      // CPU seconds it used
};

// The default status file of satori-scand.
inline constexpr const char *kScannerStatusPath = "/run/satori-scand.json";

// Reads path. A missing, malformed or stale file gives running = false
// (and no error: the scanner is optional).
ScannerStatus ReadScannerStatus(const std::string &path);

// Parses the file's text; pid_alive says whether its pid runs.
ScannerStatus ParseScannerStatus(const std::string &text,
                                 bool (*pid_alive)(long pid));

} // namespace satori
