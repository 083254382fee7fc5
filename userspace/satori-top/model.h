// model.h: what satori-top shows, independent of where it comes from and
// of how it is drawn.
//
// A Snapshot is one reading of the hypervisor's counters and the
// toolstack's domain list. A View turns two snapshots into rows with
// rates, credits and a sort order; text, JSON and Prometheus renderings
// are built from a View. Columns are data (Columns()): a new Satori
// feature adds its column by adding one entry there, and every output
// shows it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domains.h"
#include "groups.h"
#include "scanner_status.h"

extern "C" {
#include "satori.h"
}

namespace satori {

struct DomainSample {
  DomainInfo info;
  satori_domain_stats stats{};
  satori_volatile_stats vol{}; // entitlement, volatile frames (1.3)
};

struct Snapshot {
  double time_s = 0; // monotonic seconds
  satori_host_stats host{};
  satori_volatile_stats host_vol{}; // the host's repayment sums (1.4)
  uint32_t query_flags = 0; // SATORI_OP_query's SATORI_QUERY_F_* for dom0
  std::vector<DomainSample> domains;
  ScannerStatus scanner; // satori-scand, if it runs
};

struct Row {
  DomainSample now;
  double cow_per_s = 0;        // copy-on-write breaks per second
  double registered_per_s = 0; // pages registered per second
  double merged_per_s = 0;
};

struct Column {
  const char *key;    // JSON / Prometheus name, sort key
  const char *header; // screen header
  int width;
  const char *help;
  std::function<double(const Row &)> value;
  bool is_rate = false; // per second; Prometheus leaves rates out
  // Text and screen rendering of value; unset: by unit (sizes for
  // *_bytes, one decimal for rates, whole numbers otherwise). JSON and
  // Prometheus always carry the number, in base units (bytes, ratios).
  std::function<std::string(double)> text = nullptr;
  // Counts since the domain started (never goes down while it lives):
  // a Prometheus counter, its name ending in _total.
  bool cumulative = false;
};

// Every per-domain column, in screen order (after ID and NAME). GROUP is
// the domain's trust group: "alone" on screen, SATORI_GROUP_ALONE
// (4294967295) in JSON and Prometheus; "pending" (not placed yet),
// SATORI_GROUP_PENDING (4294967294). RUN is the domain's run state. ZERO
// is its pages backed by a zero frame now (reported free, or merged as all
// zeros; interface 1.9).
const std::vector<Column> &Columns();
// The column named key, or nullptr.
const Column *FindColumn(const std::string &key);

struct View {
  Snapshot now;
  double interval_s = 0;    // 0 when there is no previous snapshot
  double saved_bytes = 0;   // host: memory freed by sharing
  double saved_per_s = 0;   // bytes per second
  double sharing_ratio = 0; // guest pages backed by shared frames per frame
  std::vector<Row> rows;
};

// Rates need a previous snapshot (nullptr: rates are 0). Domains are
// matched by id; one that appeared since prev gets rates from zero.
// ENTITLED is the hypervisor's own exact account: a frame shared by k
// guest pages saves k - 1 frames, credited (k - 1) / k to each page's
// domain (xen/common/satori/credit.c).
View MakeView(const Snapshot &now, const Snapshot *prev);

// Orders rows by the column key (or "id", "name"), largest first unless
// reverse. Ties keep domain id order. Unknown key: false, rows unchanged.
bool SortRows(View *view, const std::string &key, bool reverse);

// Plain text, as `top -b` prints it: host lines, then a table.
std::string FormatText(const View &view);
// One JSON object, on one line.
std::string FormatJson(const View &view);
// Prometheus text exposition format: the host's figures, the scanner's
// and a sample per domain and column (rates left out: Prometheus takes
// them itself); cumulative figures are counters named *_total.
std::string FormatPrometheus(const View &view);

// How one reading for node_exporter's textfile collector went.
struct ScrapeStatus {
  bool up = false;       // Satori answered (Hypervisor::Open succeeded)
  int status = 0;        // else why: satori-top's exit status for it, 3..9
  bool success = false;  // the snapshot was read whole (then a View exists)
  double duration_s = 0; // how long the reading took
};
// The file satori-top --textfile (and --prometheus) writes: satori_up,
// satori_scrape_success, satori_scrape_status,
// satori_scrape_duration_seconds and satori_build_info, always, then
// FormatPrometheus(*view). REQUIRES: view is non-null iff s.success.
std::string FormatTextfile(const ScrapeStatus &s, const View *view);

// Human-readable bytes: "512K", "3.4M", "1.2G" (binary units).
std::string HumanBytes(double bytes);

} // namespace satori
