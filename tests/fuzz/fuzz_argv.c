/*
 * fuzz_argv.c - command lines.
 *
 * The input is split into words at NUL bytes (at newlines when it has no
 * NUL), at most FUZZ_ARGV_WORDS words of at most FUZZ_ARGV_WORD_MAX bytes,
 * and run as `hashpivot WORD...` in-process through cli_run_ctx (the CLI's
 * own entry: command lookup, --help, --version, the data directory) with
 * memory streams for stdout and stderr and the server's kind of budgets
 * (a year of simulation, 3,660 path-days, 2,000 path-months), so that no
 * input runs for long.
 *
 * Never run: serve and sync (they listen or use the network), and any
 * word that could reach outside the working directory: one containing
 * "..", or a '/' anywhere but in "td/NAME" at the start of the word or
 * after '='. The working directory is a temporary directory made by
 * LLVMFuzzerInitialize (HOME and XDG_DATA_HOME point into it too, for the
 * default --db); every input starts with it holding only td/, a copy of
 * the example scenarios and of the test data the CLI golden cases use
 * (tests/data/SUB/NAME as td/SUB-NAME), so --out, --report, --csv,
 * --trace and --db writes land there and are removed after the input.
 * Paths on the fuzzer's command line are made absolute first, since the
 * working directory changes.
 *
 * Asserted: the exit status is 0, 1 or 2; with 2, stderr is exactly one
 * line starting "hashpivot" and stdout is empty; on success stdout has no
 * "nan" or "inf" token (unless an argument has one, to be echoed), and JSON (--json given to a command other than
 * report, or any output starting with '{') parses with jansson.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "fuzz.h"

#define FUZZ_ARGV_WORDS 32
#define FUZZ_ARGV_WORD_MAX 256

static char home[4000];
static bool show; /* FUZZ_ARGV_SHOW=1: each run's words, exit status and stderr */

/* A copy of a file the commands may read, written back before each input. */
struct seed_file {
	char name[300]; /* under td/ */
	char *data;
	size_t len;
};
static struct seed_file seeds[64];
static size_t nseeds;

static const char *const seed_dirs[] = { "examples", "tests/data/power", "tests/data/pivot",
					  "tests/data/simulate", "tests/data/machines",
					  "tests/data/scenario", NULL };

static char *read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || n > 1 << 20 ||
	    fseek(fp, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)n + 1))) {
		fclose(fp);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)n, fp);
	fclose(fp);
	return buf;
}

/* The files of seed_dirs under top (the top of the tree), into memory. */
static void load_seeds(const char *top)
{
	for (size_t d = 0; seed_dirs[d]; d++) {
		char dpath[4200];
		DIR *dir;
		const char *sub = strrchr(seed_dirs[d], '/');
		struct dirent *e;

		if (snprintf(dpath, sizeof(dpath), "%s/%s", top, seed_dirs[d]) >= (int)sizeof(dpath) ||
		    !(dir = opendir(dpath)))
			continue;
		while ((e = readdir(dir)) && nseeds < sizeof(seeds) / sizeof(seeds[0])) {
			char path[4500];
			struct seed_file *s = &seeds[nseeds];

			if (e->d_name[0] == '.')
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dpath, e->d_name) >= (int)sizeof(path) ||
			    !(s->data = read_all(path, &s->len)))
				continue;
			if (sub)
				snprintf(s->name, sizeof(s->name), "%s-%s", sub + 1, e->d_name);
			else
				snprintf(s->name, sizeof(s->name), "%s", e->d_name);
			nseeds++;
		}
		closedir(dir);
	}
}

/* Remove everything under path (not following symbolic links). */
static void remove_tree(const char *path, bool self)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (dir = opendir(path))) {
		while ((e = readdir(dir))) {
			char sub[4400];

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) < (int)sizeof(sub))
				remove_tree(sub, true);
		}
		closedir(dir);
		if (self)
			rmdir(path);
	} else if (self) {
		unlink(path);
	}
}

/* The working directory as each input finds it: td/ and nothing else. */
static void reset_home(void)
{
	remove_tree(home, false);
	if (mkdir("td", 0755) != 0)
		abort();
	for (size_t i = 0; i < nseeds; i++) {
		char path[320];
		FILE *fp;

		if (snprintf(path, sizeof(path), "td/%s", seeds[i].name) >= (int)sizeof(path))
			continue;
		if (!(fp = fopen(path, "wb")))
			abort();
		fwrite(seeds[i].data, 1, seeds[i].len, fp);
		fclose(fp);
	}
}

static void remove_home(void)
{
	if (home[0] && chdir("/") == 0)
		remove_tree(home, true);
}

/* path made absolute against cwd (malloc'd), or the same pointer. */
static char *absolute(const char *cwd, char *path)
{
	char *p;
	size_t n;

	if (!*path || path[0] == '/')
		return path;
	n = strlen(cwd) + 1 + strlen(path) + 1;
	if (!(p = malloc(n)))
		abort();
	snprintf(p, n, "%s/%s", cwd, path);
	return p;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const path_flags[] = { "-artifact_prefix=", "-exact_artifact_path=",
						  "-dict=", "-merge_control_file=",
						  "-features_dir=", NULL };
	static char *args[256];
	const char *env = getenv("HASHPIVOT_DATA_DIR"), *tmp = getenv("TMPDIR");
	char cwd[3900], buf[4200];
	int i;

	signal(SIGPIPE, SIG_IGN);
	show = getenv("FUZZ_ARGV_SHOW") != NULL;
	if (!freopen("/dev/null", "r", stdin) || !getcwd(cwd, sizeof(cwd)))
		exit(1);
	/* the fuzzer's paths (corpus directories, files, -artifact_prefix=...) */
	for (i = 0; i < *argc && i < 255; i++) {
		char *a = (*argv)[i];

		args[i] = a;
		if (i == 0)
			continue;
		if (a[0] != '-') {
			args[i] = absolute(cwd, a);
			continue;
		}
		for (size_t f = 0; path_flags[f]; f++) {
			size_t k = strlen(path_flags[f]);

			if (!strncmp(a, path_flags[f], k) && a[k] && a[k] != '/') {
				char *rel = absolute(cwd, a + k);
				size_t n = k + strlen(rel) + 1;

				if (!(args[i] = malloc(n)))
					abort();
				snprintf(args[i], n, "%s%s", path_flags[f], rel);
				free(rel);
			}
		}
	}
	args[i] = NULL;
	*argc = i;
	*argv = args;

	/* the shipped data: $HASHPIVOT_DATA_DIR, else ./data (the top of the tree) */
	if (env && *env && env[0] != '/') {
		snprintf(buf, sizeof(buf), "%s/%s", cwd, env);
		setenv("HASHPIVOT_DATA_DIR", buf, 1);
	} else if (!env || !*env) {
		snprintf(buf, sizeof(buf), "%s/data", cwd);
		setenv("HASHPIVOT_DATA_DIR", buf, 1);
	}
	/* the files td/ holds: from the top of the tree, the current directory
	 * or else the one above the data directory (DIR/data) */
	load_seeds(cwd);
	if (!nseeds && (env = getenv("HASHPIVOT_DATA_DIR")) != NULL) {
		size_t n = strlen(env);

		if (n > 5 && !strcmp(env + n - 5, "/data") && n - 5 < sizeof(buf)) {
			memcpy(buf, env, n - 5);
			buf[n - 5] = '\0';
			load_seeds(buf);
		}
	}
	if (!nseeds)
		fprintf(stderr, "fuzz_argv: no examples/ or tests/data/ found: td/ is empty\n");

	snprintf(home, sizeof(home), "%s/hp-fuzz-argv-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(home) || chdir(home) != 0) {
		fprintf(stderr, "fuzz_argv: cannot make a working directory %s\n", home);
		exit(1);
	}
	setenv("HOME", home, 1);
	snprintf(buf, sizeof(buf), "%s/xdg", home);
	setenv("XDG_DATA_HOME", buf, 1);
	atexit(remove_home);
	return 0;
}

/* Stays under the working directory (see the top of the file). */
static bool safe_word(const char *w)
{
	const char *p;

	if (strstr(w, ".."))
		return false;
	for (p = w; (p = strchr(p, '/')) != NULL; p++)
		if (p - w < 2 || strncmp(p - 2, "td", 2) || (p - 2 != w && p[-3] != '='))
			return false;
	return true;
}

/* A "nan" or "inf" token (any case, not part of a longer word). */
static bool has_nonfinite(const char *s, size_t n)
{
	static const char *const bad[] = { "nan", "inf", "infinity", NULL };

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))
			continue;
		for (size_t b = 0; bad[b]; b++) {
			size_t k = strlen(bad[b]);

			if (i + k <= n && !strncasecmp(s + i, bad[b], k) &&
			    (i + k == n || !(isalnum((unsigned char)s[i + k]) || s[i + k] == '_')))
				return true;
		}
	}
	return false;
}

/* "nan" or "inf" anywhere in w, in any case. */
static bool names_nonfinite(const char *w)
{
	for (; *w; w++)
		if (!strncasecmp(w, "nan", 3) || !strncasecmp(w, "inf", 3))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char words[FUZZ_ARGV_WORDS][FUZZ_ARGV_WORD_MAX + 1];
	char *argv[FUZZ_ARGV_WORDS + 2];
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0, start = 0;
	int argc = 1, rc;
	bool json = false, help = false, echoed = false;
	char sep = memchr(data, '\0', size) ? '\0' : '\n';
	struct cli_ctx proto = {0};

	argv[0] = (char *)(uintptr_t)"hashpivot";
	for (size_t i = 0; size > 0 && i <= size && argc <= FUZZ_ARGV_WORDS; i++) {
		if (i < size && data[i] != (uint8_t)sep)
			continue;
		if (i == size && i == start && size > 0)
			break; /* a trailing separator ends the last word, adds none */
		{
			size_t n = i - start;
			char *w = words[argc - 1];

			if (n > FUZZ_ARGV_WORD_MAX)
				n = FUZZ_ARGV_WORD_MAX;
			memcpy(w, data + start, n);
			w[n] = '\0';
			if (!safe_word(w))
				return 0;
			json |= !strcmp(w, "--json");
			echoed |= names_nonfinite(w);
			help |= !strcmp(w, "--help") || !strcmp(w, "-h") || !strcmp(w, "help");
			argv[argc++] = w;
		}
		start = i + 1;
	}
	argv[argc] = NULL;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "serve") || !strcmp(argv[i], "sync"))
			return 0;

	reset_home();
	proto.max_days = 366;
	proto.max_path_days = 3660;
	proto.max_path_months = 2000;
	if (!(proto.out = open_memstream(&out, &out_len)) ||
	    !(proto.err = open_memstream(&err, &err_len)))
		abort();
	rc = cli_run_ctx(argc, argv, &proto);
	if (fclose(proto.out) != 0 || fclose(proto.err) != 0)
		abort();

	if (show) {
		for (int i = 1; i < argc; i++)
			fprintf(stderr, "%s'%s'", i > 1 ? " " : "", argv[i]);
		fprintf(stderr, "\n  exit %d, %zu bytes out: %.300s", rc, out_len, err);
	}
	FUZZ_ASSERT(rc == 0 || rc == 1 || rc == 2);
	if (rc == 2) {
		const char *nl = memchr(err, '\n', err_len);

		if (!(err_len > 10 && !strncmp(err, "hashpivot", 9) && nl == err + err_len - 1))
			fprintf(stderr, "fuzz_argv: exit 2 with stderr '%s'\n", err);
		FUZZ_ASSERT(err_len > 10 && !strncmp(err, "hashpivot", 9));
		FUZZ_ASSERT(nl == err + err_len - 1);
		FUZZ_ASSERT(out_len == 0);
	}
	if (rc == 0) {
		/* (unless an argument says it: a machine named "My inf 2") */
		if (!echoed && has_nonfinite(out, out_len))
			fprintf(stderr, "fuzz_argv: a non-finite number in: %s\n", out);
		FUZZ_ASSERT(echoed || !has_nonfinite(out, out_len));
		/* --json given to a command (not after the top level's --version;
		 * with report, the command's --json goes into the report, and
		 * report prints "report written to FILE"), and no --help (or an
		 * abbreviation of it: the usage was printed) */
		json = json && argc > 1 && argv[1][0] != '-' && strcmp(argv[1], "help") &&
		       strcmp(argv[1], "report");
		help |= out_len >= 6 && !strncmp(out, "usage:", 6);
		if ((json && !help && out_len) || (out_len && out[0] == '{')) {
			json_error_t e;
			json_t *v = json_loadb(out, out_len, 0, &e);

			if (!v)
				fprintf(stderr, "fuzz_argv: --json output does not parse: %s\n", e.text);
			FUZZ_ASSERT(v != NULL);
			json_decref(v);
		}
	}
	free(out);
	free(err);
	return 0;
}
