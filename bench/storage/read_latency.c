// SPDX-License-Identifier: MIT
/*
 * read_latency: the latency one 4 KiB read really gets from a block device,
 * as a program sees it. Reads COUNT random 4 KiB-aligned blocks of DEVICE
 * one at a time (queue depth 1) with O_DIRECT, so no page cache answers,
 * and times each read(2) on CLOCK_MONOTONIC. One line:
 *
 *   read-latency: dev=DEVICE reads=N mean_us=X p50_us=X p99_us=X min_us=X max_us=X
 *
 * The storage model (bench/storage/classes.conf) uses it to show the delay
 * a class's disk adds, in dom0 on the model's disk and in a guest through
 * blkfront and blkback, beside the delay the model meant.
 *
 *   read_latency DEVICE [COUNT [SEED]]   COUNT 1..100000 (default 200)
 *
 * Exit status: 0 measured; 1 the device could not be opened, sized or
 * read (a message on stderr says which); 2 bad arguments.
 *
 * Built twice from this one file: natively (CMake: this machine and dom0)
 * and static for the lab guests' initramfs (scripts/build-lab-images.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096u
#define MAX_COUNT 100000ul

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: reproducible offsets for a given seed. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static int parse_ul(const char *s, unsigned long lo, unsigned long hi,
		    unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || end == s || *v < lo || *v > hi ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 200, seed = 1;
	uint64_t size, blocks, sum = 0, s, *ns;
	void *buf;
	int fd;

	if (argc < 2 || argc > 4 ||
	    (argc > 2 && parse_ul(argv[2], 1, MAX_COUNT, &count)) ||
	    (argc > 3 && parse_ul(argv[3], 1, ~0ul, &seed))) {
		fprintf(stderr, "usage: read_latency DEVICE [COUNT [SEED]] (COUNT 1..%lu, SEED > 0)\n",
			MAX_COUNT);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "read_latency: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) && (off_t)(size = lseek(fd, 0, SEEK_END)) < 0) {
		fprintf(stderr, "read_latency: %s: cannot size: %s\n", argv[1], strerror(errno));
		return 1;
	}
	blocks = size / BLOCK;
	ns = calloc(count, sizeof(*ns));
	if (!blocks || !ns || posix_memalign(&buf, BLOCK, BLOCK)) {
		fprintf(stderr, "read_latency: %s: %s\n", argv[1],
			blocks ? "out of memory" : "smaller than one block");
		return 1;
	}
	s = seed;
	for (unsigned long i = 0; i < count; i++) {
		off_t off = (off_t)(next_rand(&s) % blocks) * BLOCK;
		uint64_t t0 = now_ns();

		if (pread(fd, buf, BLOCK, off) != BLOCK) {
			fprintf(stderr, "read_latency: %s: read at %lld failed: %s\n",
				argv[1], (long long)off, strerror(errno));
			return 1;
		}
		ns[i] = now_ns() - t0;
		sum += ns[i];
	}
	qsort(ns, count, sizeof(*ns), cmp_u64);
	printf("read-latency: dev=%s reads=%lu mean_us=%.1f p50_us=%.1f p99_us=%.1f min_us=%.1f max_us=%.1f\n",
	       argv[1], count, sum / 1e3 / count, ns[count / 2] / 1e3,
	       ns[count * 99 / 100] / 1e3,
	       ns[0] / 1e3, ns[count - 1] / 1e3);
	free(ns);
	free(buf);
	close(fd);
	return 0;
}
