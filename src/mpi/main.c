/*
 * main.c - hashpivot-mpi: `simulate` across the ranks of an MPI job.
 *
 *   mpirun -np N hashpivot-mpi simulate [the options of hashpivot simulate]
 *
 * Every rank parses the same command line and scenario; rank r runs paths
 * [P r / N, P (r + 1) / N) on its own threads (--threads is per rank).
 * Each rank's summaries are serialized (hp_stats_serialize) and gathered
 * on rank 0, which merges them - an exact integer merge, so the result is
 * the one a single process gets - and reports exactly as `hashpivot
 * simulate` does. Other ranks write nothing (their stdout and stderr go to
 * /dev/null); every rank exits with the same status. Only `simulate` (and
 * --help, --version) is accepted. docs/cli.md "hashpivot-mpi" says how to
 * run it on a cluster.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../cli/cli.h"
#include "hashpivot/alloc.h"
#include "hashpivot/industry.h"

static int rank, nranks;

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* [len daily][daily][len cohorts][cohorts][paths][blocks][cohort_days], little-endian. */
static enum hp_status pack(const struct hp_industry_result *r, unsigned char **buf, size_t *len,
			   struct hp_error *err)
{
	unsigned char *a = NULL, *b = NULL, *p;
	size_t la, lb;
	enum hp_status ret;

	if ((ret = hp_stats_serialize(r->daily, &a, &la, err)) != HP_OK)
		return ret;
	if ((ret = hp_stats_serialize(r->cohorts, &b, &lb, err)) != HP_OK) {
		hp_free(a);
		return ret;
	}
	*len = 8 + la + 8 + lb + 24;
	if (!(p = *buf = hp_malloc(*len))) {
		ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	} else {
		put_u64(p, la);
		memcpy(p + 8, a, la);
		put_u64(p + 8 + la, lb);
		memcpy(p + 16 + la, b, lb);
		put_u64(p + 16 + la + lb, r->paths);
		put_u64(p + 24 + la + lb, r->blocks);
		put_u64(p + 32 + la + lb, r->cohort_days);
	}
	hp_free(a);
	hp_free(b);
	return ret;
}

static enum hp_status unpack_merge(struct hp_industry_result *into, const unsigned char *p,
				   size_t len, struct hp_error *err)
{
	uint64_t la, lb;
	enum hp_status ret;

	if (len < 8 || (la = get_u64(p)) > len - 8 || len - 8 - la < 8 ||
	    (lb = get_u64(p + 8 + la)) != len - 16 - la - 24)
		return hp_error_set(err, HP_EPARSE, "mpi", "a rank sent a malformed summary");
	if ((ret = hp_stats_merge_serialized(into->daily, p + 8, la, err)) != HP_OK ||
	    (ret = hp_stats_merge_serialized(into->cohorts, p + 16 + la, lb, err)) != HP_OK)
		return ret;
	into->paths += get_u64(p + 16 + la + lb);
	into->blocks += get_u64(p + 24 + la + lb);
	into->cohort_days += get_u64(p + 32 + la + lb);
	return HP_OK;
}

static enum hp_status mpi_run(const struct hp_industry *ind, const struct hp_industry_config *cfg,
			      struct hp_industry_result *out, bool *writer, struct hp_error *err)
{
	struct hp_industry_config c = *cfg;
	struct hp_industry_result mine = {0};
	unsigned char *buf = NULL, *all = NULL;
	size_t len = 0;
	uint64_t lo = cfg->npaths * (uint64_t)rank / (uint64_t)nranks;
	uint64_t hi = cfg->npaths * (uint64_t)(rank + 1) / (uint64_t)nranks;
	long long mylen, *lens = NULL;
	int *counts = NULL, *displs = NULL, failed, any_failed, i;
	enum hp_status ret;

	*writer = rank == 0;
	c.first_path = cfg->first_path + lo;
	c.npaths = hi - lo;
	if (c.npaths == 0)
		ret = hp_industry_result_init(ind, cfg->alpha, &mine, err);
	else
		ret = hp_industry_run(ind, &c, &mine, err);
	if (ret == HP_OK)
		ret = pack(&mine, &buf, &len, err);
	hp_industry_result_release(&mine);
	failed = ret != HP_OK || len > INT32_MAX;
	MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (any_failed) {
		if (ret == HP_OK)
			ret = hp_error_set(err, HP_EINTERNAL, "mpi", "another rank failed");
		goto out;
	}
	mylen = (long long)len;
	if (rank == 0 && !(lens = hp_malloc((size_t)nranks * sizeof(*lens))))
		MPI_Abort(MPI_COMM_WORLD, 1);
	MPI_Gather(&mylen, 1, MPI_LONG_LONG, lens, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		long long total = 0;

		counts = hp_malloc((size_t)nranks * sizeof(int));
		displs = hp_malloc((size_t)nranks * sizeof(int));
		for (i = 0; counts && displs && i < nranks; i++) {
			displs[i] = (int)total;
			counts[i] = (int)lens[i];
			total += lens[i];
		}
		if (!counts || !displs || total > INT32_MAX || !(all = hp_malloc((size_t)total + 1)))
			failed = 1;
	}
	MPI_Bcast(&failed, 1, MPI_INT, 0, MPI_COMM_WORLD);
	if (failed) {
		ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory gathering the ranks' summaries");
		goto out;
	}
	MPI_Gatherv(buf, (int)len, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		if ((ret = hp_industry_result_init(ind, cfg->alpha, out, err)) != HP_OK)
			goto out;
		for (i = 0; i < nranks; i++)
			if ((ret = unpack_merge(out, all + displs[i], (size_t)counts[i], err)) != HP_OK)
				goto out;
	}
out:
	if (ret != HP_OK)
		hp_industry_result_release(out);
	hp_free(buf);
	hp_free(all);
	hp_free(lens);
	hp_free(counts);
	hp_free(displs);
	return ret;
}

static const struct cli_sim_runner runner = { mpi_run };

int main(int argc, char **argv)
{
	int rc, all_rc;

	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &nranks);
	if (rank != 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			MPI_Abort(MPI_COMM_WORLD, 1);
	}
	if (argc >= 2 && strcmp(argv[1], "simulate") != 0 && strcmp(argv[1], "--help") != 0 &&
	    strcmp(argv[1], "-h") != 0 && strcmp(argv[1], "--version") != 0) {
		fprintf(stderr, "hashpivot-mpi: '%.60s' is not a command here; only 'simulate'\n",
			argv[1]);
		rc = 2;
	} else {
		cli_set_sim_runner(&runner);
		rc = cli_run(argc, argv);
	}
	MPI_Allreduce(&rc, &all_rc, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	MPI_Finalize();
	return rank == 0 ? rc : all_rc;
}
