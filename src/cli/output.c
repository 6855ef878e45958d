/*
 * output.c - what commands share for output beyond cli_emit: files written
 * whole or not at all (a temporary name in the same directory, renamed
 * when complete, removed on failure), CSV numbers, and the progress bar on
 * stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/*
 * Whether a failure to create or write a file is the path's fault (bad
 * input, exit 2: no such directory, no permission, read-only, not a
 * directory) rather than the machine's (exit 1: disk full, quota, file too
 * large, I/O error).
 */
static enum hp_status path_status(int e)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
	case EIO:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
	case EINTR:
		return HP_EIO;
	default:
		return HP_EINVAL;
	}
}

bool cli_outdir(const char *dir, const char *option, struct hp_error *err)
{
	char path[4096];
	size_t n = strlen(dir), i;

	if (n == 0 || n >= sizeof(path)) {
		hp_error_set(err, HP_EINVAL, option, "must be a directory name of 1 to %zu bytes",
			     sizeof(path) - 1);
		return false;
	}
	memcpy(path, dir, n + 1);
	/* every parent first, as mkdir -p */
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			int e = errno;

			hp_error_set(err, path_status(e), option, "cannot create directory %s: %s", path,
				     strerror(e));
			return false;
		}
		if (i < n)
			path[i] = '/';
	}
	return true;
}

/* fsync the directory holding path, so that a rename in it is durable. */
static int sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	int fd, rc;

	if (!slash)
		memcpy(dir, ".", 2);
	else if (n == 0)
		memcpy(dir, "/", 2);
	else {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	/* some file systems cannot sync a directory; the rename stands */
	if (rc != 0 && (errno == EINVAL || errno == EBADF || errno == ENOTSUP))
		rc = 0;
	close(fd);
	return rc;
}

bool cli_outfile_open(struct cli_outfile *f, const char *dir, const char *name, const char *option,
		      struct hp_error *err)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	static unsigned long serial;
	struct timespec ts;
	unsigned long x;
	int fd = -1, tries, k, e = 0;

	f->option = option;
	f->fp = NULL;
	f->line = 2;
	f->bad_line = 0;
	if (snprintf(f->path, sizeof(f->path), "%s/%s", dir, name) >= (int)sizeof(f->path)) {
		hp_error_set(err, HP_EINVAL, option, "directory name too long");
		return false;
	}
	/* DIR/.NAME.tmp-XXXXXX, created exclusively (never through a link
	 * left there), with the mode a new file gets (0666 less the umask) */
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		char sfx[7];

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (unsigned long)getpid() * 2654435761u ^ (unsigned long)ts.tv_nsec ^
		    (++serial * 40503u);
		for (k = 0; k < 6; k++, x /= 36)
			sfx[k] = digits[x % 36];
		sfx[6] = '\0';
		if (snprintf(f->tmp, sizeof(f->tmp), "%s/.%s.tmp-%s", dir, name, sfx) >=
		    (int)sizeof(f->tmp)) {
			hp_error_set(err, HP_EINVAL, option, "directory name too long");
			return false;
		}
		fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		e = errno;
		if (fd < 0 && e != EEXIST)
			break;
	}
	if (fd < 0 || !(f->fp = fdopen(fd, "w"))) {
		if (fd >= 0) {
			e = errno;
			close(fd);
			remove(f->tmp);
		}
		hp_error_set(err, path_status(e), option, "cannot write %s: %s", f->path, strerror(e));
		errno = e;
		return false;
	}
	return true;
}

bool cli_outfile_flush(struct cli_outfile *f, struct hp_error *err)
{
	int e = 0;

	if (fflush(f->fp) != 0 || ferror(f->fp))
		e = errno ? errno : EIO;
	else if (fsync(fileno(f->fp)) != 0)
		e = errno;
	if (e) {
		hp_error_set(err, HP_EIO, f->option, "cannot write %s: %s", f->path, strerror(e));
		errno = e;
		return false;
	}
	return true;
}

bool cli_outfile_commit(struct cli_outfile *f, struct hp_error *err)
{
	int e = 0;

	if (f->bad_line) {
		double v = f->bad_value;
		fclose(f->fp);
		f->fp = NULL;
		remove(f->tmp);
		hp_error_set(err, HP_EINTERNAL, NULL,
			     "internal error: %s line %zu %s is not finite (%s)", f->path,
			     f->bad_line, f->bad_column, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
		return false;
	}
	/* the data on disk before the name: fflush, fsync, close, rename,
	 * then the directory */
	if (fflush(f->fp) != 0 || ferror(f->fp))
		e = errno ? errno : EIO;
	else if (fsync(fileno(f->fp)) != 0)
		e = errno;
	if (fclose(f->fp) != 0 && !e)
		e = errno;
	f->fp = NULL;
	if (!e && rename(f->tmp, f->path) != 0)
		e = errno;
	if (e) {
		remove(f->tmp);
		hp_error_set(err, HP_EIO, f->option, "cannot write %s: %s", f->path, strerror(e));
		errno = e;
		return false;
	}
	if (sync_dir(f->path) != 0) {
		e = errno;
		hp_error_set(err, HP_EIO, f->option, "cannot write %s: %s", f->path, strerror(e));
		errno = e;
		return false;
	}
	return true;
}

void cli_outfile_abort(struct cli_outfile *f)
{
	if (f->fp) {
		fclose(f->fp);
		remove(f->tmp);
		f->fp = NULL;
	}
}

void cli_csv_real_or_empty(struct cli_outfile *f, double v)
{
	if (isfinite(v))
		fprintf(f->fp, ",%.17g", v == 0 ? 0.0 : v);
	else
		fputs(",", f->fp);
}

void cli_csv_real(struct cli_outfile *f, const char *column, double v)
{
	if (!isfinite(v) && !f->bad_line) {
		snprintf(f->bad_column, sizeof(f->bad_column), "%s", column);
		f->bad_line = f->line;
		f->bad_value = v;
	}
	cli_csv_real_or_empty(f, v);
}

void cli_csv_end_row(struct cli_outfile *f)
{
	fputc('\n', f->fp);
	f->line++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_progress_start(struct cli_progress *pg, const char *cmd, FILE *fp)
{
	pg->cmd = cmd;
	pg->fp = fp;
	pg->t0 = now_s();
	pg->shown = -1;
}

void cli_progress_show(void *ctx, uint64_t done, uint64_t total)
{
	struct cli_progress *pg = ctx;
	double el = now_s() - pg->t0, frac = total ? (double)done / (double)total : 1;
	int bar = (int)(frac * 30), pct = (int)(frac * 100), i;
	char b[31];

	/* redraw at each percent, and at the end */
	if (pct == pg->shown && done < total)
		return;
	pg->shown = pct;
	for (i = 0; i < 30; i++)
		b[i] = i < bar ? '#' : '.';
	b[30] = '\0';
	fprintf(pg->fp, "\r%s [%s] %3d%%  ETA %.0fs ", pg->cmd, b, pct,
		frac > 0 ? el * (1 - frac) / frac : 0.0);
	if (done >= total)
		fputc('\n', pg->fp);
	fflush(pg->fp);
}

void cli_progress_show_size(void *ctx, size_t done, size_t total)
{
	cli_progress_show(ctx, done, total);
}
