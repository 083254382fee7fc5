/*
 * cow_time: times the first write to each page of FILEs through a shared
 * writable mapping. The byte written is the one already there, so the data
 * does not change; when the page-cache page sits on a frame Satori shared,
 * the write is a copy-on-write break in the hypervisor, and its time is
 * what this measures (with the guest's own write fault, the same for
 * every page).
 *
 *   cow_time [-n MAX] FILE...
 *
 * Stops after MAX pages (default: every page of every FILE). Prints
 * "pages=N files=N p50_us=X p90_us=X p99_us=X mean_us=X" (files: how many
 * FILEs it began; times in microseconds, one decimal). Exit status 0 on
 * success, 1 on error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	size_t n = 0, cap = 0, max = (size_t)-1, files = 0;
	double *us = NULL, sum = 0;
	long page = sysconf(_SC_PAGESIZE);
	int first = 1;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		max = strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: cow_time [-n MAX] FILE...\n");
		return 1;
	}
	for (int f = first; f < argc && n < max; f++) {
		struct stat st;
		volatile char *map;
		int fd = open(argv[f], O_RDWR);

		if (fd < 0 || fstat(fd, &st)) {
			perror(argv[f]);
			return 1;
		}
		files++;
		if (st.st_size < page) {
			close(fd);
			continue;
		}
		map = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   fd, 0);
		if (map == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (off_t o = 0; o + page <= st.st_size && n < max; o += page) {
			char c = map[o]; /* mapped, in the page cache */
			double t0 = now_us();

			map[o] = c;
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				us = realloc(us, cap * sizeof(*us));
				if (!us)
					return 1;
			}
			us[n] = now_us() - t0;
			sum += us[n++];
		}
		munmap((void *)map, st.st_size);
		close(fd);
	}
	if (!n) {
		printf("pages=0 files=%zu p50_us=0 p90_us=0 p99_us=0 mean_us=0\n",
		       files);
		return 0;
	}
	qsort(us, n, sizeof(*us), by_value);
	printf("pages=%zu files=%zu p50_us=%.1f p90_us=%.1f p99_us=%.1f mean_us=%.1f\n",
	       n, files, us[n / 2], us[n * 9 / 10], us[n * 99 / 100], sum / n);
	return 0;
}
