/*
 * output.c - what commands share for output beyond cli_emit: files written
 * whole or not at all (a temporary name in the same directory, renamed
 * when complete, removed on failure), CSV numbers, and the progress bar on
 * stderr.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

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
			hp_error_set(err, HP_EIO, option, "cannot create directory %s: %s", path,
				     strerror(errno));
			return false;
		}
		if (i < n)
			path[i] = '/';
	}
	return true;
}

bool cli_outfile_open(struct cli_outfile *f, const char *dir, const char *name, const char *option,
		      struct hp_error *err)
{
	f->option = option;
	f->fp = NULL;
	f->line = 2;
	f->bad_line = 0;
	if (snprintf(f->path, sizeof(f->path), "%s/%s", dir, name) >= (int)sizeof(f->path)) {
		hp_error_set(err, HP_EINVAL, option, "directory name too long");
		return false;
	}
	snprintf(f->tmp, sizeof(f->tmp), "%s.tmp.%ld", f->path, (long)getpid());
	if (!(f->fp = fopen(f->tmp, "w"))) {
		hp_error_set(err, HP_EIO, option, "cannot write %s: %s", f->tmp, strerror(errno));
		return false;
	}
	return true;
}

bool cli_outfile_commit(struct cli_outfile *f, struct hp_error *err)
{
	bool ok = !ferror(f->fp);

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
	if (fclose(f->fp) != 0)
		ok = false;
	f->fp = NULL;
	if (!ok || rename(f->tmp, f->path) != 0) {
		hp_error_set(err, HP_EIO, f->option, "cannot write %s: %s", f->path,
			     strerror(errno));
		remove(f->tmp);
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
