/*
 * fuzz_chainsource.c - the reply parsers of `hashpivot sync` (chainsource.h):
 * Bitcoin Core's JSON-RPC replies (getblockchaininfo, getblockhash,
 * getblockheader raw and verbose, getblockstats) and mempool.space's REST
 * replies (tip height, hashes and raw headers as text, /api/block/HASH).
 *
 * Every parser is given the whole input as the reply body, exactly size
 * bytes with no terminating NUL (as a body comes off the wire), so a read
 * past its end is an ASan report. The REST block's expected id is the
 * genesis hash. Asserted: a failure carries its status (HP_EPARSE, or
 * HP_EIO for an RPC error object) and a non-empty one-line message; a
 * success gives what the header promises (blocks >= 0, a known network,
 * fees >= 0, tx_count >= 1); nothing leaks.
 */
#include <string.h>

#include "fuzz.h"
#include "hashpivot/chainsource.h"
#include "hashpivot/hex.h"

static uint8_t genesis[32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char hex[] =
		"6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000";

	(void)argc;
	(void)argv;
	if (hp_hex_decode(hex, genesis, 32, "genesis", NULL) != HP_OK)
		abort();
	return 0;
}

static void result(enum hp_status ret, const struct hp_error *err)
{
	if (ret == HP_OK)
		return;
	FUZZ_ASSERT(ret == HP_EPARSE || ret == HP_EIO || ret == HP_ENOMEM);
	fuzz_check_failure(ret, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct hp_error err;
	struct hp_chaindb_stats st;
	struct hp_u256 work;
	enum hp_network net;
	enum hp_status ret;
	uint8_t out[80];
	int64_t n;

	memset(&err, 0, sizeof(err));
	n = -1;
	ret = hp_chainsource_parse_rpc_chaininfo(body, size, &n, &net, &err);
	result(ret, &err);
	if (ret == HP_OK)
		FUZZ_ASSERT(n >= 0 && (net == HP_NET_MAIN || net == HP_NET_TEST ||
				       net == HP_NET_REGTEST));

	memset(&err, 0, sizeof(err));
	result(hp_chainsource_parse_rpc_hex(body, size, "getblockhash", out, 32, true, &err), &err);
	memset(&err, 0, sizeof(err));
	result(hp_chainsource_parse_rpc_hex(body, size, "getblockheader", out, 80, false, &err),
	       &err);
	memset(&err, 0, sizeof(err));
	result(hp_chainsource_parse_rpc_chainwork(body, size, &work, &err), &err);

	memset(&err, 0, sizeof(err));
	ret = hp_chainsource_parse_rpc_stats(body, size, 840000, &st, &err);
	result(ret, &err);
	if (ret == HP_OK)
		FUZZ_ASSERT(st.fees_sats >= 0 && st.subsidy_sats >= 0 && st.tx_count >= 1);

	memset(&err, 0, sizeof(err));
	n = -1;
	ret = hp_chainsource_parse_rest_int(body, size, "tip", &n, &err);
	result(ret, &err);
	if (ret == HP_OK)
		FUZZ_ASSERT(n >= 0);
	memset(&err, 0, sizeof(err));
	result(hp_chainsource_parse_rest_hex(body, size, "hash", out, 32, true, &err), &err);
	memset(&err, 0, sizeof(err));
	result(hp_chainsource_parse_rest_hex(body, size, "header", out, 80, false, &err), &err);

	memset(&err, 0, sizeof(err));
	ret = hp_chainsource_parse_rest_block(body, size, genesis, &st, &err);
	result(ret, &err);
	if (ret == HP_OK)
		FUZZ_ASSERT(st.fees_sats >= 0 && st.tx_count >= 1 && size >= 64);
	return 0;
}
