// watch.h: new domains, as xenstore announces them (the @introduceDomain
// watch the toolstack fires when it has built a domain and written its
// name).
#pragma once

#include <memory>
#include <string>

struct xs_handle;

namespace satori::groupd {

class DomainWatch {
public:
  // Connects to xenstore and sets the watch; nullptr with *why on failure.
  // xenstore fires a new watch once at once, so the first Drain reports
  // an introduction: a caller places what is pending after setting it.
  static std::unique_ptr<DomainWatch> Open(std::string *why);
  ~DomainWatch();
  DomainWatch(const DomainWatch &) = delete;
  DomainWatch &operator=(const DomainWatch &) = delete;

  // Readable when events are queued (poll it).
  int Fd() const;
  // Takes every queued event; *introduced is set if there was any. False
  // with *why when the connection to xenstore failed.
  bool Drain(bool *introduced, std::string *why);

private:
  explicit DomainWatch(xs_handle *xs) : xs_(xs) {}
  xs_handle *xs_;
};

} // namespace satori::groupd
