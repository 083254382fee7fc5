/*
 * mmap_write: writes PATTERN over FILE at OFFSET through a shared writable
 * mapping (the copy-on-write test's second way of writing to page-cache
 * pages, besides write()), then syncs it.
 *
 *   mmap_write FILE OFFSET PATTERN
 *
 * OFFSET must be page aligned. Exit status 0 on success, 1 on error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char pattern[1 << 16];
	struct stat st;
	ssize_t len;
	off_t off;
	char *map;
	int fd, pfd;

	if (argc != 4) {
		fprintf(stderr, "usage: mmap_write FILE OFFSET PATTERN\n");
		return 1;
	}
	off = strtoll(argv[2], NULL, 0);
	pfd = open(argv[3], O_RDONLY);
	len = pfd < 0 ? -1 : read(pfd, pattern, sizeof(pattern));
	fd = open(argv[1], O_RDWR);
	if (len <= 0 || fd < 0 || fstat(fd, &st) || off % 4096 ||
	    off + len > st.st_size) {
		perror("mmap_write");
		return 1;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (map == MAP_FAILED) {
		perror("mmap_write: mmap");
		return 1;
	}
	memcpy(map, pattern, len);
	if (msync(map, len, MS_SYNC) || munmap(map, len) || close(fd)) {
		perror("mmap_write: sync");
		return 1;
	}
	return 0;
}
