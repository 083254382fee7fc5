// page_table.cc: see page_table.h.
#include "page_table.h"

#include <urcu.h> // default flavour (membarrier); before rculfhash.h
#include <urcu/rculfhash.h>

#include <cstddef>
#include <new>

namespace satori {
namespace {

struct Node {
  cds_lfht_node node;
  rcu_head rcu;
  uint64_t key; // domid << 48 | gfn
  PageRecord record;
};

uint64_t KeyOf(uint16_t domid, uint64_t gfn) {
  return static_cast<uint64_t>(domid) << 48 | gfn;
}

// A 64-bit mix (splitmix64's finaliser): gfns are dense, buckets are not.
unsigned long HashOf(uint64_t key) {
  key ^= key >> 30;
  key *= 0xbf58476d1ce4e5b9ULL;
  key ^= key >> 27;
  key *= 0x94d049bb133111ebULL;
  key ^= key >> 31;
  return static_cast<unsigned long>(key);
}

int Match(cds_lfht_node *node, const void *key) {
  const Node *n = caa_container_of(node, Node, node);
  return n->key == *static_cast<const uint64_t *>(key);
}

void FreeNode(rcu_head *head) { delete caa_container_of(head, Node, rcu); }

} // namespace

PageTable::PageTable()
    : table_(cds_lfht_new(
          1024, 1024, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, nullptr)) {
  if (!table_)
    throw std::bad_alloc();
}

PageTable::~PageTable() {
  cds_lfht_iter it;
  cds_lfht_node *node;
  rcu_read_lock();
  cds_lfht_for_each(table_, &it, node) {
    if (!cds_lfht_del(table_, node))
      call_rcu(&caa_container_of(node, Node, node)->rcu, FreeNode);
  }
  rcu_read_unlock();
  // cds_lfht_destroy must not run inside a read-side section; the nodes
  // it no longer holds are freed after a grace period.
  rcu_barrier();
  cds_lfht_destroy(table_, nullptr);
}

PageRecord *PageTable::Find(uint16_t domid, uint64_t gfn) {
  uint64_t key = KeyOf(domid, gfn);
  cds_lfht_iter it;
  rcu_read_lock();
  cds_lfht_lookup(table_, HashOf(key), Match, &key, &it);
  cds_lfht_node *node = cds_lfht_iter_get_node(&it);
  rcu_read_unlock();
  // Safe after the unlock: only this (the scanning) thread frees nodes.
  return node ? &caa_container_of(node, Node, node)->record : nullptr;
}

PageRecord *PageTable::Insert(uint16_t domid, uint64_t gfn,
                              const PageRecord &r) {
  Node *n = new Node{};
  n->key = KeyOf(domid, gfn);
  n->record = r;
  rcu_read_lock();
  cds_lfht_node *got =
      cds_lfht_add_unique(table_, HashOf(n->key), Match, &n->key, &n->node);
  rcu_read_unlock();
  if (got != &n->node) {
    delete n;
    return &caa_container_of(got, Node, node)->record;
  }
  ++counts_[domid];
  return &n->record;
}

bool PageTable::Erase(uint16_t domid, uint64_t gfn) {
  uint64_t key = KeyOf(domid, gfn);
  cds_lfht_iter it;
  bool erased = false;
  rcu_read_lock();
  cds_lfht_lookup(table_, HashOf(key), Match, &key, &it);
  cds_lfht_node *node = cds_lfht_iter_get_node(&it);
  if (node && !cds_lfht_del(table_, node)) {
    call_rcu(&caa_container_of(node, Node, node)->rcu, FreeNode);
    erased = true;
  }
  rcu_read_unlock();
  if (erased) {
    auto c = counts_.find(domid);
    if (c != counts_.end() && --c->second == 0)
      counts_.erase(c);
  }
  return erased;
}

uint64_t PageTable::ForgetDomain(
    uint16_t domid, std::vector<std::pair<uint64_t, uint64_t>> *registered) {
  uint64_t dropped = 0;
  cds_lfht_iter it;
  cds_lfht_node *node;
  rcu_read_lock();
  cds_lfht_for_each(table_, &it, node) {
    Node *n = caa_container_of(node, Node, node);
    if ((n->key >> 48) == domid && !cds_lfht_del(table_, node)) {
      if (registered && n->record.registered)
        registered->emplace_back(n->key & ((1ULL << 48) - 1), n->record.hash);
      call_rcu(&n->rcu, FreeNode);
      ++dropped;
    }
  }
  rcu_read_unlock();
  counts_.erase(domid);
  return dropped;
}

uint64_t PageTable::Size() const {
  long before, after;
  unsigned long count;
  rcu_read_lock();
  cds_lfht_count_nodes(table_, &before, &count, &after);
  rcu_read_unlock();
  return count;
}

uint64_t PageTable::CountOf(uint16_t domid) const {
  auto c = counts_.find(domid);
  return c == counts_.end() ? 0 : c->second;
}

} // namespace satori
