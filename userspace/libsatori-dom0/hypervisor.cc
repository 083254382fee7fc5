// hypervisor.cc: see hypervisor.h.
#include "hypervisor.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

extern "C" {
#include <xencall.h>
#include <xentoollog.h>
}

namespace satori {
namespace {

bool IsDom0() {
  std::ifstream caps("/proc/xen/capabilities");
  std::string s((std::istreambuf_iterator<char>(caps)),
                std::istreambuf_iterator<char>());
  return s.find("control_d") != std::string::npos;
}

} // namespace

template <typename T> int Hypervisor::Call(unsigned int cmd, T *arg) {
  // The hypervisor reads and writes the argument in place: it must sit in
  // a buffer libxencall keeps mapped and locked for hypercalls.
  void *buf = xencall_alloc_buffer(xcall_, sizeof(T));
  if (!buf)
    return -ENOMEM;
  std::memcpy(buf, arg, sizeof(T));
  int rc = xencall2(xcall_, __HYPERVISOR_satori_op, cmd,
                    reinterpret_cast<uint64_t>(buf));
  if (rc < 0)
    rc = -errno;
  else
    std::memcpy(arg, buf, sizeof(T));
  xencall_free_buffer(xcall_, buf);
  return rc;
}

std::unique_ptr<Hypervisor> Hypervisor::Open(Unavailable *why,
                                             std::string *message) {
  // libxencall would print its own error on a machine without Xen; the
  // message below says it better, so it logs critical errors only.
  static xentoollog_logger_stdiostream *quiet =
      xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);
  xencall_handle *h = xencall_open(reinterpret_cast<xentoollog_logger *>(quiet),
                                   XENCALL_OPENFLAG_NON_REENTRANT);
  if (!h) {
    int err = errno;
    if (err == EACCES || err == EPERM) {
      *why = Unavailable::kNoPermission;
      *message = "no permission to open /dev/xen/privcmd (run as root)";
    } else {
      *why = Unavailable::kNotXen;
      *message = "not running on Xen (no /dev/xen/privcmd): " +
                 std::string(std::strerror(err));
    }
    return nullptr;
  }
  std::unique_ptr<Hypervisor> hv(new Hypervisor(h));
  if (!IsDom0()) {
    *why = Unavailable::kNotDom0;
    *message = "not in dom0: Satori's host view needs the control domain";
    return nullptr;
  }
  satori_query q{};
  int rc = hv->Query(&q);
  if (rc == -ENOSYS) {
    *why = Unavailable::kCompiledOut;
    *message = "the hypervisor has no Satori (built without CONFIG_SATORI)";
    return nullptr;
  }
  if (rc) {
    *why = Unavailable::kNotXen;
    *message = "Satori query failed: " + std::string(std::strerror(-rc));
    return nullptr;
  }
  if ((q.interface_version >> 16) != SATORI_INTERFACE_MAJOR) {
    std::ostringstream m;
    m << "hypervisor speaks Satori interface " << (q.interface_version >> 16)
      << "." << (q.interface_version & 0xffff) << ", this tool "
      << SATORI_INTERFACE_MAJOR << "." << SATORI_INTERFACE_MINOR;
    *why = Unavailable::kVersion;
    *message = m.str();
    return nullptr;
  }
  if (!(q.flags & SATORI_QUERY_F_ENABLED)) {
    *why = Unavailable::kOff;
    *message = (q.flags & SATORI_QUERY_F_BAD_PARAM)
                   ? "Satori is off: the satori= boot parameter is malformed"
                   : "Satori is off (boot Xen with satori=on)";
    return nullptr;
  }
  hv->version_ = q.interface_version;
  *why = Unavailable::kNone;
  return hv;
}

Hypervisor::~Hypervisor() { xencall_close(xcall_); }

int Hypervisor::Query(satori_query *q) {
  *q = satori_query{};
  return Call(SATORI_OP_query, q);
}

int Hypervisor::HostStats(satori_host_stats *s) {
  *s = satori_host_stats{};
  return Call(SATORI_OP_host_stats, s);
}

int Hypervisor::DomainStats(uint16_t domid, satori_domain_stats *s) {
  *s = satori_domain_stats{};
  s->domid = domid;
  return Call(SATORI_OP_domain_stats, s);
}

int Hypervisor::GroupOp(uint16_t domid, uint32_t group, uint32_t flags) {
  satori_group_op op{};
  op.domid = domid;
  op.group = group;
  op.flags = flags;
  return Call(SATORI_OP_set_group, &op);
}

int Hypervisor::SetGroup(uint16_t domid, uint32_t group) {
  return GroupOp(domid, group, 0);
}

int Hypervisor::PlaceGroup(uint16_t domid, uint32_t group) {
  return GroupOp(domid, group, SATORI_GROUP_F_PLACE);
}

int Hypervisor::SetRun(uint16_t domid, uint32_t run, uint64_t *unshared) {
  satori_run_op op{};
  op.domid = domid;
  op.run = run;
  int rc = Call(SATORI_OP_set_run, &op);
  *unshared = rc ? 0 : op.unshared;
  return rc;
}

int Hypervisor::VolatileStats(uint16_t domid, satori_volatile_stats *s) {
  *s = satori_volatile_stats{};
  s->domid = domid;
  return Call(SATORI_OP_volatile_stats, s);
}

int Hypervisor::Take(uint16_t domid, uint64_t frames, uint64_t *taken) {
  satori_take_op op{};
  op.domid = domid;
  op.frames = frames;
  int rc = Call(SATORI_OP_volatile_take, &op);
  *taken = rc ? 0 : op.taken;
  return rc;
}

int Hypervisor::Ask(uint16_t domid, uint64_t frames, uint64_t *asked) {
  satori_take_op op{};
  op.domid = domid;
  op.frames = frames;
  int rc;
  if ((version_ & 0xffff) >= 6) {
    rc = Call(SATORI_OP_volatile_ask, &op);
  } else {
    op.flags = SATORI_RECLAIM_REPAY; // how 1.4 and 1.5 ask
    rc = Call(SATORI_OP_volatile_take, &op);
  }
  *asked = rc ? 0 : op.taken;
  return rc;
}

int Hypervisor::Batch(unsigned int cmd, uint16_t domid,
                      const satori_page *pages, uint32_t nr,
                      satori_batch_op *op) {
  if (nr == 0 || nr > SATORI_BATCH_MAX)
    return -EINVAL;
  // The entries, like the argument, must sit in a hypercall buffer.
  void *buf = xencall_alloc_buffer(xcall_, nr * sizeof(*pages));
  if (!buf)
    return -ENOMEM;
  std::memcpy(buf, pages, nr * sizeof(*pages));
  *op = satori_batch_op{};
  op->domid = domid;
  op->nr = nr;
  op->pages = reinterpret_cast<uint64_t>(buf);
  int rc = Call(cmd, op);
  xencall_free_buffer(xcall_, buf);
  return rc;
}

int Hypervisor::RegisterPages(uint16_t domid, const satori_page *pages,
                              uint32_t nr, uint32_t *done, uint32_t *shared) {
  satori_batch_op op;
  int rc = Batch(SATORI_OP_register, domid, pages, nr, &op);
  *done = rc ? 0 : op.done;
  *shared = rc ? 0 : op.shared;
  return rc;
}

int Hypervisor::ReleasePages(uint16_t domid, const satori_page *pages,
                             uint32_t nr, uint32_t *done) {
  satori_batch_op op;
  int rc = Batch(SATORI_OP_release, domid, pages, nr, &op);
  *done = rc ? 0 : op.done;
  return rc;
}

} // namespace satori
