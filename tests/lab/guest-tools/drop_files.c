/*
 * drop_files: drops FILEs' clean pages from the page cache
 * (POSIX_FADV_DONTNEED), one file after the other, as memory pressure
 * would evict them: with the Satori kernel their data goes to the volatile
 * cache in that order. Busybox's dd has no iflag=nocache.
 *
 *   drop_files FILE...
 *
 * Exit status 0 on success, 1 if a FILE could not be opened or advised.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY), err;

		if (fd < 0) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		if (err) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(err));
			rc = 1;
		}
		close(fd);
	}
	return rc;
}
