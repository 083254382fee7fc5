// scanner_status.cc: see scanner_status.h.
#include "scanner_status.h"

#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace satori {
namespace {

bool Alive(long pid) {
  return pid > 0 && kill(static_cast<pid_t>(pid), 0) == 0;
}

} // namespace

ScannerStatus ParseScannerStatus(const std::string &text,
                                 bool (*pid_alive)(long pid)) {
  ScannerStatus s;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return s;
  try {
    if (!pid_alive(j.at("pid").get<long>()))
      return s;
    s.rate = j.at("rate").get<uint64_t>();
    s.domains = j.at("domains").get<std::vector<uint32_t>>();
    s.idle = j.at("idle").get<bool>();
    s.passes = j.at("passes").get<uint64_t>();
    s.scanned = j.at("scanned").get<uint64_t>();
    s.registered = j.at("registered").get<uint64_t>();
    s.merged = j.at("merged").get<uint64_t>();
    s.released = j.at("released").get<uint64_t>();
    s.cpu_s = j.at("cpu_s").get<double>();
  } catch (const nlohmann::json::exception &) {
    return ScannerStatus{};
  }
  s.running = true;
  return s;
}

ScannerStatus ReadScannerStatus(const std::string &path) {
  std::ifstream f(path);
  if (!f)
    return ScannerStatus{};
  std::stringstream text;
  text << f.rdbuf();
  return ParseScannerStatus(text.str(), Alive);
}

} // namespace satori
