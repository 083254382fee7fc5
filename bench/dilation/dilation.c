// SPDX-License-Identifier: MIT
/*
 * dilation: CPU-bound kernels timed the same way natively, in dom0 and in a
 * lab guest, so that the lab's time can be scaled to this machine's. Under
 * QEMU's TCG every instruction is emulated; how much slower that is depends
 * on what the code does, so there are three kernels, each like a part of
 * Satori's read path:
 *
 *   xxh64    hash 64 MiB in 4 KiB pages (a hint's hash; Xen's compare)
 *   copy4k   copy 4 KiB pages through a 64 MiB buffer (a volatile put or
 *            get, a copy-on-write break)
 *   syscall  enter and leave the kernel (getppid(2)): a request's trips
 *
 * Each kernel runs ROUNDS times (default 7) after one warm-up run, and one
 * line per kernel gives the time per unit of the fastest, median and
 * slowest round:
 *
 *   dilation: kernel=xxh64 unit=page rounds=7 min_ns=N median_ns=N max_ns=N
 *
 * The xxh64 here is written from the algorithm's specification; it checks
 * itself against the hash of a zero page that Satori's interface fixes
 * (SATORI_ZERO_HASH) and exits with status 1 if it differs, so a broken
 * build cannot time the wrong work. Bad arguments: status 2.
 *
 * Built twice from this one file: natively (CMake, for this machine and
 * dom0, whose userland is this machine's) and static for the lab guests'
 * initramfs (scripts/build-lab-images.sh).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u
#define BUF_BYTES (64u << 20)
#define BUF_PAGES (BUF_BYTES / PAGE)
#define SYSCALLS 200000u
#define MAX_ROUNDS 101

/*
 * xxh64 of 4 KiB of zeros, seed 0, as public/satori.h gives it
 * (SATORI_ZERO_HASH): bit 63 cleared, as Satori's hashes may have it.
 */
#define ZERO_PAGE_XXH64 0x2c869b6f32d8bbdbULL
#define BIT63 (1ULL << 63)

static const uint64_t P1 = 0x9E3779B185EBCA87ULL;
static const uint64_t P2 = 0xC2B2AE3D27D4EB4FULL;
static const uint64_t P3 = 0x165667B19E3779F9ULL;
static const uint64_t P4 = 0x85EBCA77C2B2AE63ULL;

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t read64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v)); /* little-endian hosts only (x86) */
	return v;
}

static uint64_t round64(uint64_t acc, uint64_t in)
{
	return rotl(acc + in * P2, 31) * P1;
}

static uint64_t merge64(uint64_t acc, uint64_t v)
{
	return (acc ^ round64(0, v)) * P1 + P4;
}

/*
 * xxh64 of len bytes, seed 0, for len a multiple of 32 (whole pages): the
 * tail of fewer than 32 bytes is never needed here.
 */
static uint64_t xxh64_pages(const unsigned char *p, size_t len)
{
	uint64_t v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1, h;
	const unsigned char *end = p + len;

	for (; p < end; p += 32) {
		v1 = round64(v1, read64(p));
		v2 = round64(v2, read64(p + 8));
		v3 = round64(v3, read64(p + 16));
		v4 = round64(v4, read64(p + 24));
	}
	h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
	h = merge64(merge64(merge64(merge64(h, v1), v2), v3), v4);
	h += len;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned char *buf, *dst;
static volatile uint64_t sink; /* keeps the work from being optimised out */

static void run_xxh64(void)
{
	uint64_t acc = 0;
	unsigned int i;

	for (i = 0; i < BUF_PAGES; i++)
		acc ^= xxh64_pages(buf + (size_t)i * PAGE, PAGE);
	sink = acc;
}

static void run_copy4k(void)
{
	unsigned int i;

	for (i = 0; i < BUF_PAGES; i++)
		memcpy(dst + (size_t)(i & 255) * PAGE, buf + (size_t)i * PAGE,
		       PAGE);
	sink = dst[(BUF_PAGES - 1) & 255];
}

static void run_syscall(void)
{
	unsigned int i;

	for (i = 0; i < SYSCALLS; i++)
		sink += (uint64_t)syscall(SYS_getppid);
}

struct kernel {
	const char *name, *unit;
	void (*run)(void);
	unsigned int units;
};

static const struct kernel kernels[] = {
	{ "xxh64", "page", run_xxh64, BUF_PAGES },
	{ "copy4k", "page", run_copy4k, BUF_PAGES },
	{ "syscall", "call", run_syscall, SYSCALLS },
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void time_kernel(const struct kernel *k, unsigned int rounds)
{
	uint64_t ns[MAX_ROUNDS], t;
	unsigned int r;

	k->run(); /* warm-up: page faults, caches */
	for (r = 0; r < rounds; r++) {
		t = now_ns();
		k->run();
		ns[r] = (now_ns() - t) / k->units;
	}
	qsort(ns, rounds, sizeof(ns[0]), cmp_u64);
	printf("dilation: kernel=%s unit=%s rounds=%u min_ns=%" PRIu64
	       " median_ns=%" PRIu64 " max_ns=%" PRIu64 "\n",
	       k->name, k->unit, rounds, ns[0], ns[rounds / 2],
	       ns[rounds - 1]);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned long rounds = 7;
	unsigned int i;
	char *end;

	if (argc > 2 || (argc == 2 && (!strcmp(argv[1], "-h") ||
				       !strcmp(argv[1], "--help")))) {
		fprintf(argc > 2 ? stderr : stdout,
			"usage: dilation [ROUNDS]  (1 to %d, default 7)\n",
			MAX_ROUNDS);
		return argc > 2 ? 2 : 0;
	}
	if (argc == 2) {
		rounds = strtoul(argv[1], &end, 10);
		if (*end || !*argv[1] || rounds < 1 || rounds > MAX_ROUNDS) {
			fprintf(stderr, "dilation: ROUNDS must be 1 to %d, not '%s'\n",
				MAX_ROUNDS, argv[1]);
			return 2;
		}
	}
	buf = calloc(BUF_PAGES, PAGE);
	dst = malloc(256 * PAGE);
	if (!buf || !dst) {
		fprintf(stderr, "dilation: no memory for %u MiB\n",
			BUF_BYTES >> 20);
		return 1;
	}
	if ((xxh64_pages(buf, PAGE) & ~BIT63) != ZERO_PAGE_XXH64) {
		fprintf(stderr, "dilation: xxh64 of a zero page is %016" PRIx64
			", not %016llx: this build's hash is wrong\n",
			xxh64_pages(buf, PAGE), ZERO_PAGE_XXH64);
		return 1;
	}
	/* Not zeros: some TCG paths are faster on them. */
	for (i = 0; i < BUF_BYTES / 4; i++)
		((uint32_t *)buf)[i] = i * 2654435761u;
	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++)
		time_kernel(&kernels[i], (unsigned int)rounds);
	return 0;
}
