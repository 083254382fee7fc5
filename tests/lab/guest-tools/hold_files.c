/*
 * hold_files: keeps files in the page cache, as a busy guest keeps its
 * working set: maps each file named on stdin (one path a line) and locks
 * it in memory, says how much it holds, and waits until killed (the locks
 * go with it). The surplus benchmark holds the shared userland this way,
 * so the guests go on sharing it (and earning their entitlement) while a
 * private tree streams through the rest of their memory.
 *
 *   find ... | hold_files
 *
 * Prints "hold files=N bytes=N failed=N" once, then sleeps.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	unsigned long files = 0, failed = 0;
	unsigned long long bytes = 0;
	char path[4096];

	while (fgets(path, sizeof(path), stdin)) {
		struct stat st;
		void *map;
		int fd;

		path[strcspn(path, "\n")] = 0;
		fd = open(path, O_RDONLY);
		if (fd < 0 || fstat(fd, &st) || !st.st_size) {
			if (fd >= 0)
				close(fd);
			failed += fd < 0;
			continue;
		}
		map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		close(fd);
		if (map == MAP_FAILED || mlock(map, st.st_size)) {
			failed++;
			continue;
		}
		files++;
		bytes += st.st_size;
	}
	printf("hold files=%lu bytes=%llu failed=%lu\n", files, bytes, failed);
	fflush(stdout);
	for (;;)
		pause();
}
