/*
 * tmpfile.h - a private temporary directory for the fuzz targets whose
 * parser reads a file by path (the CSV loaders, a scenario's file
 * references). Never the source tree: the directory is made once by
 * fuzz_tmp_init() (mkdtemp under $TMPDIR, else /dev/shm when there is one,
 * since every input is written there, else /tmp) and removed with the
 * files left in it when the process exits normally.
 *
 * fuzz_tmp_write(name, ...) (re)writes the file `name` in it and returns
 * its path, valid until the next call with another name; fuzz_tmp_path()
 * gives the path of a name without writing. Every failure here is the
 * machine's, not the input's: it aborts, so a full disk is never mistaken
 * for a clean run.
 */
#ifndef HASHPIVOT_FUZZ_TMPFILE_H
#define HASHPIVOT_FUZZ_TMPFILE_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_tmp_dir[256];

static void fuzz_tmp_cleanup(void)
{
	DIR *d = opendir(fuzz_tmp_dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' &&
		    snprintf(p, sizeof(p), "%s/%s", fuzz_tmp_dir, e->d_name) < (int)sizeof(p))
			unlink(p);
	closedir(d);
	rmdir(fuzz_tmp_dir);
}

static void fuzz_tmp_init(void)
{
	const char *t = getenv("TMPDIR");

	if (fuzz_tmp_dir[0])
		return;
	if (!t || !t[0] || strlen(t) > 200)
		t = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_tmp_dir, sizeof(fuzz_tmp_dir), "%s/hpfuzz-XXXXXX", t);
	if (!mkdtemp(fuzz_tmp_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_tmp_cleanup);
}

static const char *fuzz_tmp_path(const char *name)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/%s", fuzz_tmp_dir, name);
	return p;
}

static const char *fuzz_tmp_write(const char *name, const void *data, size_t size)
{
	const char *p = fuzz_tmp_path(name);
	FILE *fp = fopen(p, "wb");

	if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
		perror("fuzz: writing the input's temporary file");
		abort();
	}
	return p;
}

#endif
