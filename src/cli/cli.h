/*
 * cli.h - the command-line front end's shared pieces.
 *
 * How to add a command (after git's builtin.h):
 *  1. Write src/cli/cmd_<name>.c with
 *     int cmd_<name>(int argc, char **argv, struct cli_ctx *ctx);
 *     It parses its own options with cli_next_option() (which handles
 *     --json, --help and --data-dir and reports bad options), calls the
 *     library, builds one JSON object and hands it to cli_emit().
 *  2. Declare it below and add a row to commands[] in src/cli/main.c: its
 *     name, flags (CLI_NEEDS_DATA to get ctx->data_dir resolved), a one-line
 *     summary and its usage text (shown by --help).
 *  3. Add golden cases in tests/cli/<name>.test and a section in docs/cli.md.
 *
 * Conventions: primary output on stdout, errors on stderr as one line
 * "hashpivot <command>: <field>: <what is wrong>, got '<value>'"; exit 0 on
 * success, 2 for bad input, 1 for a runtime failure. JSON keys carry units
 * (subsidy_sats, hashrate_ehs) and are the same in --json and the server.
 */
#ifndef HASHPIVOT_CLI_H
#define HASHPIVOT_CLI_H

#include <getopt.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "hashpivot/consensus.h"
#include "hashpivot/error.h"
#include "hashpivot/mining.h"

struct hp_catalog;
struct hp_scenario;

#define CLI_NEEDS_DATA 1u

struct cli_command;

/*
 * One run of one command. Nothing in the front end is global: output goes
 * to ctx->out and ctx->err (stdout and stderr for the CLI, memory streams
 * for the server), and option parsing keeps its state here, so commands
 * can run on several threads at once.
 */
struct cli_ctx {
	const struct cli_command *cmd;
	bool json;
	const char *data_dir_opt; /* --data-dir, if given */
	char data_dir[4096];      /* resolved for CLI_NEEDS_DATA commands */
	int exit_code;            /* set when cli_next_option returns CLI_EXIT */
	FILE *out, *err;          /* primary output and the one-line errors */
	const char *arg;          /* the current option's value (getopt's optarg) */
	int ind;                  /* next argument (getopt's optind): set it to 0
				     before the first cli_next_option; at
				     CLI_DONE the first operand */
	int end;                  /* operands are moved to argv[end..argc) */

	/*
	 * Set by the server (`hashpivot serve`), zero in the CLI. The
	 * scenario document itself instead of --scenario FILE, parsed with
	 * no file references allowed (cli_scenario_load); the long commands'
	 * progress (fraction done, 0..1, from any thread) and a flag they
	 * poll to stop (HP_ECANCELED); and the server's budgets, refused as
	 * bad input naming --paths or --years (0: none): simulate's days and
	 * paths x days, pivot's and treasury's paths x (months + 1) x
	 * strategies. With check_only, pivot, treasury and simulate stop
	 * (exit 0, no output) once every input has passed, before the Monte
	 * Carlo run: the server refuses bad input to a job before queueing it.
	 */
	const char *scenario_text;
	size_t scenario_len;
	void (*progress)(void *progress_ctx, double fraction);
	void *progress_ctx;
	const atomic_int *cancel;
	int64_t max_days;
	uint64_t max_path_days;
	uint64_t max_path_months;
	bool check_only;
	/* the option that names a report file, in its errors: NULL for the
	 * commands' own --report; `hashpivot report` sets "--out" */
	const char *report_opt;
};

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv, struct cli_ctx *ctx);
	unsigned flags;
	const char *summary;
	const char *usage;
};

/* Option codes above 255 for long-only options; commands use 300 and up. */
enum { CLI_OPT_JSON = 256, CLI_OPT_DATA_DIR, CLI_OPT_FIRST_FREE = 300 };
#define CLI_COMMON_OPTIONS                                         \
	{"json", no_argument, NULL, CLI_OPT_JSON},                 \
	{"help", no_argument, NULL, 'h'},                          \
	{"data-dir", required_argument, NULL, CLI_OPT_DATA_DIR}

/*
 * The network inputs of every calculator command. Put CLI_NET_OPTIONS in
 * the command's option table, hand each option to cli_net_option() (true
 * when it was one of them), then call cli_net_finish(): it checks that
 * exactly one of --difficulty/--bits and all of --height, --fees-btc and
 * --price-usd were given, parses them and computes the hashprice. With
 * --db FILE instead of --difficulty/--bits, --height and --fees-btc, the
 * network is the database's tip: its bits and height, the mean fees of the
 * last CLI_DB_FEES_SHORT blocks, and --price-usd or else the database's
 * latest close on or before the tip's day (cli_net_from_db).
 */
enum {
	CLI_OPT_NET_DIFFICULTY = 270,
	CLI_OPT_NET_BITS,
	CLI_OPT_NET_HEIGHT,
	CLI_OPT_NET_FEES,
	CLI_OPT_NET_PRICE,
	CLI_OPT_NET_POOL_FEE,
	CLI_OPT_NET_DB
};
#define CLI_NET_OPTIONS                                                   \
	{"difficulty", required_argument, NULL, CLI_OPT_NET_DIFFICULTY},  \
	{"bits", required_argument, NULL, CLI_OPT_NET_BITS},              \
	{"height", required_argument, NULL, CLI_OPT_NET_HEIGHT},          \
	{"fees-btc", required_argument, NULL, CLI_OPT_NET_FEES},          \
	{"price-usd", required_argument, NULL, CLI_OPT_NET_PRICE},        \
	{"pool-fee-pct", required_argument, NULL, CLI_OPT_NET_POOL_FEE},   \
	{"db", required_argument, NULL, CLI_OPT_NET_DB}

struct cli_net {
	const char *arg[7];            /* as given, in the order of the enum */
	struct hp_hashprice_input in;  /* work, subsidy, fees, price, pool fee */
	struct hp_hashprice hp;        /* the hashprice they give */
	int64_t height;
	bool has_bits;
	uint32_t bits;
	double difficulty;
	/* with --db FILE: the network from the database's tip (cli_db_state) */
	bool from_db;
	char db_path[4096];
	int64_t fees_blocks;           /* blocks the fees are the mean of */
	const char *price_source;      /* "--price-usd" or "db YYYY-MM-DD" */
	char price_day[16];
};

bool cli_net_option(struct cli_net *n, int code, const char *arg);
/* 0, or the exit code after printing the error. */
int cli_net_finish(const struct cli_ctx *ctx, struct cli_net *n);
/* The network of cli_net_finish from a database, for commands that take
 * --db without the other network options (fleet, simulate): price NULL
 * takes the database's latest close, else fallback_price_usd when > 0
 * (the scenario's). 0, or the exit code after printing the error. */
int cli_net_from_db(const struct cli_ctx *ctx, struct cli_net *n, const char *db_path,
		    const char *price, double fallback_price_usd);
/* The inputs, echoed under their usual keys (difficulty, bits, height, ...). */
void cli_net_echo(json_t *o, const struct cli_net *n);

/*
 * The chain database of `hashpivot sync` (src/cli/dbopts.c), read by
 * network, the calculators (--db on hashprice, breakeven, curtail, energy,
 * fleet), simulate, prices and backtest. Put CLI_DB_OPTION in the option
 * table and hand each option to cli_db_option() (true when it was --db);
 * cli_db_open() opens the file read-only (or for writing: prices import),
 * whatever network it records. Default path: hp_chaindb_default_path().
 */
enum { CLI_OPT_DB = 291 }; /* 290 is --report (report.h) */
#define CLI_DB_OPTION {"db", required_argument, NULL, CLI_OPT_DB}

struct cli_db_opt {
	bool given;
	const char *path;
};
bool cli_db_option(struct cli_db_opt *o, int code, const char *arg);

struct cli_db;
/* 0, or the exit code after printing the error (2 for a missing file or
 * one that is not a chain database, 1 for an unreadable one). */
int cli_db_open(const struct cli_ctx *ctx, const struct cli_db_opt *o, bool write,
		struct cli_db **out);
void cli_db_close(struct cli_db *db);
const char *cli_db_path(const struct cli_db *db);
struct hp_chaindb *cli_db_handle(struct cli_db *db);

/* How far back the estimators look (docs/cli.md "network --db"). */
#define CLI_DB_HASHRATE_SHORT 144
#define CLI_DB_HASHRATE_LONG 2016
#define CLI_DB_FEES_SHORT 144
#define CLI_DB_FEES_LONG 1008

/* The live state at the database's tip. Figures that need blocks the
 * database lacks are NaN (printed as null). */
struct cli_db_state {
	enum hp_network net;
	int64_t first_height, tip_height;
	uint8_t tip_hash[32];
	int64_t tip_time;
	uint32_t bits;
	double difficulty;
	char chainwork_hex[65];
	bool work_known;               /* chainwork counts from genesis */
	double hashrate_hs_short, hashrate_hs_long; /* Core's getnetworkhashps over 144, 2016 */
	double fees_btc_short, fees_btc_long;       /* mean per block over 144, 1008 */
	size_t fees_blocks_short, fees_blocks_long; /* blocks with stats in those windows */
	bool has_epoch_start;          /* the epoch's first block is stored */
	int64_t epoch_start_time;
	bool has_window_start;         /* the block 504 back is stored */
	int64_t window_start_time;
	double previous_change_pct;    /* NaN when the previous epoch's bits are not stored */
};
/* HP_EINVAL naming --db when the database has no headers. */
enum hp_status cli_db_state(struct cli_db *db, struct cli_db_state *st, struct hp_error *err);

/* The close of a UTC day (days since 1970-01-01) from the prices table;
 * *found false (HP_OK) when it has none. */
enum hp_status cli_db_price(struct cli_db *db, int64_t day, double *price, bool *found,
			    struct hp_error *err);
/* The latest close on or before day; *found false when none. */
enum hp_status cli_db_price_before(struct cli_db *db, int64_t day, double *price,
				   int64_t *price_day, bool *found, struct hp_error *err);

/* The network's days from..from+n-1 for a backtest, grouped by their
 * headers' UTC day: blocks, exact work from their bits, subsidy and fees
 * from block_stats (every block of those days needs stats). */
struct hp_backtest_day;
enum hp_status cli_db_days(struct cli_db *db, int64_t from, struct hp_backtest_day *days,
			   size_t n, struct hp_error *err);

#define CLI_DONE (-1) /* no more options */
#define CLI_EXIT (-2) /* stop now and return ctx->exit_code */

/*
 * The next command-specific option (its code; ctx->arg holds its value),
 * CLI_DONE at the end (ctx->ind is then the first operand), or CLI_EXIT
 * after --help (exit 0) or a bad option (one-line error printed, exit 2).
 * Parses as getopt_long does (--name value, --name=value, unique
 * abbreviations, "--", operands after the options) without its global
 * state. opts must end with {0}.
 */
int cli_next_option(struct cli_ctx *ctx, int argc, char **argv, const struct option *opts);
/* "--height" for an option code of opts (for messages). */
const char *cli_option_name(const struct option *opts, int code);

/* v as the JSON of --json (reals exact and shortest), then a newline. */
void cli_write_json(FILE *fp, const json_t *v);

/* "hashpivot <cmd>: <formatted>" (cmd NULL: "hashpivot: ...") and a newline
 * on fp, with control characters shown as '?' so that it stays one line. */
void cli_print_error(FILE *fp, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print "hashpivot <cmd>: <err->message>" and return its exit code. */
int cli_fail(const struct cli_ctx *ctx, const struct hp_error *err);
/* Print "hashpivot <cmd>: <formatted>" and return 2 (bad usage). */
int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Write obj to stdout as JSON (--json) or as an aligned key/value table
 * (members that are arrays of objects print after it as column tables),
 * free it, and return the exit code: 0, or 1 if stdout could not be
 * written (or obj is NULL: out of memory).
 */
int cli_emit(const struct cli_ctx *ctx, json_t *obj);

/*
 * Numbers in output. No NaN or infinity ever reaches an output: a field
 * whose value does not exist in some cases (a payback never reached, an
 * estimate from too few blocks, a cost per BTC when none is mined) is set
 * with cli_set_real_or_null and prints null (documented per field in
 * docs/cli.md); every other real is set with cli_set_real, where a
 * non-finite value is a bug: it leaves a marker that cli_json_check (run by
 * cli_emit and cli_report_write before they write anything) reports as
 * "internal error: <path> is not finite (nan)", exit 1, nothing written.
 * Both print -0.0 as 0.0. cli_real is the value cli_set_real sets (for
 * arrays), NULL only when out of memory.
 */
json_t *cli_real(double v);
void cli_set_real(json_t *obj, const char *key, double v);
void cli_set_real_or_null(json_t *obj, const char *key, double v);
/* true, or false with err (HP_EINTERNAL) naming the first marker's path
 * ("strategies[2].npv_usd"). */
bool cli_json_check(const json_t *v, struct hp_error *err);
/* The same for one number outside JSON (field names it). */
bool cli_check_real(const char *field, double v, struct hp_error *err);
void cli_set_int(json_t *obj, const char *key, int64_t v);
void cli_set_str(json_t *obj, const char *key, const char *v);
void cli_set_bool(json_t *obj, const char *key, bool v);
/* Unix seconds as "<key>" and ISO 8601 as "<key>_utc". */
void cli_set_time(json_t *obj, const char *key, int64_t t);
/* GetDifficulty of bits, or null where it has none (zero mantissa). */
void cli_set_difficulty(json_t *obj, const char *key, uint32_t bits);
/* "1d00ffff" */
void cli_set_bits(json_t *obj, const char *key, uint32_t bits);

/*
 * The machine catalog a command works on (src/cli/catalog_opts.c): the
 * shipped <ctx->data_dir>/machines.csv (the command needs CLI_NEEDS_DATA),
 * then each --catalog FILE in order (a same-named machine replaces the
 * earlier one), then each --add-machine SPEC (hp_machine_parse_spec,
 * "NAME:HASHRATE_THS:POWER_W[:COOLING]"). Put CLI_CATALOG_OPTIONS (or just
 * its --catalog row) in the option table, cli_catalog_opts_init() before
 * the option loop, hand each option to cli_catalog_option() (true when it
 * was one of them), then cli_catalog_load(), and release the options with
 * cli_catalog_opts_release() (safe on a zeroed struct).
 */
enum { CLI_OPT_CATALOG = 280, CLI_OPT_ADD_MACHINE };
#define CLI_CATALOG_OPTIONS                                          \
	{"catalog", required_argument, NULL, CLI_OPT_CATALOG},       \
	{"add-machine", required_argument, NULL, CLI_OPT_ADD_MACHINE}

struct cli_catalog_opts {
	const char **files; /* --catalog, in order */
	size_t nfiles;
	const char **specs; /* --add-machine, in order */
	size_t nspecs;
};

/* Room for every argument of argv; false when out of memory. */
bool cli_catalog_opts_init(struct cli_catalog_opts *co, int argc);
bool cli_catalog_option(struct cli_catalog_opts *co, int code, const char *arg);
void cli_catalog_opts_release(struct cli_catalog_opts *co);
/*
 * Load the catalog into cat. Returns 0, or prints the one-line error and
 * returns its exit code with cat released (empty). On success the caller
 * releases cat with hp_catalog_release().
 */
int cli_catalog_load(struct cli_ctx *ctx, struct hp_catalog *cat,
		     const struct cli_catalog_opts *co);

int cmd_subsidy(int argc, char **argv, struct cli_ctx *ctx);
int cmd_bits(int argc, char **argv, struct cli_ctx *ctx);
int cmd_retarget(int argc, char **argv, struct cli_ctx *ctx);
int cmd_header(int argc, char **argv, struct cli_ctx *ctx);
int cmd_estimate(int argc, char **argv, struct cli_ctx *ctx);
int cmd_network(int argc, char **argv, struct cli_ctx *ctx);
int cmd_hashprice(int argc, char **argv, struct cli_ctx *ctx);
int cmd_breakeven(int argc, char **argv, struct cli_ctx *ctx);
int cmd_energy(int argc, char **argv, struct cli_ctx *ctx);
int cmd_fleet(int argc, char **argv, struct cli_ctx *ctx);
int cmd_curtail(int argc, char **argv, struct cli_ctx *ctx);
int cmd_machines(int argc, char **argv, struct cli_ctx *ctx);
int cmd_pivot(int argc, char **argv, struct cli_ctx *ctx);
int cmd_treasury(int argc, char **argv, struct cli_ctx *ctx);
int cmd_simulate(int argc, char **argv, struct cli_ctx *ctx);
int cmd_serve(int argc, char **argv, struct cli_ctx *ctx);
int cmd_prices(int argc, char **argv, struct cli_ctx *ctx);
int cmd_backtest(int argc, char **argv, struct cli_ctx *ctx);
int cmd_sync(int argc, char **argv, struct cli_ctx *ctx);

/*
 * How `simulate` runs its paths: hashpivot runs them all on threads;
 * hashpivot-mpi splits them across ranks. run fills out (creating its
 * summaries) and sets *writer on the one process that reports.
 */
struct hp_industry;
struct hp_industry_config;
struct hp_industry_result;
struct cli_sim_runner {
	enum hp_status (*run)(const struct hp_industry *ind, const struct hp_industry_config *cfg,
			      struct hp_industry_result *out, bool *writer, struct hp_error *err);
};
/* `simulate` with a runner (NULL: the local one). */
int cli_simulate(int argc, char **argv, struct cli_ctx *ctx, const struct cli_sim_runner *runner);
/* The runner cmd_simulate uses from now on (NULL: the local one). */
void cli_set_sim_runner(const struct cli_sim_runner *runner);

/*
 * The scenario of a command: ctx->scenario_text when set (no file
 * references allowed: hp_scenario_parse_opts with no_files), else the file
 * at path (hp_scenario_load).
 */
enum hp_status cli_scenario_load(const struct cli_ctx *ctx, const char *path,
				 const struct hp_catalog *cat, struct hp_scenario *sc,
				 struct hp_error *err);
/* Progress callbacks that hand done / total to ctx->progress (ctx is the
 * struct cli_ctx). */
void cli_ctx_progress(void *ctx, uint64_t done, uint64_t total);
void cli_ctx_progress_size(void *ctx, size_t done, size_t total);

/* The command table's row for name, or NULL (src/cli/main.c). */
const struct cli_command *cli_command_find(const char *name);

/* The whole front end: argv[1] is the command (src/cli/main.c). The
 * hashpivot binary's main() is just this; hashpivot-mpi calls it too. */
int cli_run(int argc, char **argv);
/* cli_run with a context copied from proto (out, err; for the fuzz target
 * tests/fuzz/fuzz_argv.c memory streams and the server's budgets). */
int cli_run_ctx(int argc, char **argv, const struct cli_ctx *proto);

/*
 * Output files written whole or not at all (src/cli/output.c): open creates
 * DIR/.NAME.tmp-XXXXXX (6 random letters and digits), commit checks for
 * write errors, fsyncs it, renames it to DIR/NAME and fsyncs DIR; a failed
 * commit and abort remove it, so only a killed process leaves one behind.
 * Errors name `option` (e.g. "--out") and DIR/NAME: a path that cannot be
 * written (no such directory, no permission, read-only) is HP_EINVAL (exit
 * 2), a write that fails midway (disk full, file too large) HP_EIO.
 */
struct cli_outfile {
	char path[4096], tmp[4200];
	const char *option;
	FILE *fp;
	/* CSV: the line being written (2 after the header), and the first
	 * cell that was not finite (commit then fails: a bug, not a result) */
	size_t line;
	size_t bad_line; /* 0: none */
	char bad_column[96];
	double bad_value;
};
/* Create dir and its parents where they do not exist (mkdir -p); false (err
 * set, naming option) otherwise. */
bool cli_outdir(const char *dir, const char *option, struct hp_error *err);
bool cli_outfile_open(struct cli_outfile *f, const char *dir, const char *name, const char *option,
		      struct hp_error *err);
/* Write out and fsync what is buffered, still under the temporary name: a
 * command writing several files flushes them all before it commits any, so
 * that a full disk leaves every old file (false, err set; then abort). */
bool cli_outfile_flush(struct cli_outfile *f, struct hp_error *err);
bool cli_outfile_commit(struct cli_outfile *f, struct hp_error *err);
void cli_outfile_abort(struct cli_outfile *f);
/*
 * CSV cells of a file from cli_outfile_open, whose first line is the
 * header: ",<v>" with %.17g (0 for -0). cli_csv_real's value must be
 * finite: otherwise the cell is left empty and cli_outfile_commit fails
 * with "internal error: <file> line <n> <column> is not finite (nan)"
 * (HP_EINTERNAL) and removes the file. cli_csv_real_or_empty writes ","
 * for a value that does not exist (documented per column in docs/cli.md).
 * cli_csv_end_row ends the line.
 */
void cli_csv_real(struct cli_outfile *f, const char *column, double v);
void cli_csv_real_or_empty(struct cli_outfile *f, double v);
void cli_csv_end_row(struct cli_outfile *f);

/* A progress bar with ETA on fp (the command's stderr), redrawn at each
 * percent. */
struct cli_progress {
	const char *cmd;
	FILE *fp;
	double t0;
	int shown;
};
void cli_progress_start(struct cli_progress *pg, const char *cmd, FILE *fp);
/* A progress callback (ctx is the struct cli_progress). */
void cli_progress_show(void *ctx, uint64_t done, uint64_t total);
void cli_progress_show_size(void *ctx, size_t done, size_t total);

#endif
