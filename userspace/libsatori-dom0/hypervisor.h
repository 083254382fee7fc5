// hypervisor.h: the Satori hypercall interface, as dom0 userspace sees it.
//
// One Hypervisor per process; it opens privcmd through libxencall and
// issues __HYPERVISOR_satori_op with arguments in hypercall-safe buffers.
// Every call returns 0 or a negative errno exactly as the hypervisor gave
// it (see public/satori.h for what each sub-op guarantees). Part of the
// dom0 library every dom0 tool links (satori_dom0, userspace/libsatori-dom0).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

extern "C" {
#include "satori.h" // hv-hooks/xen/include/public/satori.h
}

struct xencall_handle;

namespace satori {

// Why Satori cannot be read on this machine; each maps to an exit status.
enum class Unavailable {
  kNone = 0,
  kNotXen = 3,       // no Xen, or no privcmd (not a Xen domain)
  kNotDom0 = 4,      // a Xen guest, but not the control domain
  kNoPermission = 5, // privcmd exists but this user may not open it
  kCompiledOut = 6,  // the hypervisor has no Satori hypercall
  kOff = 7,          // Satori is built in but booted satori=off
  kVersion = 8,      // the hypervisor speaks another major version
};

class Hypervisor {
public:
  // Opens the interface and checks that Satori is on and speaks our major
  // version. On failure returns nullptr with *why and a message to show.
  static std::unique_ptr<Hypervisor> Open(Unavailable *why,
                                          std::string *message);
  ~Hypervisor();
  Hypervisor(const Hypervisor &) = delete;
  Hypervisor &operator=(const Hypervisor &) = delete;

  // q->flags: SATORI_QUERY_F_* as Xen gives them to dom0 (from 1.9
  // SATORI_QUERY_F_REPORT: free-page reporting is on).
  int Query(satori_query *q);
  // The stats calls zero *s first, so a field newer than the hypervisor's
  // minor reads 0 (before 1.9: zero_frames, zero_gfns, reported,
  // zero_breaks of the host; zero, reported, zero_breaks of a domain).
  int HostStats(satori_host_stats *s);
  // domid SATORI_DOMID_SELF or any domain; -ESRCH if it does not exist.
  int DomainStats(uint16_t domid, satori_domain_stats *s);
  // Puts domid in trust group group (0 .. SATORI_GROUP_MAX,
  // SATORI_GROUP_ALONE, or from 1.8 SATORI_GROUP_PENDING); interface 1.2.
  // -EBUSY once the domain holds index entries or shared pages, -ESRCH no
  // such domain, -EINVAL a bad group.
  int SetGroup(uint16_t domid, uint32_t group);
  // As SetGroup, but only while domid is SATORI_GROUP_PENDING
  // (SATORI_GROUP_F_PLACE, interface 1.8): -EEXIST, nothing changed, if
  // it was placed meanwhile (by an operator's SetGroup, say).
  int PlaceGroup(uint16_t domid, uint32_t group);
  // Turns Satori off or on (SATORI_OP_set_run, interface 1.8) for domid,
  // or SATORI_DOMID_ANY for the host: run is SATORI_RUN_STOP, _ON or
  // _UNSHARE. One call does all the work (Xen continues the hypercall
  // itself); *unshared is the gfns given a private copy (0 on error).
  // -ENOMEM: the free heap cannot hold the unshared pages (nothing
  // changed, or, if memory was taken meanwhile, stopped part way: calling
  // again goes on); -ESRCH no such domain.
  int SetRun(uint16_t domid, uint32_t run, uint64_t *unshared);
  // domid's entitlement and volatile frames (interface 1.3; -EOPNOTSUPP
  // from a 1.2 hypervisor).
  int VolatileStats(uint16_t domid, satori_volatile_stats *s);
  // Takes up to frames (1 .. SATORI_TAKE_MAX) volatile frames back at
  // once, from domid or (SATORI_DOMID_ANY) whoever should give first;
  // *taken says how many (interface 1.3; SATORI_OP_volatile_take, spelled
  // _reclaim before 1.6).
  int Take(uint16_t domid, uint64_t frames, uint64_t *taken);
  // Asks for up to frames volatile frames back with a deadline: from
  // domid or (SATORI_DOMID_ANY) spread over the domains that hold them;
  // *asked says how many were asked for. Interface 1.4:
  // SATORI_OP_volatile_ask from 1.6 on, before it _take with
  // SATORI_RECLAIM_REPAY.
  int Ask(uint16_t domid, uint64_t frames, uint64_t *asked);

  // Registers (SATORI_OP_register) or releases (SATORI_OP_release) nr
  // pages of domid, 1 <= nr <= SATORI_BATCH_MAX: dom0 on a guest's behalf
  // (satori-scand). On success *done and *shared are what Xen returned
  // (shared: register only). A bad entry fails the whole batch with
  // -EINVAL and changes nothing (see public/satori.h).
  int RegisterPages(uint16_t domid, const satori_page *pages, uint32_t nr,
                    uint32_t *done, uint32_t *shared);
  int ReleasePages(uint16_t domid, const satori_page *pages, uint32_t nr,
                   uint32_t *done);

  // The interface version the hypervisor gave when opened (major << 16 |
  // minor); the major is ours, the minor says which sub-ops it has.
  uint32_t InterfaceVersion() const { return version_; }

private:
  explicit Hypervisor(xencall_handle *h) : xcall_(h) {}
  template <typename T> int Call(unsigned int cmd, T *arg);
  int GroupOp(uint16_t domid, uint32_t group, uint32_t flags);
  int Batch(unsigned int cmd, uint16_t domid, const satori_page *pages,
            uint32_t nr, satori_batch_op *op);
  xencall_handle *xcall_;
  uint32_t version_ = 0;
};

} // namespace satori
