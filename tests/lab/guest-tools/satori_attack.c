/*
 * satori_attack: a hostile guest's attacks on the Satori hypercall.
 *
 * Every Satori sub-op is reachable by a guest's root, and the design
 * promises (docs/design.md, "Invariants") that nothing such a guest
 * passes can reach a BUG() or a lock-order violation in Xen, hold a
 * physical CPU for long, make Xen allocate memory charged to nobody,
 * change what another guest reads, or let the guest hold more than its
 * allocation. This program is that guest's root. It runs in a lab PVH
 * guest booted with xen_privcmd.unrestricted=1 and issues
 * __HYPERVISOR_satori_op (and a few memory_op sub-ops) through
 * /dev/xen/privcmd, as its own kernel could.
 *
 * What it knows about memory: a locked user page stays at one pfn, which
 * /proc/self/pagemap gives (root), and in a PVH guest that pfn is the gfn
 * Xen knows. Page-cache pages of a file are found the same way through a
 * locked read-only shared mapping; other guests that read the same file
 * from their copy of the disk have registered (and shared) the same
 * content. A "true" hash is xxh64 (seed 0) of the 4 KiB with the top bit
 * cleared: the hash the Satori guest kernel registers (satori_hash()), so
 * that this program's entries meet the other guests' ones in Xen's index.
 *
 * The attacks, one subcommand each:
 *
 *   fuzz [CALLS [SEED [FILE...]]]
 *	At least CALLS (default 1000000) hypercalls, the racer's included,
 *	deterministic from SEED (the racer's share depends on scheduling):
 *	register and release batches mixing own locked pages (equal pairs,
 *	random bytes, zero pages, copies of FILE pages) under true, lying and
 *	pooled hashes, FILE page-cache pages, guest RAM the program does not
 *	own, gfns out of range, duplicates, one gfn under many hashes; bad
 *	batch headers (nr, pad, reserved, domids, pointers to nothing, to
 *	the kernel, to read-only pages, across an unmapped page); the stats,
 *	query and set_group sub-ops with bad arguments; unknown sub-ops. A
 *	forked racer registers and releases the same gfns meanwhile and puts,
 *	gets, flushes and repays volatile frames (on a guest with two vCPUs,
 *	inside Xen at the same time as the main loop), and
 *	every 4096 calls the program writes to one of its pages (breaking a
 *	merge copy-on-write). At the end it releases every (gfn, hash) it may
 *	have left in the index and checks each own page holds exactly what it
 *	last wrote there.
 *   crossshare FILE
 *	For up to 64 pages of FILE (already shared with other guests): a
 *	fresh copy Y registered under a random hash H, then the file page
 *	registered under H, so that the merge Xen is asked for has a frame
 *	shared with other domains as its client (a lock-order crash before
 *	Xen refused that direction). Then writes every Y and checks the file
 *	still reads as before.
 *   pile [PAGES]
 *	PAGES (default 20000) equal pages merged onto one frame, then that
 *	frame made the client of a share with a fresh copy: unless Xen
 *	bounds it, a reverse-map walk as long as the pile in one hypercall.
 *   squat FILE [HOLD] and liar FILE [HOLD]
 *	Garbage pages registered under the true hashes of FILE's pages,
 *	before (squat) or after (liar, three times over) the other guests
 *	read FILE. With HOLD, a child keeps the garbage mapped HOLD seconds
 *	after the program ends.
 *   oracle FILE...
 *	Exact copies of the files' distinct pages that are not one repeated
 *	byte (read with O_DIRECT, past this guest's page cache) registered
 *	under their true hashes: how many merge says whether other domains
 *	of this guest's trust group hold the files, and must say nothing
 *	about other groups.
 *   pool [PAIRS]
 *	Gives 4096 of its pages back to Xen (for room under max_pages),
 *	empties the domain's paging pool (one page populated in each of
 *	many new 2 MiB regions, each needing a new p2m table), then
 *	registers PAIRS (default 256) pairs of equal pages: nominating a
 *	gfn inside a superpage must split it, and the split finds no pool
 *	page (a BUG_ON in nominate_page() before hv-hooks patch 0005).
 *	Afterwards the domain's p2m can no longer grow: run it last.
 *   hoard PAIRS [HOLD]
 *	2 * PAIRS pages merged pairwise (an entitlement of about PAIRS
 *	frames), then PAIRS volatile puts (as many frames as Xen lends); with
 *	HOLD, a child keeps the pages mapped HOLD seconds after the program
 *	ends, so the entitlement and the volatile frames stay: dom0 then
 *	takes them by force and destroys the domain (bounded steps in Xen).
 *   watch PAIRS [SECONDS [HOLD]]
 *	The cross-group observer: 2 * PAIRS pages merged pairwise (an
 *	entitlement of PAIRS frames in this guest's own trust group), then
 *	rounds until SIGTERM (or SECONDS, default 3600): flush every key,
 *	put PAIRS keys (more than it may hold), read its volatile counters.
 *	Each round's view (frames held after the put, entitlement, owed,
 *	requests, repaid, forced) must equal the first: another group's
 *	merges, volatile frames and death must not show here. A "ready" line
 *	after the first round; a "change" line for each of the first 8
 *	rounds that differ. With HOLD, a child keeps the pages HOLD seconds
 *	after the program ends (so that what runs next in the guest gets
 *	other memory than these split superpages).
 *   putloop SECONDS
 *	Volatile puts of new keys, a batch of 256 after the other, for
 *	SECONDS: a domain that takes every frame it may, at once, whenever
 *	one is to be had (the neighbour watch must not feel).
 *   selfmerge [PAIRS]
 *   report [PAGES]
 *	Free-page reporting abused: PAGES (default 4096) own locked pages,
 *	each holding data, reported (SATORI_OP_report) twice in one batch;
 *	they must read as zeros after. Then a batch mixing a good page with
 *	a gfn out of range (nothing may change: the good page keeps its
 *	data), a non-zero hash, another domain's id, nr 0 and nr
 *	SATORI_BATCH_MAX + 1. Last, two threads on the two vCPUs write the
 *	two halves of every reported page at the same instant (two
 *	copy-on-write breaks racing on one gfn): every page must hold both.
 *   refault [PAGES]
 *	Not an attack: the bench's refault timer. PAGES (default 4096) own
 *	locked pages holding data are reported, then the first write to
 *	each is timed: a copy-on-write break off the zero frame in Xen
 *	(the page stays mapped in the guest, so no guest fault is timed).
 *	2 * PAIRS (default 1024) pages merged pairwise, then the domain tries
 *	to grow (XENMEM_populate_physmap above its RAM, one page at a time
 *	until Xen refuses) to see whether sharing let it exceed max_pages;
 *	what it got is given back.
 *
 * Output: every line for the test harness starts with "SATORI-ATTACK
 * <subcommand> " followed by key=value pairs: first a "start" line (seed,
 * interface version), fuzz's "setup" and "progress" lines (every 100000
 * calls), then one summary line with the subcommand's own keys, the
 * results of all its hypercalls by errno (calls ok einval efault e2big
 * eperm esrch eopnotsupp enomem ebusy other) and last max_us, the longest
 * single hypercall (CLOCK_MONOTONIC in the guest, microseconds). Exit
 * status 0 when the attack ran to its end, whatever the hypervisor
 * answered; 1 on a usage or setup error (message on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "satori.h"

/* Linux's include/uapi/xen/privcmd.h, not installed for static builds. */
struct privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

/* Xen's public/xen.h and public/memory.h: the memory_op sub-ops used here. */
#define HYPERVISOR_memory_op 12
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4
#define XENMEM_populate_physmap 6
#define XENMEM_maximum_gpfn 14

struct xen_memory_reservation {
	uint64_t extent_start;	/* XEN_GUEST_HANDLE(xen_pfn_t): gfns */
	uint64_t nr_extents;	/* xen_ulong_t */
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32,
	       "xen_memory_reservation layout (x86_64)");

#define PAGE 4096UL
#define HASH_MASK (UINT64_MAX >> 1)	/* the guest kernel's satori_hash() */
#define P(x) ((uint64_t)(uintptr_t)(x))

/* What the hypervisor answered, by errno, and how long it took. */
struct counts {
	uint64_t calls, ok, einval, efault, e2big, eperm, esrch, eopnotsupp,
		enomem, ebusy, other;
	uint64_t max_ns, last_ns;
};

static struct counts own_counts;
static struct counts *cnt = &own_counts;	/* this process's */
static int privcmd = -1, pagemap = -1;
static uint64_t rng, seed;	/* seed: where rng started */

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("satori_attack: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* splitmix64: every random choice of a run follows from its seed. */
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

static void fill_random(void *p, size_t len)
{
	uint64_t *q = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		q[i] = rnd();
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* ---- hypercalls ---- */

static void count(long rc)
{
	cnt->calls++;
	if (rc >= 0)
		cnt->ok++;
	else if (rc == -EINVAL)
		cnt->einval++;
	else if (rc == -EFAULT)
		cnt->efault++;
	else if (rc == -E2BIG)
		cnt->e2big++;
	else if (rc == -EPERM)
		cnt->eperm++;
	else if (rc == -ESRCH)
		cnt->esrch++;
	else if (rc == -EOPNOTSUPP)
		cnt->eopnotsupp++;
	else if (rc == -ENOMEM)
		cnt->enomem++;
	else if (rc == -EBUSY)
		cnt->ebusy++;
	else
		cnt->other++;
}

/* One timed hypercall: its return value, or -errno. */
static long hypercall(uint64_t op, uint64_t a0, uint64_t a1)
{
	struct privcmd_hypercall h = { .op = op, .arg = { a0, a1 } };
	uint64_t t0 = now_ns(), ns;
	long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &h);

	if (rc < 0)
		rc = -errno;
	ns = now_ns() - t0;
	cnt->last_ns = ns;
	if (ns > cnt->max_ns)
		cnt->max_ns = ns;
	count(rc);
	return rc;
}

static long satori_op(uint64_t cmd, uint64_t arg)
{
	return hypercall(__HYPERVISOR_satori_op, cmd, arg);
}

static long memory_op(unsigned int cmd, uint64_t arg)
{
	return hypercall(HYPERVISOR_memory_op, cmd, arg);
}

static long self_memory_op(unsigned int cmd)
{
	uint16_t self = SATORI_DOMID_SELF;

	return memory_op(cmd, P(&self));
}

/*
 * One register or release of the caller's own pages; done and shared (may
 * be NULL) get Xen's answer, 0 on an error. map, if not NULL, has room for
 * (nr + 63) / 64 words and is written first (Xen must find it present).
 */
static long self_batch(unsigned int cmd, const struct satori_page *pages,
		       uint32_t nr, uint64_t *map, uint32_t *done,
		       uint32_t *shared)
{
	struct satori_batch_op b = {
		.domid = SATORI_DOMID_SELF,
		.nr = nr,
		.pages = P(pages),
		.shared_map = P(map),
	};
	long rc;

	if (map)
		memset(map, 0, (nr + 63) / 64 * 8);
	rc = satori_op(cmd, P(&b));
	if (done)
		*done = rc ? 0 : b.done;
	if (shared)
		*shared = rc ? 0 : b.shared;
	return rc;
}

/* Releases n (gfn, hash) pairs, SATORI_BATCH_MAX at a time. */
static void release_all(const struct satori_page *pages, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += SATORI_BATCH_MAX)
		self_batch(SATORI_OP_release, pages + i,
			   n - i < SATORI_BATCH_MAX ? n - i : SATORI_BATCH_MAX,
			   NULL, NULL, NULL);
}

static long self_stats(struct satori_domain_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->domid = SATORI_DOMID_SELF;
	return satori_op(SATORI_OP_domain_stats, P(s));
}

/* ---- output ---- */

static void add_counts(struct counts *sum, const struct counts *c)
{
	sum->calls += c->calls;
	sum->ok += c->ok;
	sum->einval += c->einval;
	sum->efault += c->efault;
	sum->e2big += c->e2big;
	sum->eperm += c->eperm;
	sum->esrch += c->esrch;
	sum->eopnotsupp += c->eopnotsupp;
	sum->enomem += c->enomem;
	sum->ebusy += c->ebusy;
	sum->other += c->other;
	if (c->max_ns > sum->max_ns)
		sum->max_ns = c->max_ns;
}

/* " calls=N ok=N ... other=N" */
static void print_counts(const struct counts *c)
{
	printf(" calls=%" PRIu64 " ok=%" PRIu64 " einval=%" PRIu64
	       " efault=%" PRIu64 " e2big=%" PRIu64 " eperm=%" PRIu64
	       " esrch=%" PRIu64 " eopnotsupp=%" PRIu64 " enomem=%" PRIu64
	       " ebusy=%" PRIu64 " other=%" PRIu64,
	       c->calls, c->ok, c->einval, c->efault, c->e2big, c->eperm,
	       c->esrch, c->eopnotsupp, c->enomem, c->ebusy, c->other);
}

/* Ends a summary line: the counts, then max_us. */
static void print_tail(const struct counts *c)
{
	print_counts(c);
	printf(" max_us=%" PRIu64 "\n", c->max_ns / 1000);
}

/* "SATORI-ATTACK SUB start seed=S interface=M.m enabled=0|1" */
static void print_start(const char *sub)
{
	struct satori_query q = { 0 };
	long rc = satori_op(SATORI_OP_query, P(&q));

	printf("SATORI-ATTACK %s start seed=%" PRIu64, sub, seed);
	if (rc)
		printf(" query=%ld\n", rc);
	else
		printf(" interface=%u.%u enabled=%u\n",
		       q.interface_version >> 16,
		       q.interface_version & 0xffff,
		       q.flags & SATORI_QUERY_F_ENABLED ? 1 : 0);
}

/* ---- memory ---- */

/* n locked anonymous pages; dontfork keeps them out of a forked racer. */
static uint8_t *locked_pages(size_t n, bool dontfork)
{
	size_t len = n * PAGE;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap of %zu pages: %s", n, strerror(errno));
	madvise(p, len, MADV_NOHUGEPAGE);	/* one pfn per page */
	if (dontfork && madvise(p, len, MADV_DONTFORK))
		fail("madvise: %s", strerror(errno));
	if (mlock(p, len))
		fail("mlock of %zu pages: %s", n, strerror(errno));
	return p;
}

/* The gfn of a present, locked user page. */
static uint64_t gfn_of(const void *addr)
{
	uint64_t e;

	if (pread(pagemap, &e, sizeof(e), P(addr) / PAGE * sizeof(e)) !=
	    sizeof(e))
		fail("/proc/self/pagemap: %s", strerror(errno));
	if (!(e >> 63) || !(e & ((1ULL << 55) - 1)))
		fail("/proc/self/pagemap: no pfn for %p (not root?)", addr);
	return e & ((1ULL << 55) - 1);
}

static uint64_t key_of(const void *page)
{
	return XXH64(page, PAGE, 0) & HASH_MASK;
}

/* FILE's first pages (at most max) mapped read-only and locked. */
struct filemap {
	const uint8_t *addr;
	size_t pages;
};

static void map_file(const char *path, size_t max, struct filemap *fm)
{
	struct stat s;
	int fd = open(path, O_RDONLY);
	void *a;

	if (fd < 0 || fstat(fd, &s))
		fail("%s: %s", path, strerror(errno));
	if (s.st_size <= 0)
		fail("%s: empty", path);
	fm->pages = (s.st_size + PAGE - 1) / PAGE;
	if (fm->pages > max)
		fm->pages = max;
	a = mmap(NULL, fm->pages * PAGE, PROT_READ, MAP_SHARED | MAP_POPULATE,
		 fd, 0);
	if (a == MAP_FAILED || mlock(a, fm->pages * PAGE))
		fail("%s: mmap: %s", path, strerror(errno));
	close(fd);
	fm->addr = a;
}

/*
 * FILE's first pages (at most max) read with read() into a zeroed buffer,
 * bypassing the page cache (O_DIRECT) when the file system allows, so that
 * reading it does not make this guest a registrant of its pages.
 */
static uint8_t *read_file(const char *path, size_t max, size_t *pages,
			  bool *direct)
{
	size_t len, want, off = 0;
	struct stat s;
	uint8_t *buf;
	ssize_t r;
	int fd;

	*direct = true;
	fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0) {
		*direct = false;
		fd = open(path, O_RDONLY);
	}
	if (fd < 0 || fstat(fd, &s))
		fail("%s: %s", path, strerror(errno));
	*pages = (s.st_size + PAGE - 1) / PAGE;
	if (*pages > max)
		*pages = max;
	if (!*pages)
		fail("%s: empty", path);
	len = *pages * PAGE;
	want = (size_t)s.st_size < len ? (size_t)s.st_size : len;
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	while (off < want) {
		r = read(fd, buf + off, len - off);
		if (r < 0 && errno == EINVAL && *direct) {
			/* O_DIRECT refused at read time: start over cached */
			*direct = false;
			close(fd);
			fd = open(path, O_RDONLY);
			off = 0;
			if (fd < 0)
				fail("%s: %s", path, strerror(errno));
			continue;
		}
		if (r < 0)
			fail("%s: read: %s", path, strerror(errno));
		if (r == 0)
			break;
		off += r;
	}
	close(fd);
	return buf;
}

/*
 * pfn ranges of /proc/iomem: the System RAM ones, or all that may be in use
 * (every range but PCI bus windows, whose devices have ranges of their own).
 */
struct range {
	uint64_t first, last;
};

static size_t iomem(struct range *r, size_t max, bool ram_only)
{
	unsigned long long a, b;
	char line[256];
	size_t n = 0;
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx", &a, &b) != 2 || b < a)
			continue;
		if (ram_only && (line[0] == ' ' || !strstr(line, "System RAM")))
			continue;
		if (!ram_only && strstr(line, "PCI Bus"))
			continue;
		r[n].first = a / PAGE;
		r[n].last = b / PAGE;
		n++;
	}
	fclose(f);
	return n;
}

/* ---- fuzz ---- */

#define OWN_PAGES 512
#define OWN_PAIRS_END 256	/* 0..255: 128 pairs of equal pages */
#define OWN_RANDOM_END 384	/* ..383: random bytes, each its own */
#define OWN_ZERO_END 416	/* ..415: zero pages */
				/* ..511: copies of FILE pages */
#define FILE_PAGES_MAX 1024
#define POOL 64			/* hashes random registrations use */
#define RGFNS 64
#define HIST_MAX 4096
#define VKEYS 32
#define VSCRATCH 8
#define VUNKNOWN 2	/* held, bytes unknown (hashes put are odd) */
#define VKEY_MAIN 0x5a7000000000ULL	/* the main loop's volatile keys */
#define VKEY_RACER 0x5a7100000000ULL	/* the racer's */

static struct {
	uint8_t *own;		/* OWN_PAGES locked anonymous pages */
	uint8_t *shadow;	/* what each of them must hold */
	uint64_t own_gfn[OWN_PAGES];
	uint64_t own_h[OWN_PAGES];	/* xxh64 of what each holds now */
	uint64_t alias[OWN_PAGES];	/* a random key per own page */
	size_t nfile;
	const uint8_t *file_addr[FILE_PAGES_MAX];	/* mapped, locked */
	uint64_t file_gfn[FILE_PAGES_MAX];
	uint64_t file_h[FILE_PAGES_MAX];
	int copy_of[FILE_PAGES_MAX];	/* own page holding a copy, or -1 */
	uint64_t pool[POOL];
	uint64_t rgfn[RGFNS];	/* gfns that are not own pages */
	size_t nrgfn, nrgfn_ram;	/* the first nrgfn_ram are RAM */
	uint64_t max_gpfn;
	uint16_t hist_i[HIST_MAX];	/* own page i had hash hist_h */
	uint64_t hist_h[HIST_MAX];
	size_t nhist;
	uint8_t *ro;		/* read-only page holding a valid batch op */
	uint8_t *guard;		/* a page followed by a PROT_NONE page */
	uint64_t gone;		/* an address that was unmapped */
	struct satori_page ro_page;	/* what the read-only op names */
	struct counts *racer;	/* the racer's counts, shared */
	volatile uint32_t *stop;
	pid_t racer_pid;
	uint64_t writes;
	/* Volatile frames: VKEYS keys, the hash last put under each (0: not
	 * held as far as this program knows), gets land in scratch. */
	uint8_t *scratch;
	uint64_t scratch_gfn[VSCRATCH];
	uint64_t vput[VKEYS];
	uint64_t vhits, vstored, vwrong;
} fz;

static void fuzz_hist(size_t i)
{
	if (fz.nhist < HIST_MAX) {
		fz.hist_i[fz.nhist] = i;
		fz.hist_h[fz.nhist++] = fz.own_h[i];
	}
}

static void fuzz_setup_files(char **files, int nfiles)
{
	struct filemap fm;
	size_t j;
	int f;

	for (f = 0; f < nfiles && fz.nfile < FILE_PAGES_MAX; f++) {
		map_file(files[f], FILE_PAGES_MAX - fz.nfile, &fm);
		for (j = 0; j < fm.pages; j++, fz.nfile++) {
			fz.file_addr[fz.nfile] = fm.addr + j * PAGE;
			fz.file_gfn[fz.nfile] = gfn_of(fm.addr + j * PAGE);
			fz.file_h[fz.nfile] = XXH64(fm.addr + j * PAGE, PAGE, 0);
			fz.copy_of[fz.nfile] = -1;
		}
	}
}

/* Content of own page i: equal pairs, random, zero, or a file's copy. */
static void fuzz_fill(size_t i)
{
	uint8_t *s = fz.shadow + i * PAGE;
	size_t j;

	if (i < OWN_PAIRS_END && (i & 1))
		memcpy(s, s - PAGE, PAGE);
	else if (i < OWN_RANDOM_END)
		fill_random(s, PAGE);
	else if (i < OWN_ZERO_END)
		memset(s, 0, PAGE);
	else if (!fz.nfile)
		fill_random(s, PAGE);
	else {
		j = (i - OWN_ZERO_END) % fz.nfile;
		memcpy(s, fz.file_addr[j], PAGE);
		if (fz.copy_of[j] < 0)
			fz.copy_of[j] = i;
	}
}

static void fuzz_setup_own(void)
{
	size_t i;

	fz.own = locked_pages(OWN_PAGES, true);
	fz.shadow = malloc(OWN_PAGES * PAGE);
	if (!fz.shadow)
		fail("out of memory");
	for (i = 0; i < OWN_PAGES; i++) {
		fuzz_fill(i);
		memcpy(fz.own + i * PAGE, fz.shadow + i * PAGE, PAGE);
		fz.own_gfn[i] = gfn_of(fz.own + i * PAGE);
		fz.own_h[i] = XXH64(fz.shadow + i * PAGE, PAGE, 0);
		fz.alias[i] = rnd() & HASH_MASK;
		fuzz_hist(i);
	}
}

/* gfns the program does not own: guest RAM, edges, far out of range. */
static void fuzz_setup_gfns(void)
{
	static const uint64_t far[] = {
		1ULL << 32, 1ULL << 40, 1ULL << 52, 1ULL << 63,
		UINT64_MAX, UINT64_MAX - 1, 0xa0, 0xfee00, 0xfffff,
	};
	struct range ram[64];
	size_t nram = iomem(ram, 64, true), i, r;
	long max = self_memory_op(XENMEM_maximum_gpfn);

	fz.max_gpfn = max > 0 ? (uint64_t)max : 0xffff;
	for (i = 0; nram && i < 32; i++) {
		r = below(nram);
		fz.rgfn[fz.nrgfn++] = ram[r].first +
				      below(ram[r].last - ram[r].first + 1);
	}
	fz.nrgfn_ram = fz.nrgfn;
	for (i = 0; i < 4; i++)
		fz.rgfn[fz.nrgfn++] = i;
	for (i = 0; i < 4; i++)
		fz.rgfn[fz.nrgfn++] = fz.max_gpfn - 2 + i;
	fz.rgfn[fz.nrgfn++] = fz.max_gpfn + 0x100;
	for (i = 0; i < sizeof(far) / sizeof(far[0]); i++)
		fz.rgfn[fz.nrgfn++] = far[i];
}

/* Bad places for Xen to read or write. */
static void fuzz_setup_places(void)
{
	struct satori_batch_op b = {
		.domid = SATORI_DOMID_SELF,
		.nr = 1,
		.pages = P(&fz.ro_page),
	};
	size_t i;

	fz.ro_page.gfn = fz.own_gfn[0];
	fz.ro_page.hash = fz.own_h[0] & HASH_MASK;
	fz.ro = locked_pages(1, false);
	memcpy(fz.ro, &b, sizeof(b));
	fz.guard = locked_pages(2, false);
	if (mprotect(fz.ro, PAGE, PROT_READ) ||
	    mprotect(fz.guard + PAGE, PAGE, PROT_NONE))
		fail("mprotect: %s", strerror(errno));
	fz.gone = P(locked_pages(2, false));
	munmap((void *)(uintptr_t)fz.gone, 2 * PAGE);

	fz.pool[0] = 0;
	fz.pool[1] = 1;
	fz.pool[2] = HASH_MASK;
	fz.pool[3] = UINT64_MAX;
	fz.pool[4] = 1ULL << 63;
	fz.pool[5] = fz.own_h[OWN_RANDOM_END] & HASH_MASK;	/* zero page */
	for (i = 6; i < POOL; i++)
		fz.pool[i] = rnd();
}

static size_t fuzz_own(void)
{
	/* half the time one of the first 64, which the racer works on */
	return below(2) ? below(64) : below(OWN_PAGES);
}

/* One batch entry; valid keeps the gfn to own pages, files and RAM. */
static void fuzz_entry(struct satori_page *e, const struct satori_page *prev,
		       bool valid)
{
	size_t i = fuzz_own(), j = fz.nfile ? below(fz.nfile) : 0;
	uint64_t pool = fz.pool[below(POOL)];

	e->gfn = fz.own_gfn[i];
	switch (below(valid ? 10 : 12)) {
	case 0:
		e->hash = fz.own_h[i] & HASH_MASK;
		break;
	case 1:
		e->hash = fz.own_h[i];	/* full xxh64, top bit and all */
		break;
	case 2:
		e->hash = fz.alias[i];
		break;
	case 3:
		e->hash = pool;
		break;
	case 4:
		if (fz.nfile)
			*e = (struct satori_page){ fz.file_gfn[j],
						   fz.file_h[j] & HASH_MASK };
		else
			e->hash = fz.own_h[i] & HASH_MASK;
		break;
	case 5:
		/* under its copy's key: the shared file frame as a client */
		if (fz.nfile && fz.copy_of[j] >= 0)
			*e = (struct satori_page){ fz.file_gfn[j],
						   fz.alias[fz.copy_of[j]] };
		else
			e->hash = fz.alias[i];
		break;
	case 6:
		if (fz.nfile)
			e->gfn = fz.file_gfn[j];
		e->hash = pool;
		break;
	case 7:
		if (prev)
			*e = *prev;	/* the same entry twice */
		else
			e->hash = fz.own_h[i] & HASH_MASK;
		break;
	case 8:
		if (prev)
			e->gfn = prev->gfn;	/* one gfn, many hashes */
		e->hash = pool;
		break;
	case 9:
		if (fz.nrgfn_ram)
			e->gfn = fz.rgfn[below(fz.nrgfn_ram)];
		e->hash = pool;
		break;
	case 10:
		e->gfn = fz.rgfn[below(fz.nrgfn)];
		e->hash = pool;
		break;
	default:
		e->gfn = rnd() | 1ULL << 40;
		e->hash = rnd();
		break;
	}
}

/*
 * Mostly short batches, so that a million calls fit a test run under TCG
 * (about 20 entries on average); long and full ones stay common enough to
 * hit every path of a whole batch thousands of times.
 */
static uint32_t fuzz_nr(void)
{
	switch (below(50)) {
	case 0 ... 29:
		return 1;
	case 30 ... 44:
		return 2 + below(15);
	case 45 ... 48:
		return 17 + below(SATORI_BATCH_MAX - 16);
	default:
		return SATORI_BATCH_MAX;
	}
}

/* A well-formed register or release batch, its entries made up. */
static void fuzz_batch(unsigned int cmd)
{
	static struct satori_page pages[SATORI_BATCH_MAX];
	uint64_t map[SATORI_BATCH_MAX / 64];
	uint32_t nr = fuzz_nr(), i;
	bool valid = below(10) < 7;

	for (i = 0; i < nr; i++) {
		fuzz_entry(&pages[i], i ? &pages[i - 1] : NULL, valid);
		if (cmd == SATORI_OP_release && below(8) == 0)
			pages[i].hash = rnd();	/* never registered */
	}
	self_batch(cmd, pages, nr, below(5) ? map : NULL, NULL, NULL);
}

static uint16_t fuzz_domid(void)
{
	static const uint16_t odd[] = {
		0x7ff1, 0x7ff2, 0x7ff3, 0x7ff4, 0x7ff5, 0x7ff6, 0x7ff7,
		0x7ffe, 0x7fff, 0x8000, 0xffff,
	};

	switch (below(5)) {
	case 0:
		return 0;			/* dom0 */
	case 1:
		return 1 + below(8);		/* a guest, maybe this one */
	case 2:
		return 1 + below(0x7fef);
	case 3:
		return odd[below(sizeof(odd) / sizeof(odd[0]))];
	default:
		return SATORI_DOMID_SELF;
	}
}

/* An address Xen cannot read (or, for_write, write) as the caller's. */
static uint64_t fuzz_bad_ptr(bool for_write)
{
	static const uint64_t fixed[] = {
		0, 1, 0xfff,
		0x0000800000000000ULL,	/* first non-canonical */
		0x8000000000000000ULL,
		0xffff888000000000ULL,	/* direct map of pfn 0: reserved */
		0xffffffff81000000ULL,	/* kernel text: read-only */
		UINT64_MAX, UINT64_MAX - 7,
	};
	size_t n = sizeof(fixed) / sizeof(fixed[0]), k = below(n + 3);

	if (k < n)
		return fixed[k];
	if (k == n)
		return fz.gone;
	if (k == n + 1 || !for_write)
		return P(fz.guard + PAGE);
	return P(fz.ro);
}

/* A batch op with one thing wrong (or, for the last cases, odd). */
static void fuzz_bad_batch(void)
{
	static struct satori_page pages[SATORI_BATCH_MAX + 1];
	static const uint32_t huge[] = { 0x10000, 0x7fffffff, 0x80000000,
					 UINT32_MAX };
	uint64_t map[SATORI_BATCH_MAX / 64], cmd, arg;
	struct satori_page *sp;
	struct satori_batch_op b;
	uint32_t i, k;

	for (i = 0; i <= SATORI_BATCH_MAX; i++)
		fuzz_entry(&pages[i], NULL, true);
	memset(map, 0, sizeof(map));
	b = (struct satori_batch_op){ .domid = SATORI_DOMID_SELF,
				      .nr = 1 + below(16),
				      .pages = P(pages),
				      .shared_map = P(map) };
	cmd = below(2) ? SATORI_OP_register : SATORI_OP_release;
	arg = P(&b);
	switch (below(17)) {
	case 0:
		b.nr = 0;
		break;
	case 1:
		b.nr = SATORI_BATCH_MAX + 1;
		break;
	case 2:
		b.nr = huge[below(4)];
		break;
	case 3:
		b.pad = 1 + below(0xffff);
		break;
	case 4:
		b.reserved = rnd() | 1;
		break;
	case 5:
	case 6:
		b.domid = fuzz_domid();
		break;
	case 7:
		b.pages = fuzz_bad_ptr(false);
		break;
	case 8:
		/* k entries readable, the next ones across a PROT_NONE page */
		k = below(4);
		sp = (struct satori_page *)(fz.guard + PAGE) - k;
		memcpy(sp, pages, k * sizeof(*sp));
		b.pages = P(sp);
		b.nr = k + 1 + below(8);
		break;
	case 9:
		b.shared_map = fuzz_bad_ptr(true);
		break;
	case 10:
		/* one word before the PROT_NONE page, two needed */
		b.shared_map = P(fz.guard + PAGE - 8);
		b.nr = 65 + below(SATORI_BATCH_MAX - 64);
		break;
	case 11:
		arg = fuzz_bad_ptr(true);
		break;
	case 12:
		arg = P(fz.ro);		/* valid op, read-only: OUT fails */
		break;
	case 13:
		/* the op itself across the PROT_NONE page */
		memcpy(fz.guard + PAGE - 16, &b, 16);
		arg = P(fz.guard + PAGE - 16);
		break;
	case 14:
		b.done = rnd();		/* OUT fields hold garbage on entry */
		b.shared = rnd();
		break;
	case 15:
		cmd |= rnd() << 32;	/* high bits of the sub-op */
		break;
	default:
		b.nr = SATORI_BATCH_MAX;	/* a whole batch, no map */
		b.shared_map = 0;
		break;
	}
	satori_op(cmd, arg);
}

/* The other sub-ops, with and without bad arguments; unknown sub-ops. */
static void fuzz_other(void)
{
	static const uint32_t groups[] = { 0, 1, SATORI_GROUP_MAX,
					   SATORI_GROUP_MAX + 1,
					   SATORI_GROUP_ALONE, 0xfffffffe };
	static const uint64_t unknown[] = { 101, 0x7fffffff, 0x80000000,
					    0xffffffff, UINT64_MAX,
					    (1ULL << 32) | 6 };
	union {
		struct satori_query q;
		struct satori_domain_stats d;
		struct satori_host_stats h;
		struct satori_group_op g;
		struct satori_run_op r;
		uint8_t raw[256];
	} u;
	uint64_t cmd, arg = P(&u);
	bool bad = below(3) == 0;

	memset(&u, 0, sizeof(u));
	switch (below(9)) {
	case 0:
		cmd = SATORI_OP_query;
		if (bad && below(2))
			u.q.reserved = rnd() | 1;
		else if (bad) /* OUT: junk in it changes nothing */
			u.q.forgotten = rnd() | 1;
		break;
	case 1:
		cmd = SATORI_OP_domain_stats;
		u.d.domid = fuzz_domid();
		if (bad && below(3) == 0)
			u.d.pad[below(3)] = 1 + below(0xffff);
		else if (bad && below(2)) /* OUT since 1.8 */
			u.d.run = rnd() | 1;
		else if (bad) /* OUT since 1.9: were reserved */
			u.d.zero_breaks = rnd() | 1;
		break;
	case 2:
		cmd = SATORI_OP_host_stats;
		if (bad) /* OUT fields: junk in them changes nothing */
			u.h.pool_frames = rnd() | 1;
		break;
	case 3:
		cmd = SATORI_OP_set_group;
		u.g.domid = fuzz_domid();
		u.g.group = groups[below(6)];
		if (bad && below(2))
			u.g.pad[below(3)] = 1 + below(0xffff);
		else if (bad)
			u.g.flags = rnd() | 1;
		break;
	case 4:
		/* dom0's alone: a guest that stops or unshares anyone is refused */
		cmd = SATORI_OP_set_run;
		u.r.domid = below(2) ? SATORI_DOMID_ANY : fuzz_domid();
		u.r.run = below(4);
		u.r.cursor = bad ? rnd() : 0;
		u.r.unshared = bad ? rnd() : 0;
		break;
	case 5:
		cmd = 11 + below(90);
		break;
	case 6:
		cmd = unknown[below(6)];
		break;
	case 7:
		cmd = (rnd() << 32) | below(6);	/* truncated to a known one */
		break;
	default:
		cmd = below(6);
		arg = fuzz_bad_ptr(below(2));
		break;
	}
	satori_op(cmd, arg);
}

/*
 * The volatile sub-ops (1.3): puts from own and file pages, gets into
 * scratch pages, flushes, with and without bad arguments. A hit must be
 * what was last put under its key (Xen may have dropped it since: then a
 * miss), and carry the hash that put gave.
 */
static void fuzz_volatile(void)
{
	struct satori_vpage e[8];
	struct satori_volatile_op op;
	struct satori_volatile_stats vs;
	struct satori_take_op r;
	struct satori_repay_op rp;
	uint64_t map[1] = { 0 }, h[8], keys[8];
	uint32_t nr = 1 + below(8), i, k[8], odd = nr; /* odd: entry aimed elsewhere */
	bool bad = below(4) == 0;
	unsigned int sub = below(6);
	/* A put by key alone, or a get that keeps the frame (1.10). */
	bool refresh = sub == 0 && below(4) == 0, keep = sub == 1 && below(2);
	long rc;

	memset(e, 0, sizeof(e));
	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.nr = nr;
	op.pages = P(e);
	op.map = P(map);
	op.flags = refresh ? SATORI_VOLATILE_F_REFRESH
		   : keep  ? SATORI_VOLATILE_F_KEEP : 0;
	for (i = 0; i < nr; i++) {
		size_t j = fuzz_own();

		/* distinct keys in one batch: the last put of each is known */
		k[i] = (below(VKEYS / 8) * 8 + i) % VKEYS;
		e[i].key = VKEY_MAIN + k[i];
		if (refresh) {
			continue;
		} else if (sub == 0 && fz.nfile && below(2)) {
			size_t f = below(fz.nfile);

			e[i].gfn = fz.file_gfn[f];
			h[i] = XXH64(fz.file_addr[f], PAGE, 0);
		} else if (sub == 0) {
			e[i].gfn = fz.own_gfn[j];
			h[i] = XXH64(fz.own + j * PAGE, PAGE, 0);
		} else if (sub == 1) {
			e[i].gfn = fz.scratch_gfn[i % VSCRATCH];
		}
		if (sub == 0)
			e[i].hash = h[i] | 1; /* never 0: 0 means not held */
	}
	if (bad) {
		switch (below(4)) {
		case 0:
			op.domid = fuzz_domid();
			break;
		case 1: {
			/* A get writes: never into RAM this program does not own. */
			const uint64_t no_ram[] = { fz.max_gpfn + 0x100,
						    1ULL << 40, UINT64_MAX,
						    0xfee00 };

			odd = below(nr);
			e[odd].gfn = sub != 1 ? fz.rgfn[below(fz.nrgfn)]
					      : no_ram[below(4)];
			break;
		}
		case 2:
			/* An IN-zero field, or a flag this sub-op does not take. */
			if (below(2))
				op.pad2 = 1 + below(0xffff);
			else if (below(2))
				op.flags = 1u << (2 + below(14));
			else
				op.flags = sub == 0 ? SATORI_VOLATILE_F_KEEP
					   : SATORI_VOLATILE_F_REFRESH;
			break;
		default:
			op.nr = below(2) ? 0 : SATORI_BATCH_MAX + 1 + below(4);
			break;
		}
	}
	switch (sub) {
	case 0:
		rc = satori_op(SATORI_OP_volatile_put, P(&op));
		if (rc)
			break;
		for (i = 0; i < nr; i++) {
			bool stored = map[0] >> i & 1;

			/*
			 * An entry aimed at other RAM of this guest (valid:
			 * it is its own) put that page's bytes: unknown here.
			 */
			/* A refresh leaves the data of a key held as it was. */
			if (refresh && stored)
				continue;
			fz.vput[k[i]] = !stored ? 0 : i == odd ? VUNKNOWN
							       : e[i].hash;
			fz.vstored += stored;
		}
		break;
	case 1:
		rc = satori_op(SATORI_OP_volatile_get, P(&op));
		if (rc)
			break;
		for (i = 0; i < nr; i++) {
			uint8_t *pg = fz.scratch + (i % VSCRATCH) * PAGE;

			if (!(map[0] >> i & 1))
				continue;
			fz.vhits++;
			/* the page's bytes and hash, as put; and now gone */
			if (!fz.vput[k[i]] ||
			    (fz.vput[k[i]] != VUNKNOWN &&
			     (e[i].hash != fz.vput[k[i]] ||
			      (XXH64(pg, PAGE, 0) | 1) != fz.vput[k[i]])))
				fz.vwrong++;
			/* ...but with F_KEEP, still held with the same data */
			if (!keep)
				fz.vput[k[i]] = 0;
		}
		break;
	case 2:
		if (bad && below(2))
			e[0].gfn = 1 + below(1000);
		rc = satori_op(SATORI_OP_volatile_flush, P(&op));
		if (!rc)
			for (i = 0; i < nr; i++)
				fz.vput[k[i]] = 0;
		break;
	case 3:
		memset(&vs, 0, sizeof(vs));
		vs.domid = below(2) ? SATORI_DOMID_SELF : fuzz_domid();
		if (bad) {
			/* OUT fields: junk in them is overwritten */
			uint64_t *out[] = { &vs.owed, &vs.requests,
					    &vs.repaid, &vs.forced };

			*out[below(4)] = rnd() | 1;
		}
		satori_op(SATORI_OP_volatile_stats, P(&vs));
		break;
	case 4:
		/* Repay what this domain owes (usually nothing). */
		memset(&rp, 0, sizeof(rp));
		rp.domid = bad && below(2) ? fuzz_domid() : SATORI_DOMID_SELF;
		rp.nr = bad && below(2) ? SATORI_BATCH_MAX + 1 : nr;
		rp.keys = bad && below(2) ? fz.rgfn[0] << 12 : P(keys);
		if (bad && below(2))
			rp.reserved[below(2)] = rnd() | 1;
		if (satori_op(SATORI_OP_volatile_repay, P(&rp)))
			break;
		/* Given back: such a key must never hit again until put. */
		for (i = 0; i < rp.done && i < nr; i++)
			if (keys[i] - VKEY_MAIN < VKEYS)
				fz.vput[keys[i] - VKEY_MAIN] = 0;
		break;
	default:
		memset(&r, 0, sizeof(r));
		r.domid = below(2) ? SATORI_DOMID_ANY : fuzz_domid();
		r.frames = below(2) ? 1 + below(SATORI_TAKE_MAX) : rnd();
		r.flags = below(4) ? 0 : SATORI_RECLAIM_REPAY;	/* the old ask */
		satori_op(below(2) ? SATORI_OP_volatile_take	/* -EPERM */
				   : SATORI_OP_volatile_ask, P(&r));
		break;
	}
}

/* A write to an own page: a copy-on-write break if it was merged. */
static void fuzz_write(void)
{
	size_t i = fuzz_own(), off = below(PAGE), len = 1 + below(64), j;
	uint8_t *s = fz.shadow + i * PAGE;

	if (i < OWN_PAIRS_END && below(2)) {
		/* equal to its partner again: it may merge anew */
		memcpy(s, fz.shadow + (i ^ 1) * PAGE, PAGE);
		off = 0;
		len = PAGE;
	} else {
		if (off + len > PAGE)
			len = PAGE - off;
		for (j = 0; j < len; j++)
			s[off + j] = rnd();
	}
	memcpy(fz.own + i * PAGE + off, s + off, len);
	fz.own_h[i] = XXH64(s, PAGE, 0);
	fuzz_hist(i);
	fz.writes++;
}

/*
 * The racer's volatile calls, on the same domain's frames as the main
 * loop's and, with the guest's second vCPU, at the same time inside Xen:
 * puts from the parent's first 64 pages under keys of its own; gets and
 * flushes of its keys and of the main loop's (a get takes the frame: the
 * main loop then misses, which a volatile frame allows); repayments
 * (which give back the domain's oldest frames, whoever put them). It
 * never puts under the main loop's keys, whose last put the main loop
 * checks each hit against.
 */
static void racer_volatile(const uint64_t *scratch_gfn)
{
	struct satori_vpage e[8];
	struct satori_volatile_op op;
	struct satori_repay_op rp;
	uint64_t map[1], keys[8];
	uint32_t nr = 1 + below(8), i;
	unsigned int sub = below(4);

	memset(e, 0, sizeof(e));
	memset(&op, 0, sizeof(op));
	op.domid = SATORI_DOMID_SELF;
	op.nr = nr;
	op.pages = P(e);
	op.map = P(map);
	/*
	 * Kept gets and refreshes (1.10) of either's keys: a refresh puts
	 * back the data a key holds, so the main loop's check still holds.
	 */
	if (sub == 0 && below(3) == 0)
		op.flags = SATORI_VOLATILE_F_REFRESH;
	else if (sub == 1 && below(2))
		op.flags = SATORI_VOLATILE_F_KEEP;
	for (i = 0; i < nr; i++) {
		e[i].key = ((sub == 0 && !op.flags) || below(2) ? VKEY_RACER
								: VKEY_MAIN) +
			   below(VKEYS);
		if (sub == 0 && !op.flags) {
			e[i].gfn = fz.own_gfn[below(64)];
			e[i].hash = rnd() | 1;
		} else if (sub == 1) {
			e[i].gfn = scratch_gfn[i % VSCRATCH];
		}
	}
	switch (sub) {
	case 0:
		satori_op(SATORI_OP_volatile_put, P(&op));
		break;
	case 1:
		satori_op(SATORI_OP_volatile_get, P(&op));
		break;
	case 2:
		satori_op(SATORI_OP_volatile_flush, P(&op));
		break;
	default:
		memset(&rp, 0, sizeof(rp));
		rp.domid = SATORI_DOMID_SELF;
		rp.nr = nr;
		rp.keys = P(keys);
		satori_op(SATORI_OP_volatile_repay, P(&rp));
		break;
	}
}

/*
 * The racer: register and release the parent's first 64 pages, and use
 * the volatile sub-ops (racer_volatile()), while the main loop runs.
 */
static void __attribute__((noreturn)) fuzz_racer(void)
{
	struct satori_page pages[8];
	uint64_t map[1], scratch_gfn[VSCRATCH];
	uint8_t *scratch;
	uint32_t nr, i;
	size_t j;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	cnt = fz.racer;
	rng = seed ^ 0x7261636572ULL;
	/*
	 * The inherited pagemap is the parent's ("self" was resolved at its
	 * open): the racer's own pages are looked up in its own.
	 */
	close(pagemap);
	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		fail("open /proc/self/pagemap: %s", strerror(errno));
	scratch = locked_pages(VSCRATCH, true);
	for (j = 0; j < VSCRATCH; j++)
		scratch_gfn[j] = gfn_of(scratch + j * PAGE);
	while (!*fz.stop) {
		if (below(4) == 0) {
			racer_volatile(scratch_gfn);
			continue;
		}
		nr = 1 + below(8);
		for (i = 0; i < nr; i++) {
			j = below(64);
			pages[i].gfn = fz.own_gfn[j];
			switch (below(3)) {
			case 0:
				pages[i].hash = fz.own_h[j] & HASH_MASK;
				break;
			case 1:
				pages[i].hash = fz.alias[j];
				break;
			default:
				pages[i].hash = fz.pool[below(POOL)];
				break;
			}
		}
		self_batch(below(2) ? SATORI_OP_register : SATORI_OP_release,
			   pages, nr, below(2) ? map : NULL, NULL, NULL);
	}
	_exit(0);
}

static void fuzz_start_racer(void)
{
	void *shm = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (shm == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	memset(shm, 0, PAGE);
	fz.racer = shm;
	fz.stop = (volatile uint32_t *)(fz.racer + 1);
	fflush(stdout);
	fz.racer_pid = fork();
	if (fz.racer_pid < 0)
		fail("fork: %s", strerror(errno));
	if (fz.racer_pid == 0)
		fuzz_racer();
}

static void fuzz_stop_racer(void)
{
	*fz.stop = 1;
	waitpid(fz.racer_pid, NULL, 0);
}

/* Releases every (gfn, hash) a register of this run may have indexed. */
static void fuzz_cleanup(void)
{
	static struct satori_page e[SATORI_BATCH_MAX];
	size_t n = 0, i, p;

#define ADD(g, h)                                     \
	do {                                          \
		e[n++] = (struct satori_page){ g, h }; \
		if (n == SATORI_BATCH_MAX) {          \
			release_all(e, n);            \
			n = 0;                        \
		}                                     \
	} while (0)

	for (i = 0; i < OWN_PAGES; i++) {
		for (p = 0; p < POOL; p++)
			ADD(fz.own_gfn[i], fz.pool[p]);
		ADD(fz.own_gfn[i], fz.alias[i]);
	}
	for (i = 0; i < fz.nhist; i++) {
		ADD(fz.own_gfn[fz.hist_i[i]], fz.hist_h[i]);
		ADD(fz.own_gfn[fz.hist_i[i]], fz.hist_h[i] & HASH_MASK);
	}
	for (i = 0; i < fz.nfile; i++) {
		for (p = 0; p < POOL; p++)
			ADD(fz.file_gfn[i], fz.pool[p]);
		ADD(fz.file_gfn[i], fz.file_h[i]);
		ADD(fz.file_gfn[i], fz.file_h[i] & HASH_MASK);
		if (fz.copy_of[i] >= 0)
			ADD(fz.file_gfn[i], fz.alias[fz.copy_of[i]]);
	}
	for (i = 0; i < fz.nrgfn; i++)
		for (p = 0; fz.rgfn[i] <= fz.max_gpfn && p < POOL; p++)
			ADD(fz.rgfn[i], fz.pool[p]);
	release_all(e, n);
#undef ADD
}

/*
 * Own pages that do not hold what was last written there; each of the
 * first 16 is described on a line of its own: where it differs, whether
 * it still sits at the gfn Xen was told (the guest kernel may have moved
 * it), and whether it holds what another own page should, or zeros.
 */
static size_t fuzz_wrong_pages(void)
{
	size_t i, j, k, wrong = 0;

	for (i = 0; i < OWN_PAGES; i++) {
		const uint8_t *p = fz.own + i * PAGE, *w = fz.shadow + i * PAGE;
		long other = -1;
		size_t diff = 0, first = PAGE;

		if (!memcmp(p, w, PAGE))
			continue;
		if (wrong++ >= 16)
			continue;
		for (k = 0; k < PAGE; k++)
			if (p[k] != w[k]) {
				diff++;
				if (first == PAGE)
					first = k;
			}
		for (j = 0; j < OWN_PAGES && other < 0; j++)
			if (j != i && !memcmp(p, fz.shadow + j * PAGE, PAGE))
				other = j;
		printf("SATORI-ATTACK fuzz-wrong page=%zu gfn=%#" PRIx64
		       " gfn_now=%#" PRIx64 " first_diff=%zu bytes_diff=%zu"
		       " zero=%d holds_page=%ld\n",
		       i, fz.own_gfn[i], gfn_of(p), first, diff,
		       !p[0] && !memcmp(p, p + 1, PAGE - 1), other);
	}
	return wrong;
}

static void fuzz_progress(void)
{
	struct counts sum = { 0 };

	add_counts(&sum, cnt);
	add_counts(&sum, fz.racer);
	printf("SATORI-ATTACK fuzz progress");
	print_counts(&sum);
	printf(" racer_calls=%" PRIu64 " writes=%" PRIu64 " max_us=%" PRIu64
	       "\n", fz.racer->calls, fz.writes, sum.max_ns / 1000);
}

/* One hypercall of the fuzz loop. */
static void fuzz_one(void)
{
	switch (below(20)) {
	case 0 ... 7:
		fuzz_batch(SATORI_OP_register);
		break;
	case 8 ... 11:
		fuzz_batch(SATORI_OP_release);
		break;
	case 12 ... 15:
		fuzz_bad_batch();
		break;
	case 16:
		fuzz_volatile();
		break;
	default:
		fuzz_other();
		break;
	}
}

static int cmd_fuzz(uint64_t calls, char **files, int nfiles)
{
	struct satori_domain_stats before, after;
	struct counts sum = { 0 };
	size_t wrong;
	uint64_t c;

	fuzz_setup_files(files, nfiles);
	fuzz_setup_own();
	fz.scratch = locked_pages(VSCRATCH, true);
	for (c = 0; c < VSCRATCH; c++)
		fz.scratch_gfn[c] = gfn_of(fz.scratch + c * PAGE);
	fuzz_setup_gfns();
	fuzz_setup_places();
	self_stats(&before);
	print_start("fuzz");
	printf("SATORI-ATTACK fuzz setup own_pages=%d file_pages=%zu "
	       "other_gfns=%zu ram_gfns=%zu max_gpfn=%#" PRIx64 "\n",
	       OWN_PAGES, fz.nfile, fz.nrgfn, fz.nrgfn_ram, fz.max_gpfn);
	fuzz_start_racer();

	/* The racer's calls count: both are this guest's hypercalls. */
	for (c = 0; cnt->calls + fz.racer->calls < calls; c++) {
		if (c && c % 4096 == 0)
			fuzz_write();
		if (c && c % 100000 == 0)
			fuzz_progress();
		fuzz_one();
	}

	fuzz_stop_racer();
	fuzz_cleanup();
	wrong = fuzz_wrong_pages();
	self_stats(&after);
	add_counts(&sum, cnt);
	add_counts(&sum, fz.racer);
	printf("SATORI-ATTACK fuzz");
	print_counts(&sum);
	printf(" racer_calls=%" PRIu64 " writes=%" PRIu64 " wrong_pages=%zu"
	       " indexed_before=%" PRIu64 " indexed_after=%" PRIu64
	       " seed=%" PRIu64 " max_us=%" PRIu64 " volatile_stored=%" PRIu64
	       " volatile_hits=%" PRIu64 " volatile_wrong=%" PRIu64 "\n",
	       fz.racer->calls, fz.writes, wrong, before.indexed,
	       after.indexed, seed, sum.max_ns / 1000, fz.vstored, fz.vhits,
	       fz.vwrong);
	return 0;
}

/* ---- crossshare ---- */

#define CROSS_PAGES 64

static int cmd_crossshare(const char *path)
{
	struct satori_page pages[CROSS_PAGES], yp[CROSS_PAGES];
	uint64_t map[1], hash[CROSS_PAGES];
	uint32_t done, shared, merged = 0, before = 0, y_indexed = 0;
	size_t n, i, file_wrong = 0, own_wrong = 0;
	struct filemap fm;
	uint8_t *y, *orig;

	map_file(path, CROSS_PAGES, &fm);
	n = fm.pages;
	orig = malloc(n * PAGE);
	if (!orig)
		fail("out of memory");
	memcpy(orig, fm.addr, n * PAGE);
	y = locked_pages(n, false);
	print_start("crossshare");

	/* The file's pages under their true hashes: shared with others? */
	for (i = 0; i < n; i++)
		pages[i] = (struct satori_page){ gfn_of(fm.addr + i * PAGE),
						 key_of(orig + i * PAGE) };
	if (!self_batch(SATORI_OP_register, pages, n, map, NULL, NULL))
		before = __builtin_popcountll(map[0]);

	/* Y canonical for H, then the (shared) file page a client under H. */
	for (i = 0; i < n; i++) {
		memcpy(y + i * PAGE, orig + i * PAGE, PAGE);
		hash[i] = rnd() & HASH_MASK;
		yp[i] = (struct satori_page){ gfn_of(y + i * PAGE), hash[i] };
		self_batch(SATORI_OP_register, &yp[i], 1, NULL, &done, NULL);
		y_indexed += done;
		pages[i].hash = hash[i];
		self_batch(SATORI_OP_register, &pages[i], 1, map, NULL,
			   &shared);
		merged += shared;
	}

	/* Writes to Y break the merge: the file must read as before. */
	for (i = 0; i < n; i++)
		memset(y + i * PAGE, 0x5a, PAGE);
	for (i = 0; i < n; i++) {
		file_wrong += !!memcmp(fm.addr + i * PAGE, orig + i * PAGE,
				       PAGE);
		own_wrong += y[i * PAGE] != 0x5a ||
			     memcmp(y + i * PAGE, y + i * PAGE + 1, PAGE - 1);
	}

	release_all(yp, n);
	release_all(pages, n);
	free(orig);
	printf("SATORI-ATTACK crossshare pages=%zu file_shared_before=%u "
	       "y_indexed=%u merged=%u file_wrong=%zu own_wrong=%zu",
	       n, before, y_indexed, merged, file_wrong, own_wrong);
	print_tail(cnt);
	return 0;
}

/* ---- pile ---- */

static int cmd_pile(size_t n)
{
	struct satori_page *pages = calloc(n, sizeof(*pages)), qp;
	uint64_t map[SATORI_BATCH_MAX / 64], key, h2, pile_ns = 0;
	uint32_t shared, piled = 0, client = 0;
	uint8_t *pile, *q, tmpl[PAGE];
	size_t i, wrong = 0;

	if (!pages)
		fail("out of memory");
	print_start("pile");
	fill_random(tmpl, PAGE);
	key = key_of(tmpl);
	pile = locked_pages(n, false);
	for (i = 0; i < n; i++) {
		memcpy(pile + i * PAGE, tmpl, PAGE);
		pages[i] = (struct satori_page){ gfn_of(pile + i * PAGE), key };
	}
	for (i = 0; i < n; i += SATORI_BATCH_MAX) {
		self_batch(SATORI_OP_register, pages + i,
			   n - i < SATORI_BATCH_MAX ? n - i : SATORI_BATCH_MAX,
			   map, NULL, &shared);
		piled += shared;
	}

	/* A fresh copy Q canonical for H2; the pile's frame its client. */
	q = locked_pages(1, false);
	memcpy(q, tmpl, PAGE);
	h2 = rnd() & HASH_MASK;
	qp = (struct satori_page){ gfn_of(q), h2 };
	self_batch(SATORI_OP_register, &qp, 1, NULL, NULL, NULL);
	qp.gfn = pages[0].gfn;
	if (!self_batch(SATORI_OP_register, &qp, 1, map, NULL, &shared))
		client = shared;
	pile_ns = cnt->last_ns;

	for (i = 0; i < n; i++)
		wrong += !!memcmp(pile + i * PAGE, tmpl, PAGE);
	wrong += !!memcmp(q, tmpl, PAGE);
	release_all(&qp, 1);
	qp.gfn = gfn_of(q);
	release_all(&qp, 1);
	release_all(pages, n);
	free(pages);
	printf("SATORI-ATTACK pile pages=%zu piled=%u client_merged=%u "
	       "pile_us=%" PRIu64 " wrong=%zu",
	       n, piled, client, pile_ns / 1000, wrong);
	print_tail(cnt);
	return 0;
}

/* ---- squat, liar ---- */

#define SQUAT_PAGES_MAX 8192

/* A child keeps the garbage mapped (and the index naming it) a while. */
static void hold_pages(unsigned int seconds)
{
	pid_t pid;
	int fd;

	if (!seconds)
		return;
	fflush(stdout);
	pid = fork();
	if (pid != 0)
		return;
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	setsid();
	if (chdir("/"))
		_exit(1);
	sleep(seconds);
	_exit(0);
}

static int cmd_squat(const char *sub, const char *path, unsigned int rounds,
		     unsigned int hold)
{
	struct satori_domain_stats before, after;
	uint64_t done_all = 0, shared_all = 0;
	uint64_t map[SATORI_BATCH_MAX / 64];
	struct satori_page *pages;
	uint32_t done, shared, nr;
	size_t n, i, r;
	uint8_t *buf, *g;
	bool direct;

	buf = read_file(path, SQUAT_PAGES_MAX, &n, &direct);
	pages = calloc(n, sizeof(*pages));
	if (!pages)
		fail("out of memory");
	g = locked_pages(n, false);
	fill_random(g, n * PAGE);
	for (i = 0; i < n; i++)
		pages[i] = (struct satori_page){ gfn_of(g + i * PAGE),
						 key_of(buf + i * PAGE) };
	print_start(sub);
	self_stats(&before);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i += nr) {
			nr = n - i < SATORI_BATCH_MAX ? n - i
						      : SATORI_BATCH_MAX;
			self_batch(SATORI_OP_register, pages + i, nr, map,
				   &done, &shared);
			done_all += done;
			shared_all += shared;
		}
	self_stats(&after);
	free(pages);
	printf("SATORI-ATTACK %s pages=%zu done=%" PRIu64 " shared=%" PRIu64
	       " mismatched=%" PRIu64 " direct=%d hold=%u",
	       sub, n, done_all, shared_all,
	       after.mismatched - before.mismatched, direct, hold);
	print_tail(cnt);
	hold_pages(hold);
	return 0;
}

/* ---- oracle ---- */

/* One byte repeated: a page every domain holds, which says nothing. */
static bool is_fill(const uint8_t *page)
{
	size_t i;

	for (i = 1; i < PAGE; i++)
		if (page[i] != page[0])
			return false;
	return true;
}

/*
 * Exact copies of the distinct, non-fill pages of FILE... (read past this
 * guest's page cache, so its kernel registers nothing of them), registered
 * under their true hashes in one go: how many merge tells whether other
 * domains of this guest's trust group hold the files.
 */
static int cmd_oracle(char **paths, int npaths)
{
	uint64_t map[SATORI_BATCH_MAX / 64], *keys, shared_all = 0;
	size_t n = 0, cap = 0, m, i, j;
	struct satori_page *pages;
	uint8_t *copies, *buf;
	uint32_t shared, nr;
	bool direct = true, d;
	int f;

	print_start("oracle");
	for (f = 0; f < npaths; f++) {
		buf = read_file(paths[f], SQUAT_PAGES_MAX, &m, &d);
		munmap(buf, m * PAGE);
		cap += m;
	}
	copies = locked_pages(cap ? cap : 1, false);
	keys = calloc(cap + 1, sizeof(*keys));
	pages = calloc(cap + 1, sizeof(*pages));
	if (!keys || !pages)
		fail("out of memory");
	for (f = 0; f < npaths; f++) {
		buf = read_file(paths[f], SQUAT_PAGES_MAX, &m, &d);
		direct = direct && d;
		for (i = 0; i < m && n < cap; i++) {
			const uint8_t *pg = buf + i * PAGE;
			uint64_t k = key_of(pg);

			if (is_fill(pg))
				continue;
			for (j = 0; j < n && keys[j] != k; j++)
				;
			if (j < n)
				continue;	/* a duplicate: it would merge */
			memcpy(copies + n * PAGE, pg, PAGE);
			keys[n] = k;
			pages[n] = (struct satori_page){
				gfn_of(copies + n * PAGE), k };
			n++;
		}
		munmap(buf, m * PAGE);
	}
	for (i = 0; i < n; i += nr) {
		nr = n - i < SATORI_BATCH_MAX ? n - i : SATORI_BATCH_MAX;
		self_batch(SATORI_OP_register, pages + i, nr, map, NULL,
			   &shared);
		shared_all += shared;
	}
	release_all(pages, n);
	free(keys);
	free(pages);
	printf("SATORI-ATTACK oracle files=%d pages=%zu shared=%" PRIu64
	       " direct=%d", npaths, n, shared_all, direct);
	print_tail(cnt);
	return 0;
}

/* ---- selfmerge ---- */

/*
 * 2 * pairs locked pages, each odd one a copy of the even one before it
 * (random bytes), registered under their true hashes: each pair merges
 * into one frame. *pages gets the entries (the caller frees them); returns
 * the pages Xen said now share a frame.
 */
static uint32_t merge_own_pairs(size_t pairs, uint8_t **mem,
				struct satori_page **pages)
{
	uint64_t map[SATORI_BATCH_MAX / 64];
	size_t n = 2 * pairs, i;
	uint32_t shared, merged = 0;
	uint8_t *a;

	*pages = calloc(n, sizeof(**pages));
	a = locked_pages(n, false);
	if (!*pages)
		fail("out of memory");
	for (i = 0; i < n; i++) {
		if (i & 1)
			memcpy(a + i * PAGE, a + (i - 1) * PAGE, PAGE);
		else
			fill_random(a + i * PAGE, PAGE);
		(*pages)[i] = (struct satori_page){ gfn_of(a + i * PAGE),
						    key_of(a + i * PAGE) };
	}
	for (i = 0; i < n; i += SATORI_BATCH_MAX) {
		self_batch(SATORI_OP_register, *pages + i,
			   n - i < SATORI_BATCH_MAX ? n - i : SATORI_BATCH_MAX,
			   map, NULL, &shared);
		merged += shared;
	}
	*mem = a;
	return merged;
}

static bool in_ranges(uint64_t pfn, const struct range *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pfn >= r[i].first && pfn <= r[i].last)
			return true;
	return false;
}

/*
 * Populates free gfns from 0x80000 one at a time until Xen refuses (*rc
 * is then what it answered) or cap pages or the range run out (*rc = 1).
 */
static size_t grow(uint64_t *gfns, size_t cap, long *rc)
{
	static struct range used[512];
	size_t nused = iomem(used, 512, false), n = 0;
	uint64_t gfn;
	struct xen_memory_reservation r = {
		.nr_extents = 1,
		.domid = SATORI_DOMID_SELF,
	};

	*rc = 1;
	for (gfn = 0x80000; n < cap && gfn < 0xf0000; gfn++) {
		if (in_ranges(gfn, used, nused))
			continue;
		gfns[n] = gfn;
		r.extent_start = P(&gfns[n]);
		*rc = memory_op(XENMEM_populate_physmap, P(&r));
		if (*rc != 1)
			break;
		n++;
	}
	return n;
}

static size_t shrink(uint64_t *gfns, size_t n)
{
	struct xen_memory_reservation r = { .domid = SATORI_DOMID_SELF };
	size_t i, back = 0;
	long rc;

	for (i = 0; i < n; i += 512) {
		r.extent_start = P(gfns + i);
		r.nr_extents = n - i < 512 ? n - i : 512;
		rc = memory_op(XENMEM_decrease_reservation, P(&r));
		if (rc > 0)
			back += rc;
	}
	return back;
}

static int cmd_selfmerge(size_t pairs)
{
	long max_pages, tot_before, tot_merged, tot_after, stop_rc;
	size_t n = 2 * pairs, cap, populated, back;
	struct satori_domain_stats s;
	struct satori_page *pages;
	uint64_t *gfns;
	uint32_t merged;
	int64_t over;
	uint8_t *a;

	print_start("selfmerge");
	max_pages = self_memory_op(XENMEM_maximum_reservation);
	tot_before = self_memory_op(XENMEM_current_reservation);
	if (max_pages < 0 || tot_before < 0)
		fail("memory_op: cannot read this domain's reservation "
		     "(max %ld, current %ld)", max_pages, tot_before);

	merged = merge_own_pairs(pairs, &a, &pages);
	tot_merged = self_memory_op(XENMEM_current_reservation);

	cap = (max_pages > tot_before ? max_pages - tot_before : 0) + n + 256;
	if (cap > 0xf0000 - 0x80000)
		cap = 0xf0000 - 0x80000;	/* what grow() can try anyway */
	gfns = calloc(cap, sizeof(*gfns));
	if (!gfns)
		fail("out of memory");
	populated = grow(gfns, cap, &stop_rc);
	tot_after = self_memory_op(XENMEM_current_reservation);
	self_stats(&s);
	over = (int64_t)tot_after + (int64_t)s.shared - max_pages;
	back = shrink(gfns, populated);
	release_all(pages, n);
	free(gfns);
	free(pages);

	printf("SATORI-ATTACK selfmerge pairs=%zu merged=%u max_pages=%ld "
	       "tot_before=%ld tot_merged=%ld tot_after=%ld populated=%zu "
	       "refused=%d populate_rc=%ld shared_gfns=%" PRIu64
	       " over_allocation=%" PRId64 " returned=%zu",
	       pairs, merged, max_pages, tot_before, tot_merged, tot_after,
	       populated, stop_rc != 1, stop_rc, s.shared, over > 0 ? over : 0, back);
	print_tail(cnt);
	return 0;
}

/* ---- hoard ---- */

#define HOARD_KEY 0x686f617264000000ULL

/*
 * Gains an entitlement by merging its own pages pairwise (a pair of equal
 * pages saves a frame, half credited to each), then puts as many volatile
 * frames as Xen lends it, from those pages, and (HOLD) keeps the pages
 * mapped in a child for HOLD seconds, so that its entitlement and its
 * volatile frames stay while dom0 takes them back by force and destroys
 * the domain: the work Xen must do in bounded steps.
 */
static int cmd_hoard(size_t pairs, unsigned int hold)
{
	struct satori_volatile_stats vs;
	struct satori_volatile_op op;
	struct satori_vpage e[SATORI_BATCH_MAX];
	uint64_t map[SATORI_BATCH_MAX / 64];
	struct satori_page *pages;
	uint32_t merged, stored = 0;
	size_t i, j;
	uint8_t *a;

	print_start("hoard");
	merged = merge_own_pairs(pairs, &a, &pages);
	/* One key per pair: as many as the entitlement can take, and more. */
	for (i = 0; i < pairs; i += SATORI_BATCH_MAX) {
		memset(&op, 0, sizeof(op));
		op.domid = SATORI_DOMID_SELF;
		op.nr = pairs - i < SATORI_BATCH_MAX ? pairs - i
						     : SATORI_BATCH_MAX;
		op.pages = P(e);
		op.map = P(map);
		for (j = 0; j < op.nr; j++)
			e[j] = (struct satori_vpage){ HOARD_KEY + i + j,
						      pages[2 * (i + j)].gfn,
						      1 };
		if (!satori_op(SATORI_OP_volatile_put, P(&op)))
			stored += op.done;
	}
	memset(&vs, 0, sizeof(vs));
	vs.domid = SATORI_DOMID_SELF;
	satori_op(SATORI_OP_volatile_stats, P(&vs));
	printf("SATORI-ATTACK hoard pairs=%zu merged=%u stored=%u held=%" PRIu64
	       " entitled=%" PRIu64 " hold=%u",
	       pairs, merged, stored, vs.held, vs.entitled, hold);
	print_tail(cnt);
	hold_pages(hold);
	return 0;
}

/* ---- watch ---- */

#define WATCH_KEY 0x7761746368000000ULL

static volatile sig_atomic_t watch_stop;

static void on_term(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* What one round of the watch sees: all of it must stay the same. */
struct watch_view {
	uint64_t held, entitled, owed, requests, repaid, forced;
};

/* Flush or put keys WATCH_KEY + 0 .. n - 1 from pages[2 * i].gfn. */
static void watch_batch(uint64_t cmd, const struct satori_page *pages,
			size_t n)
{
	struct satori_vpage e[SATORI_BATCH_MAX];
	struct satori_volatile_op op;
	size_t i, j;

	for (i = 0; i < n; i += SATORI_BATCH_MAX) {
		memset(&op, 0, sizeof(op));
		op.domid = SATORI_DOMID_SELF;
		op.nr = n - i < SATORI_BATCH_MAX ? n - i : SATORI_BATCH_MAX;
		op.pages = P(e);
		for (j = 0; j < op.nr; j++)
			e[j] = cmd == SATORI_OP_volatile_flush
			       ? (struct satori_vpage){ WATCH_KEY + i + j, 0, 0 }
			       : (struct satori_vpage){ WATCH_KEY + i + j,
							pages[2 * (i + j)].gfn,
							1 };
		satori_op(cmd, P(&op));
	}
}

static void watch_round(const struct satori_page *pages, size_t pairs,
			struct watch_view *w)
{
	struct satori_volatile_stats vs;

	watch_batch(SATORI_OP_volatile_flush, pages, pairs);
	watch_batch(SATORI_OP_volatile_put, pages, pairs);
	memset(&vs, 0, sizeof(vs));
	vs.domid = SATORI_DOMID_SELF;
	satori_op(SATORI_OP_volatile_stats, P(&vs));
	*w = (struct watch_view){ vs.held, vs.entitled, vs.owed,
				  vs.requests, vs.repaid, vs.forced };
}

static void print_view(const struct watch_view *w)
{
	printf(" held=%" PRIu64 " entitled=%" PRIu64 " owed=%" PRIu64
	       " requests=%" PRIu64 " repaid=%" PRIu64 " forced=%" PRIu64,
	       w->held, w->entitled, w->owed, w->requests, w->repaid,
	       w->forced);
}

static int cmd_watch(size_t pairs, unsigned int seconds, unsigned int hold)
{
	struct watch_view first, now;
	struct satori_page *pages;
	uint64_t end = now_ns() + (uint64_t)seconds * 1000000000ULL;
	unsigned int rounds = 1, changes = 0;
	uint32_t merged;
	uint8_t *a;

	signal(SIGTERM, on_term);
	print_start("watch");
	merged = merge_own_pairs(pairs, &a, &pages);
	watch_round(pages, pairs, &first);
	printf("SATORI-ATTACK watch ready pairs=%zu merged=%u", pairs, merged);
	print_view(&first);
	printf("\n");
	while (!watch_stop && now_ns() < end) {
		sleep(1);
		watch_round(pages, pairs, &now);
		rounds++;
		if (!memcmp(&now, &first, sizeof(now)))
			continue;
		if (++changes <= 8) {
			printf("SATORI-ATTACK watch change round=%u", rounds);
			print_view(&now);
			printf("\n");
		}
	}
	watch_batch(SATORI_OP_volatile_flush, pages, pairs);
	release_all(pages, 2 * pairs);
	free(pages);
	printf("SATORI-ATTACK watch pairs=%zu merged=%u rounds=%u changes=%u",
	       pairs, merged, rounds, changes);
	print_view(&first);
	print_tail(cnt);
	hold_pages(hold);
	return 0;
}

/* ---- putloop ---- */

#define PUTLOOP_KEY 0x7075746c00000000ULL

static int cmd_putloop(unsigned int seconds)
{
	struct satori_vpage e[SATORI_BATCH_MAX];
	struct satori_volatile_stats vs;
	struct satori_volatile_op op;
	uint64_t end = now_ns() + (uint64_t)seconds * 1000000000ULL;
	uint64_t key = PUTLOOP_KEY, batches = 0, stored = 0;
	uint8_t *a;
	size_t j;

	print_start("putloop");
	a = locked_pages(SATORI_BATCH_MAX, false);
	fill_random(a, SATORI_BATCH_MAX * PAGE);
	while (now_ns() < end) {
		memset(&op, 0, sizeof(op));
		op.domid = SATORI_DOMID_SELF;
		op.nr = SATORI_BATCH_MAX;
		op.pages = P(e);
		for (j = 0; j < op.nr; j++)
			e[j] = (struct satori_vpage){ key++,
						      gfn_of(a + j * PAGE), 1 };
		if (!satori_op(SATORI_OP_volatile_put, P(&op)))
			stored += op.done;
		batches++;
	}
	memset(&vs, 0, sizeof(vs));
	vs.domid = SATORI_DOMID_SELF;
	satori_op(SATORI_OP_volatile_stats, P(&vs));
	printf("SATORI-ATTACK putloop seconds=%u batches=%" PRIu64
	       " stored=%" PRIu64 " held=%" PRIu64 " replaced=%" PRIu64,
	       seconds, batches, stored, vs.held, vs.replaced);
	print_tail(cnt);
	return 0;
}

/* ---- pool ---- */

/*
 * Populates one page at the start of each 2 MiB region from 4 GiB up, so
 * that every one needs a new p2m table from the domain's paging pool,
 * until Xen refuses (the pool is empty, or max_pages is reached) or cap.
 */
static size_t spread(uint64_t *gfns, size_t cap, long *rc)
{
	struct xen_memory_reservation r = {
		.nr_extents = 1,
		.domid = SATORI_DOMID_SELF,
	};
	size_t n = 0;

	*rc = 1;
	while (n < cap) {
		gfns[n] = 0x100000 + (uint64_t)n * 512;
		r.extent_start = P(&gfns[n]);
		*rc = memory_op(XENMEM_populate_physmap, P(&r));
		if (*rc != 1)
			break;
		n++;
	}
	return n;
}

/* Populates gfns[0..n) again, one page each; how many took. */
static size_t refill(const uint64_t *gfns, size_t n)
{
	struct xen_memory_reservation r = {
		.nr_extents = 1,
		.domid = SATORI_DOMID_SELF,
	};
	uint64_t g;
	size_t i, done = 0;

	for (i = 0; i < n; i++) {
		g = gfns[i];
		r.extent_start = P(&g);
		done += memory_op(XENMEM_populate_physmap, P(&r)) == 1;
	}
	return done;
}

/*
 * Pages given back to Xen to make room under max_pages for the spread
 * (a guest is allocated up to its max). Locked and never touched while
 * they are gone; refilled before the program ends.
 */
#define POOL_DONORS 4096

static int cmd_pool(size_t pairs)
{
	struct satori_domain_stats before, after;
	uint64_t map[SATORI_BATCH_MAX / 64], *gfns;
	size_t n = 2 * pairs, i, cap = 65536, populated, back;
	struct satori_page *pages;
	uint32_t shared, merged = 0;
	static uint64_t donor_gfns[POOL_DONORS];
	long stop_rc, max_pages, tot, headroom;
	size_t given, refilled;
	uint8_t *a, *donors;

	print_start("pool");
	pages = calloc(n, sizeof(*pages));
	gfns = calloc(cap, sizeof(*gfns));
	a = locked_pages(n, false);
	if (!pages || !gfns)
		fail("out of memory");
	for (i = 0; i < n; i++) {
		if (i & 1)
			memcpy(a + i * PAGE, a + (i - 1) * PAGE, PAGE);
		else
			fill_random(a + i * PAGE, PAGE);
		pages[i] = (struct satori_page){ gfn_of(a + i * PAGE),
						 key_of(a + i * PAGE) };
	}
	donors = locked_pages(POOL_DONORS, false);
	for (i = 0; i < POOL_DONORS; i++)
		donor_gfns[i] = gfn_of(donors + i * PAGE);
	given = shrink(donor_gfns, POOL_DONORS);
	max_pages = self_memory_op(XENMEM_maximum_reservation);
	populated = spread(gfns, cap, &stop_rc);
	tot = self_memory_op(XENMEM_current_reservation);
	self_stats(&before);
	/* Room left under max_pages: > 0 means the pool, not it, ran out. */
	headroom = max_pages - tot - (long)before.shared;
	/* Nominating a gfn inside a superpage must split it: no pool left. */
	for (i = 0; i < n; i += SATORI_BATCH_MAX) {
		self_batch(SATORI_OP_register, pages + i,
			   n - i < SATORI_BATCH_MAX ? n - i : SATORI_BATCH_MAX,
			   map, NULL, &shared);
		merged += shared;
	}
	self_stats(&after);
	back = shrink(gfns, populated);
	refilled = refill(donor_gfns, POOL_DONORS);
	release_all(pages, n);
	free(gfns);
	free(pages);

	printf("SATORI-ATTACK pool pairs=%zu given=%zu populated=%zu "
	       "populate_rc=%ld headroom=%ld merged=%u skipped=%" PRIu64
	       " returned=%zu refilled=%zu",
	       pairs, given, populated, stop_rc, headroom, merged,
	       after.skipped - before.skipped, back, refilled);
	print_tail(cnt);
	return 0;
}

/* ---- main ---- */

/* ---- report ---- */

/* What byte j of reported page i holds once the two writers are done. */
static uint8_t report_byte(size_t i, size_t j)
{
	return (uint8_t)(i * 131 + j * 7 + 1) | 1;
}

struct half_writer {
	uint8_t *pages;
	size_t n, half;		/* half: 0 writes bytes 0..2047, 1 the rest */
	pthread_barrier_t *start;
};

static void *write_halves(void *arg)
{
	struct half_writer *w = arg;
	cpu_set_t cpus;
	size_t i, j, from = w->half * PAGE / 2;

	CPU_ZERO(&cpus);
	CPU_SET(w->half, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);	/* one vCPU each */
	pthread_barrier_wait(w->start);
	for (i = 0; i < w->n; i++)
		for (j = from; j < from + PAGE / 2; j++)
			w->pages[i * PAGE + j] = report_byte(i, j);
	return NULL;
}

/* One SATORI_OP_report of entries (hash 0 unless set), as given. */
static long report_batch(uint16_t domid, const struct satori_page *e,
			 uint32_t nr, uint32_t *done)
{
	uint64_t map[SATORI_BATCH_MAX / 64 + 1];
	struct satori_batch_op b = {
		.domid = domid, .nr = nr, .pages = P(e), .shared_map = P(map),
	};
	long rc = satori_op(SATORI_OP_report, P(&b));

	if (done)
		*done = rc ? 0 : b.done;
	return rc;
}

static int cmd_report(size_t n)
{
	struct satori_page e[SATORI_BATCH_MAX + 1];
	struct satori_domain_stats before, after;
	pthread_barrier_t start;
	pthread_t t[2];
	struct half_writer w[2];
	uint8_t *pages, *good;
	uint32_t done, reported = 0;
	size_t i, j, zero = 0, wrong = 0, unchanged;
	long bad_gfn, hash, domid, empty, big;

	print_start("report");
	pages = locked_pages(n, true);
	for (i = 0; i < n * PAGE; i++)
		pages[i] = report_byte(i / PAGE, i % PAGE) ^ 0x5a;
	/* Each gfn twice in its batch: SATORI_BATCH_MAX / 2 pages a batch. */
	for (i = 0; i < n; i += SATORI_BATCH_MAX / 2) {
		size_t k, m = n - i < SATORI_BATCH_MAX / 2 ? n - i
							 : SATORI_BATCH_MAX / 2;

		for (k = 0; k < m; k++) {
			uint64_t gfn = gfn_of(pages + (i + k) * PAGE);

			e[2 * k] = (struct satori_page){ gfn, 0 };
			e[2 * k + 1] = e[2 * k];
		}
		if (!report_batch(SATORI_DOMID_SELF, e, 2 * m, &done))
			reported += done;
	}
	for (i = 0; i < n; i++) {
		const uint64_t *q = (const uint64_t *)(pages + i * PAGE);
		uint64_t any = 0;

		for (j = 0; j < PAGE / 8; j++)
			any |= q[j];
		zero += !any;
	}

	/* Bad batches change nothing: good keeps its data. */
	good = locked_pages(1, true);
	memset(good, 0xa5, PAGE);
	e[0] = (struct satori_page){ gfn_of(good), 0 };
	e[1] = (struct satori_page){ 1ULL << 40, 0 };
	bad_gfn = report_batch(SATORI_DOMID_SELF, e, 2, NULL);
	e[1] = e[0];
	e[1].hash = 1;
	hash = report_batch(SATORI_DOMID_SELF, e, 2, NULL);
	domid = report_batch(0, e, 1, NULL);
	empty = report_batch(SATORI_DOMID_SELF, e, 0, NULL);
	for (i = 0; i <= SATORI_BATCH_MAX; i++)
		e[i] = e[0];
	big = report_batch(SATORI_DOMID_SELF, e, SATORI_BATCH_MAX + 1, NULL);
	for (unchanged = 0, i = 0; i < PAGE; i++)
		unchanged += good[i] == 0xa5;

	/* Two vCPUs write the two halves of every reported page at once. */
	self_stats(&before);
	pthread_barrier_init(&start, NULL, 2);
	for (i = 0; i < 2; i++) {
		w[i] = (struct half_writer){ pages, n, i, &start };
		if (pthread_create(&t[i], NULL, write_halves, &w[i]))
			fail("pthread_create: %s", strerror(errno));
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	self_stats(&after);
	for (i = 0; i < n; i++)
		for (j = 0; j < PAGE; j++)
			if (pages[i * PAGE + j] != report_byte(i, j)) {
				wrong++;
				break;
			}

	printf("SATORI-ATTACK report pages=%zu reported=%u zero_pages=%zu "
	       "bad_gfn_rc=%ld hash_rc=%ld domid_rc=%ld empty_rc=%ld "
	       "big_rc=%ld unchanged=%zu refaults=%" PRIu64 " wrong=%zu",
	       n, reported, zero, bad_gfn, hash, domid, empty, big,
	       (size_t)(unchanged == PAGE), after.zero_breaks - before.zero_breaks,
	       wrong);
	print_tail(cnt);
	return 0;
}

/* ---- refault ---- */

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmd_refault(size_t n)
{
	struct satori_page e[SATORI_BATCH_MAX];
	double *us = calloc(n, sizeof(*us)), sum = 0;
	uint32_t done, reported = 0;
	uint8_t *pages;
	size_t i, k;

	if (!us)
		fail("out of memory");
	print_start("refault");
	pages = locked_pages(n, true);
	for (i = 0; i < n * PAGE; i++)
		pages[i] = (uint8_t)(i / PAGE * 7 + i) | 1;
	for (i = 0; i < n; i += SATORI_BATCH_MAX) {
		size_t m = n - i < SATORI_BATCH_MAX ? n - i : SATORI_BATCH_MAX;

		for (k = 0; k < m; k++)
			e[k] = (struct satori_page){
				gfn_of(pages + (i + k) * PAGE), 0 };
		if (!report_batch(SATORI_DOMID_SELF, e, m, &done))
			reported += done;
	}
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		*(volatile uint8_t *)(pages + i * PAGE) = 1;
		us[i] = (now_ns() - t0) / 1000.0;
		sum += us[i];
	}
	qsort(us, n, sizeof(*us), by_value);
	printf("SATORI-ATTACK refault pages=%zu reported=%u p50_us=%.1f "
	       "p90_us=%.1f p99_us=%.1f mean_us=%.1f",
	       n, reported, us[n / 2], us[n * 9 / 10], us[n * 99 / 100],
	       sum / n);
	print_tail(cnt);
	free(us);
	return 0;
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: satori_attack fuzz [CALLS [SEED [FILE...]]]\n"
		"       satori_attack crossshare FILE\n"
		"       satori_attack pile [PAGES]\n"
		"       satori_attack squat FILE [HOLD_SECONDS]\n"
		"       satori_attack liar FILE [HOLD_SECONDS]\n"
		"       satori_attack oracle FILE...\n"
		"       satori_attack hoard PAIRS [HOLD]\n"
		"       satori_attack watch PAIRS [SECONDS [HOLD]]\n"
		"       satori_attack putloop SECONDS\n"
		"       satori_attack selfmerge [PAIRS]\n"
		"       satori_attack pool [PAIRS]\n"
		"       satori_attack report [PAGES]\n"
		"       satori_attack refault [PAGES]\n"
		"A hostile guest's attacks on the Satori hypercall; run as root\n"
		"in a PVH guest booted with xen_privcmd.unrestricted=1.\n");
	exit(1);
}

/* A positive number argument, or the default when absent. */
static uint64_t number(int argc, char **argv, int i, uint64_t def)
{
	char *end;
	uint64_t v;

	if (i >= argc)
		return def;
	errno = 0;
	v = strtoull(argv[i], &end, 0);
	if (errno || *end || end == argv[i] || argv[i][0] == '-')
		usage();
	return v;
}

static void open_devices(void)
{
	privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (privcmd < 0)
		fail("/dev/xen/privcmd: %s", strerror(errno));
	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		fail("/proc/self/pagemap: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* fresh random hashes each run, so runs never meet in the index */
	seed = rng = now_ns() ^ ((uint64_t)getpid() << 32);

	if (!strcmp(sub, "report") && argc <= 3) {
		uint64_t n = number(argc, argv, 2, 4096);

		if (n > 65536)
			usage();
		open_devices();
		return cmd_report(n);
	}
	if (!strcmp(sub, "refault") && argc <= 3) {
		uint64_t n = number(argc, argv, 2, 4096);

		if (n > 65536)
			usage();
		open_devices();
		return cmd_refault(n);
	}
	if (!strcmp(sub, "fuzz")) {
		uint64_t calls = number(argc, argv, 2, 1000000);

		seed = rng = number(argc, argv, 3, 1);
		open_devices();
		return cmd_fuzz(calls, argv + 4, argc > 4 ? argc - 4 : 0);
	}
	if (!strcmp(sub, "crossshare") && argc == 3) {
		open_devices();
		return cmd_crossshare(argv[2]);
	}
	if (!strcmp(sub, "pile") && argc <= 3) {
		uint64_t n = number(argc, argv, 2, 20000);

		if (!n)
			usage();
		open_devices();
		return cmd_pile(n);
	}
	if (!strcmp(sub, "oracle") && argc >= 3) {
		open_devices();
		return cmd_oracle(argv + 2, argc - 2);
	}
	if ((!strcmp(sub, "squat") || !strcmp(sub, "liar")) &&
	    (argc == 3 || argc == 4)) {
		unsigned int hold = number(argc, argv, 3, 0);

		open_devices();
		return cmd_squat(sub, argv[2], sub[0] == 'l' ? 3 : 1, hold);
	}
	if (!strcmp(sub, "selfmerge") && argc <= 3) {
		uint64_t pairs = number(argc, argv, 2, 1024);

		if (!pairs)
			usage();
		open_devices();
		return cmd_selfmerge(pairs);
	}
	if (!strcmp(sub, "hoard") && (argc == 3 || argc == 4)) {
		uint64_t pairs = number(argc, argv, 2, 0);

		if (!pairs)
			usage();
		open_devices();
		return cmd_hoard(pairs, number(argc, argv, 3, 0));
	}
	if (!strcmp(sub, "watch") && argc >= 3 && argc <= 5) {
		uint64_t pairs = number(argc, argv, 2, 0);

		if (!pairs)
			usage();
		open_devices();
		return cmd_watch(pairs, number(argc, argv, 3, 3600),
				 number(argc, argv, 4, 0));
	}
	if (!strcmp(sub, "putloop") && argc == 3) {
		uint64_t seconds = number(argc, argv, 2, 0);

		if (!seconds)
			usage();
		open_devices();
		return cmd_putloop(seconds);
	}
	if (!strcmp(sub, "pool") && argc <= 3) {
		uint64_t pairs = number(argc, argv, 2, 256);

		if (!pairs || pairs > 4096)
			usage();
		open_devices();
		return cmd_pool(pairs);
	}
	usage();
}
