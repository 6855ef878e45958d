/*
 * test_chainsource.c - the reply parsers of chainsource.h on canned bodies
 * (Bitcoin Core's and mempool.space's shapes), good, malformed, truncated
 * and mistyped, without a network; and the source's option checks and the
 * URL shown without credentials.
 */
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/chainsource.h"
#include "hashpivot/hex.h"

#define GENESIS "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
#define GENESIS_HEADER                                                   \
	"0100000000000000000000000000000000000000000000000000000000000000" \
	"000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa" \
	"4b1e5e4a29ab5f49ffff001d1dac2b7c"

#define B(s) s, strlen(s)

static void test_rpc_chaininfo(void **state)
{
	struct hp_error err;
	enum hp_network net;
	int64_t blocks;

	(void)state;
	assert_int_equal(hp_chainsource_parse_rpc_chaininfo(
				 B("{\"result\":{\"chain\":\"test\",\"blocks\":2500000,"
				   "\"headers\":2500001},\"error\":null,\"id\":\"x\"}"),
				 &blocks, &net, &err),
			 HP_OK);
	assert_int_equal(blocks, 2500000);
	assert_int_equal(net, HP_NET_TEST);
	/* truncated */
	assert_int_equal(hp_chainsource_parse_rpc_chaininfo(
				 B("{\"result\":{\"chain\":\"main\",\"blo"), &blocks, &net, &err),
			 HP_EPARSE);
	assert_non_null(strstr(err.message, "getblockchaininfo: malformed JSON reply ("));
	/* mistyped */
	assert_int_equal(hp_chainsource_parse_rpc_chaininfo(
				 B("{\"result\":{\"chain\":\"main\",\"blocks\":\"12\"},\"error\":null}"),
				 &blocks, &net, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockchaininfo: blocks missing or not an integer");
	assert_int_equal(hp_chainsource_parse_rpc_chaininfo(
				 B("{\"result\":{\"chain\":\"signet\",\"blocks\":1},\"error\":null}"),
				 &blocks, &net, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockchaininfo: unknown chain 'signet'");
	/* an RPC error is reported, not parsed */
	assert_int_equal(hp_chainsource_parse_rpc_chaininfo(
				 B("{\"result\":null,\"error\":{\"code\":-28,\"message\":\"Loading "
				   "block index...\"},\"id\":1}"),
				 &blocks, &net, &err),
			 HP_EIO);
	assert_string_equal(err.message, "getblockchaininfo: RPC error -28: Loading block index...");
	/* duplicate keys and trailing garbage */
	assert_int_equal(hp_chainsource_parse_rpc_chaininfo(
				 B("{\"result\":{\"chain\":\"main\",\"blocks\":1,\"blocks\":2}}"),
				 &blocks, &net, &err),
			 HP_EPARSE);
	assert_int_equal(hp_chainsource_parse_rpc_chaininfo(
				 B("{\"result\":{\"chain\":\"main\",\"blocks\":1}} x"), &blocks,
				 &net, &err),
			 HP_EPARSE);
}

static void test_rpc_hex(void **state)
{
	uint8_t hash[32], raw[HP_HEADER_SIZE], want[HP_HEADER_SIZE];
	struct hp_error err;
	char hex[65];

	(void)state;
	assert_int_equal(hp_chainsource_parse_rpc_hex(B("{\"result\":\"" GENESIS
							"\",\"error\":null,\"id\":1}"),
						      "getblockhash", hash, 32, true, &err),
			 HP_OK);
	/* internal order: the displayed hash reversed */
	assert_int_equal(hash[31], 0x00);
	assert_int_equal(hash[0], 0x6f);
	hp_hex_encode_reversed(hash, 32, hex);
	assert_string_equal(hex, GENESIS);
	assert_int_equal(hp_chainsource_parse_rpc_hex(B("{\"result\":\"" GENESIS_HEADER
							"\",\"error\":null}"),
						      "getblockheader", raw, HP_HEADER_SIZE, false,
						      &err),
			 HP_OK);
	assert_int_equal(hp_hex_decode(GENESIS_HEADER, want, sizeof(want), NULL, NULL), HP_OK);
	assert_memory_equal(raw, want, HP_HEADER_SIZE);
	/* one digit short */
	assert_int_equal(hp_chainsource_parse_rpc_hex(
				 B("{\"result\":\"000000000019d6689c085ae165831e934ff763ae46a2a6c172b3"
				   "f1b60a8ce26\",\"error\":null}"),
				 "getblockhash", hash, 32, true, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockhash: expected 64 hex digits, got 63");
	assert_int_equal(hp_chainsource_parse_rpc_hex(B("{\"result\":42,\"error\":null}"),
						      "getblockhash", hash, 32, true, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockhash: result is not a string");
	assert_int_equal(hp_chainsource_parse_rpc_hex(B("{\"error\":null}"), "getblockhash", hash,
						      32, true, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockhash: reply has no result");
	assert_int_equal(hp_chainsource_parse_rpc_hex(B("[1,2]"), "getblockhash", hash, 32, true,
						      &err),
			 HP_EPARSE);
	assert_int_equal(hp_chainsource_parse_rpc_hex(B(""), "getblockhash", hash, 32, true, &err),
			 HP_EPARSE);
	assert_int_equal(hp_chainsource_parse_rpc_hex(
				 B("{\"result\":\"zz0000000019d6689c085ae165831e934ff763ae46a2a6c172b3"
				   "f1b60a8ce26f\",\"error\":null}"),
				 "getblockhash", hash, 32, true, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockhash: not hexadecimal");
}

static void test_rpc_chainwork_stats(void **state)
{
	struct hp_chaindb_stats st;
	struct hp_u256 w;
	struct hp_error err;

	(void)state;
	/* block 2016's chainwork, as Core prints it */
	assert_int_equal(hp_chainsource_parse_rpc_chainwork(
				 B("{\"result\":{\"height\":2016,\"chainwork\":\"00000000000000000000"
				   "0000000000000000000000000000000007e107e107e1\"},\"error\":null}"),
				 &w, &err),
			 HP_OK);
	assert_true(hp_u256_low64(w) == UINT64_C(0x7e107e107e1));
	/* block 840000: 3,125,000,000 sats of subsidy */
	assert_int_equal(hp_chainsource_parse_rpc_stats(
				 B("{\"result\":{\"height\":840000,\"subsidy\":312500000,"
				   "\"totalfee\":3706390320,\"txs\":3050},\"error\":null,\"id\":1}"),
				 840000, &st, &err),
			 HP_OK);
	assert_int_equal(st.fees_sats, 3706390320);
	assert_int_equal(st.subsidy_sats, 312500000);
	assert_int_equal(st.tx_count, 3050);
	assert_int_equal(hp_chainsource_parse_rpc_stats(
				 B("{\"result\":{\"height\":839999,\"subsidy\":625000000,"
				   "\"totalfee\":1,\"txs\":2},\"error\":null}"),
				 840000, &st, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockstats: stats of block 839999, asked for 840000");
	assert_int_equal(hp_chainsource_parse_rpc_stats(
				 B("{\"result\":{\"subsidy\":1,\"totalfee\":-5,\"txs\":2},\"error\":null}"),
				 1, &st, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockstats: totalfee must be >= 0, got -5");
	assert_int_equal(hp_chainsource_parse_rpc_stats(
				 B("{\"result\":{\"subsidy\":1,\"totalfee\":5,\"txs\":0},\"error\":null}"),
				 1, &st, &err),
			 HP_EPARSE);
	assert_int_equal(hp_chainsource_parse_rpc_stats(
				 B("{\"result\":{\"subsidy\":1,\"totalfee\":5.5,\"txs\":3},\"error\":null}"),
				 1, &st, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "getblockstats: totalfee missing or not an integer");
}

static void test_rest(void **state)
{
	uint8_t hash[32], raw[HP_HEADER_SIZE];
	struct hp_chaindb_stats st;
	struct hp_error err;
	int64_t h;

	(void)state;
	assert_int_equal(hp_chainsource_parse_rest_int(B("903412\n"), "tip", &h, &err), HP_OK);
	assert_int_equal(h, 903412);
	assert_int_equal(hp_chainsource_parse_rest_int(B("903412"), "tip", &h, &err), HP_OK);
	assert_int_equal(hp_chainsource_parse_rest_int(B("90 3412"), "tip", &h, &err), HP_EPARSE);
	assert_string_equal(err.message, "tip: expected a block height, got '90 3412'");
	/* A body is len bytes with no NUL after them: the message quotes those
	 * bytes and no more (it once read on to 20). */
	{
		const char wire[] = { '9', '0', 'x', '7', '7', '7', '7', '7' };

		assert_int_equal(hp_chainsource_parse_rest_int(wire, 3, "tip", &h, &err), HP_EPARSE);
		assert_string_equal(err.message, "tip: expected a block height, got '90x'");
	}
	assert_int_equal(hp_chainsource_parse_rest_int(B(""), "tip", &h, &err), HP_EPARSE);
	assert_int_equal(hp_chainsource_parse_rest_int(B("-1"), "tip", &h, &err), HP_EPARSE);
	assert_int_equal(hp_chainsource_parse_rest_hex(B(GENESIS), "hash", hash, 32, true, &err),
			 HP_OK);
	assert_int_equal(hash[0], 0x6f);
	assert_int_equal(hp_chainsource_parse_rest_hex(B(GENESIS_HEADER "\n"), "header", raw,
						       HP_HEADER_SIZE, false, &err),
			 HP_OK);
	assert_int_equal(raw[0], 1);
	/* a header cut short */
	assert_int_equal(hp_chainsource_parse_rest_hex(B("0100000000000000"), "header", raw,
						       HP_HEADER_SIZE, false, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "header: expected 160 hex digits, got 16");

	assert_int_equal(hp_chainsource_parse_rest_block(
				 B("{\"id\":\"" GENESIS "\",\"height\":0,\"tx_count\":1,"
				   "\"extras\":{\"totalFees\":0,\"reward\":5000000000}}"),
				 hash, &st, &err),
			 HP_OK);
	assert_int_equal(st.tx_count, 1);
	assert_int_equal(st.fees_sats, 0);
	assert_int_equal(hp_chainsource_parse_rest_block(
				 B("{\"id\":\"" GENESIS "\",\"height\":0,\"tx_count\":1}"), hash, &st,
				 &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "/api/block: no extras (not a mempool.space backend?)");
	assert_int_equal(hp_chainsource_parse_rest_block(
				 B("{\"id\":\"00\",\"tx_count\":1,\"extras\":{\"totalFees\":0}}"), hash,
				 &st, &err),
			 HP_EPARSE);
	assert_string_equal(err.message, "/api/block: id is not " GENESIS);
	assert_int_equal(hp_chainsource_parse_rest_block(B("{\"id\":\"" GENESIS "\",\"tx_c"), hash,
							 &st, &err),
			 HP_EPARSE);
}

static void test_options(void **state)
{
	struct hp_chainsource_opts o;
	struct hp_chainsource *s;
	struct hp_error err;

	(void)state;
	hp_chainsource_opts_init(&o);
	assert_true(o.timeout_s == 30);
	assert_int_equal(o.retries, 3);
	o.url = "ftp://x";
	assert_int_equal(hp_chainsource_new(&o, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "--rpc-url: must be an http:// or https:// URL");
	o.url = "http://alice:s3cret@127.0.0.1:8332/";
	o.user = "bob";
	assert_int_equal(hp_chainsource_new(&o, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "--rpc-password: needs --rpc-user too");
	o.user = NULL;
	o.cookie_file = "tests/data/no-such-cookie";
	assert_int_equal(hp_chainsource_new(&o, &s, &err), HP_EINVAL);
	assert_non_null(strstr(err.message, "--rpc-cookie: tests/data/no-such-cookie: cannot read cookie"));
	o.cookie_file = NULL;
	o.timeout_s = 0;
	assert_int_equal(hp_chainsource_new(&o, &s, &err), HP_EINVAL);
	o.timeout_s = 5;
	assert_int_equal(hp_chainsource_new(&o, &s, &err), HP_OK);
	/* the credentials never show */
	assert_string_equal(hp_chainsource_url(s), "http://127.0.0.1:8332");
	hp_chainsource_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rpc_chaininfo),
		cmocka_unit_test(test_rpc_hex),
		cmocka_unit_test(test_rpc_chainwork_stats),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
