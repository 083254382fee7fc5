/*
 * fill_memory: fills PERCENT of the guest's available memory with data of
 * its own and checks every byte of it, so that the pages the guest had
 * reported free to Xen (now on a zero frame) are all written again: each
 * first write is a copy-on-write break off the zero frame (a refault).
 *
 *   fill_memory PERCENT
 *
 * Allocates PERCENT (1..95) of /proc/meminfo's MemAvailable as anonymous
 * memory, writes every page (a pattern derived from the page's index, so
 * no two pages are equal and none is zeros), then reads all of it back and
 * compares. Prints "pages=N wrong=N write_ms=N check_ms=N": wrong counts
 * pages that did not read back what was written. Exit status 0 when it
 * ran to its end (whatever wrong is), 1 on a usage or allocation error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096UL

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000ULL + t.tv_nsec / 1000000;
}

static uint64_t mem_available_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kib = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Word w of page i: never zero, different for every page. */
static uint64_t word(size_t i, size_t w)
{
	return ((uint64_t)i << 20 | w) * 0x9e3779b97f4a7c15ULL | 1;
}

int main(int argc, char **argv)
{
	long percent = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
	size_t i, w, pages, wrong = 0;
	uint64_t t0, t1, t2, *mem;

	if (percent < 1 || percent > 95) {
		fprintf(stderr, "usage: fill_memory PERCENT (1..95)\n");
		return 1;
	}
	pages = mem_available_kib() / 4 * percent / 100;
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!pages || mem == MAP_FAILED) {
		fprintf(stderr, "fill_memory: cannot map %zu pages\n", pages);
		return 1;
	}
	madvise(mem, pages * PAGE, MADV_NOHUGEPAGE);
	t0 = now_ms();
	for (i = 0; i < pages; i++)
		for (w = 0; w < PAGE / 8; w++)
			mem[i * (PAGE / 8) + w] = word(i, w);
	t1 = now_ms();
	for (i = 0; i < pages; i++)
		for (w = 0; w < PAGE / 8; w++)
			if (mem[i * (PAGE / 8) + w] != word(i, w)) {
				wrong++;
				break;
			}
	t2 = now_ms();
	printf("pages=%zu wrong=%zu write_ms=%llu check_ms=%llu\n", pages,
	       wrong, (unsigned long long)(t1 - t0),
	       (unsigned long long)(t2 - t1));
	return 0;
}
