/*
 * main.c - hashpivot's command table and dispatch (after git's git.c).
 *
 * One row per command: its name, the function in src/cli/cmd_<name>.c, the
 * shared set-up its flags ask for (CLI_NEEDS_DATA: find the shipped data
 * directory once, here), a summary for `hashpivot --help` and the usage text
 * for `hashpivot <command> --help`. See cli.h for how to add one.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "hashpivot/common.h"

static const struct cli_command commands[] = {
	{"network", cmd_network, CLI_NEEDS_DATA,
	 "state of the network from the shipped difficulty history",
	 "usage: hashpivot network [--height H | --db FILE] [--json] [--data-dir DIR]\n"
	 "\n"
	 "The network at the latest epoch of the shipped data (or at height H):\n"
	 "bits, difficulty, implied hashrate, subsidy, issued and remaining supply,\n"
	 "next retarget and next halving with an estimated date. With --db, the live\n"
	 "state at the tip of a chain database ('hashpivot sync'): also the hashrate\n"
	 "from the last 144 and 2016 blocks' work and time, the mean fees of the\n"
	 "last 144 and 1008 blocks, and mempool.space's next-retarget estimate.\n"
	 "\n"
	 "  --height H        a height inside the shipped history (default: the\n"
	 "                    first block of the latest known epoch)\n"
	 "  --db FILE         the chain database instead of the shipped history\n"
	 "  --json            machine-readable output\n"
	 "  --data-dir DIR    where btc_difficulty_epochs.csv is (default: the\n"
	 "                    shipped data; also $HASHPIVOT_DATA_DIR)\n"},
	{"hashprice", cmd_hashprice, 0, "mining revenue per unit of hashrate per day",
	 "usage: hashpivot hashprice --difficulty D | --bits B --height H --fees-btc F\n"
	 "                           --price-usd P [--pool-fee-pct X] [--json]\n"
	 "       hashpivot hashprice --db FILE [--price-usd P] [--pool-fee-pct X] [--json]\n"
	 "\n"
	 "What one PH/s (or TH/s) earns per day: 86400 * (subsidy + fees) / work per\n"
	 "block, less the pool fee, with the exact work 2^256/(target+1) of the\n"
	 "difficulty or bits and the subsidy at height H.\n"
	 "\n"
	 "  --difficulty D    network difficulty (> 0)\n"
	 "  --bits B          or the nBits of the epoch (hex)\n"
	 "  --height H        block height, for the subsidy\n"
	 "  --fees-btc F      average transaction fees per block, BTC\n"
	 "  --price-usd P     BTC price in USD\n"
	 "  --pool-fee-pct X  pool fee in percent (default 0; FPPS is about 2-2.5)\n"
	 "  --db FILE         instead of --difficulty/--bits, --height and --fees-btc:\n"
	 "                    the chain database's tip (its bits and height, the mean\n"
	 "                    fees of the last 144 blocks); without --price-usd, its\n"
	 "                    latest close on or before the tip's day\n"
	 "  --json            machine-readable output\n"},
	{"machines", cmd_machines, CLI_NEEDS_DATA, "the catalog of mining machines (nameplate specs)",
	 "usage: hashpivot machines [--sort KEY] [--cooling KIND] [--catalog FILE]...\n"
	 "                          [--add-machine SPEC]... [--json] [--data-dir DIR]\n"
	 "\n"
	 "The SHA-256 machines of the shipped catalog (machines.csv in the data\n"
	 "directory) and of the user's files: hashrate, power at the wall,\n"
	 "efficiency (power / hashrate), cooling, release month, listed price and\n"
	 "the source of the figures (data/SOURCES.md).\n"
	 "\n"
	 "  --sort KEY          efficiency (default), name, hashrate, power or\n"
	 "                      release; ascending, ties by name\n"
	 "  --cooling KIND      only air, hydro or immersion machines\n"
	 "  --catalog FILE      add the machines of a CSV file with the catalog's\n"
	 "                      columns (a same-named machine is replaced);\n"
	 "                      repeatable\n"
	 "  --add-machine SPEC  add NAME:HASHRATE_THS:POWER_W[:COOLING], e.g.\n"
	 "                      'My S21:200:3500:air'; repeatable\n"
	 "  --json              machine-readable output\n"
	 "  --data-dir DIR      where machines.csv is (default: the shipped data;\n"
	 "                      also $HASHPIVOT_DATA_DIR)\n"},
	{"breakeven", cmd_breakeven, CLI_NEEDS_DATA,
	 "a machine's shutdown price, break-even power price and payback",
	 "usage: hashpivot breakeven --machine NAME | --all  (--difficulty D | --bits B)\n"
	 "                           --height H --fees-btc F --price-usd P [options]\n"
	 "\n"
	 "One machine's day at this network state - revenue, power cost, profit - and\n"
	 "the BTC price (shutdown price) and power price at which it stops paying for\n"
	 "its power; with a purchase price, the payback and ROI of buying it over a\n"
	 "horizon with difficulty growth and the halving on its exact block. --all\n"
	 "ranks every catalog machine.\n"
	 "\n"
	 "  --machine NAME           a catalog machine (see 'hashpivot machines')\n"
	 "  --all                    every catalog machine, ranked\n"
	 "  --sort KEY               shutdown (default), profit or payback\n"
	 "  --catalog FILE           add the machines of a catalog CSV (repeatable)\n"
	 "  --add-machine SPEC       add NAME:HASHRATE_THS:POWER_W[:COOLING] (repeatable)\n"
	 "  --difficulty D | --bits B, --height H, --fees-btc F, --price-usd P,\n"
	 "  --pool-fee-pct X, --db FILE  the network, as for 'hashpivot hashprice'\n"
	 "  --power-price-usd-per-kwh C  energy price (default 0.05)\n"
	 "  --pue X                  facility overhead, 1 to 3 (default 1)\n"
	 "  --uptime-pct U           share of the time it hashes (default 100)\n"
	 "  --hosting-usd-per-kwh K  hosting fee per kWh drawn (default 0)\n"
	 "  --hosting-usd-per-month F  fixed fee per unit (default 0)\n"
	 "  --machine-price-usd C    purchase price (default: the catalog's, if any)\n"
	 "  --months N               payback horizon, 1 to 600 (default 36)\n"
	 "  --difficulty-growth-pct-per-month G  applied at each retarget (default 0)\n"
	 "  --price-growth-pct-per-month G       compounded daily (default 0)\n"
	 "  --run-when-unprofitable  do not switch off on days that lose money\n"
	 "  --report FILE            also write the HTML report (the ladder with --all)\n"
	 "  --json                   machine-readable output\n"},
	{"fleet", cmd_fleet, CLI_NEEDS_DATA,
	 "a company's fleet: per-site P&L, cost per BTC, break-even prices",
	 "usage: hashpivot fleet --scenario FILE [--db FILE] [--price-usd P]\n"
	 "                       [--catalog FILE] [--add-machine SPEC] [--report FILE] [--json]\n"
	 "\n"
	 "The sites and fleets of a scenario file (docs/scenario.md) at its network\n"
	 "state: per site and in total hashrate, power, BTC a day, revenue, costs and\n"
	 "margin; the cost of producing one BTC as marginal (electricity and hosting,\n"
	 "net of demand-response credits), cash (+ site opex, SG&A, interest) and\n"
	 "all-in (+ depreciation, stock-based compensation); and the break-even\n"
	 "hashprice and BTC price of each. Sites with an hourly power price file run\n"
	 "each machine only in the hours it pays.\n"
	 "\n"
	 "  --scenario FILE          the scenario (JSON)\n"
	 "  --db FILE                the network at a chain database's tip instead of\n"
	 "                           the scenario's (bits, height, mean fees of the last\n"
	 "                           144 blocks; price: --price-usd, the database's close,\n"
	 "                           else the scenario's)\n"
	 "  --price-usd P            the BTC price (default: the scenario's)\n"
	 "  --catalog FILE           add the machines of a catalog CSV (repeatable)\n"
	 "  --add-machine SPEC       add NAME:HASHRATE_THS:POWER_W[:COOLING] (repeatable)\n"
	 "  --report FILE            also write the HTML report (docs/report.md)\n"
	 "  --json                   machine-readable output\n"},
	{"curtail", cmd_curtail, CLI_NEEDS_DATA,
	 "run a machine only in the hours its power price pays",
	 "usage: hashpivot curtail --prices FILE (--machine NAME [--catalog FILE] |\n"
	 "                         --hashrate-ths H --power-w W) [--pue X]\n"
	 "                         --difficulty D | --bits B --height H --fees-btc F\n"
	 "                         --price-usd P [--pool-fee-pct X]\n"
	 "                         [--dr-credit-usd-per-mwh C] [--min-uptime-pct U] [--json]\n"
	 "\n"
	 "Over an hourly power price file, run the machine in an hour only when its\n"
	 "revenue (the hashprice times its hashrate) beats the hour's power cost plus\n"
	 "the demand-response credit it forgoes; with a minimum uptime, add back the\n"
	 "cheapest curtailed hours until it is met. Reports hours run, revenue, power\n"
	 "cost, credit, profit and the gain over running every hour.\n"
	 "\n"
	 "  --prices FILE     CSV with columns timestamp (Unix seconds or ISO 8601 UTC,\n"
	 "                    on the hour, one hour apart) and usd_per_mwh\n"
	 "  --machine NAME    a catalog machine (see 'hashpivot machines')\n"
	 "  --catalog FILE    a catalog CSV to look NAME up in as well\n"
	 "  --hashrate-ths H  or the machine's hashrate, TH/s (> 0)\n"
	 "  --power-w W       its power at the wall, W (> 0)\n"
	 "  --pue X           facility overhead, 1 to 10 (default 1)\n"
	 "  --difficulty D    network difficulty (> 0)\n"
	 "  --bits B          or the nBits of the epoch (hex)\n"
	 "  --height H        block height, for the subsidy\n"
	 "  --fees-btc F      average transaction fees per block, BTC\n"
	 "  --price-usd P     BTC price in USD\n"
	 "  --pool-fee-pct X  pool fee in percent (default 0)\n"
	 "  --dr-credit-usd-per-mwh C\n"
	 "                    paid per MWh not drawn in a curtailed hour (default 0)\n"
	 "  --min-uptime-pct U\n"
	 "                    run at least U % of the hours, 0 to 100 (default 0)\n"
	 "  --json            machine-readable output\n"},
	{"energy", cmd_energy, CLI_NEEDS_DATA,
	 "the network's power draw and yearly energy (Cambridge-style bounds)",
	 "usage: hashpivot energy (--difficulty D | --bits B) --height H --fees-btc F\n"
	 "                        --price-usd P [--power-price-usd-per-kwh C] [options]\n"
	 "\n"
	 "The profitability threshold (the least efficient machine that still pays\n"
	 "for its power at price C) and the network's power and yearly energy in the\n"
	 "manner of the Cambridge index: lower bound all on the most efficient\n"
	 "machine, upper bound all on the least efficient profitable one, best\n"
	 "guess on the mean of the profitable ones. The candidates are the catalog's\n"
	 "machines (released by --as-of, when given).\n"
	 "\n"
	 "  --difficulty D | --bits B, --height H, --fees-btc F, --price-usd P,\n"
	 "  --pool-fee-pct X, --db FILE  the network, as for 'hashpivot hashprice'\n"
	 "  --power-price-usd-per-kwh C  electricity price (default 0.05)\n"
	 "  --as-of YYYY-MM          only machines released by this month\n"
	 "  --catalog FILE           add the machines of a catalog CSV (repeatable)\n"
	 "  --add-machine SPEC       add NAME:HASHRATE_THS:POWER_W[:COOLING] (repeatable)\n"
	 "  --pue-lower X, --pue-best X, --pue-upper X  (default 1.01, 1.10, 1.20)\n"
	 "  --json                   machine-readable output\n"},
	{"pivot", cmd_pivot, CLI_NEEDS_DATA,
	 "compare keep-mining and AI/HPC conversion strategies under Monte Carlo",
	 "usage: hashpivot pivot --scenario FILE [--paths N] [--seed S] [--threads T]\n"
	 "                       [--csv DIR] [--progress] [--catalog FILE]\n"
	 "                       [--add-machine SPEC] [--report FILE] [--json]\n"
	 "\n"
	 "Run every strategy of the scenario's \"pivot\" section (docs/scenario.md) -\n"
	 "keep mining, convert MW to colocation or GPU cloud, hybrids, wait and\n"
	 "convert under the least-squares Monte Carlo rule - over the same BTC price\n"
	 "paths, month by month with the exact mining yield and the treasury policy.\n"
	 "Per strategy: NPV quantiles and mean, NPV against keep mining, IRR and\n"
	 "payback of the conversion, probability of running out of cash, BTC sold by\n"
	 "cause, revenue per kWh against mining, and the conversion rule of a wait\n"
	 "strategy. Results are identical for any --threads.\n"
	 "\n"
	 "  --scenario FILE   the scenario (JSON)\n"
	 "  --paths N         Monte Carlo paths, 1 to 1000000 (default: market.paths)\n"
	 "  --seed S          random seed (default: market.seed)\n"
	 "  --threads T       worker threads, 1 to 256 (default: the CPUs)\n"
	 "  --csv DIR         write pivot_series.csv and pivot_strategies.csv there\n"
	 "  --progress        show progress on stderr even when it is not a terminal\n"
	 "  --catalog FILE    add the machines of a catalog CSV (repeatable)\n"
	 "  --add-machine SPEC  add NAME:HASHRATE_THS:POWER_W[:COOLING] (repeatable)\n"
	 "  --report FILE     also write the HTML report (docs/report.md)\n"
	 "  --json            machine-readable output\n"},
	{"treasury", cmd_treasury, CLI_NEEDS_DATA,
	 "a miner's BTC treasury and cash under its policy, month by month",
	 "usage: hashpivot treasury --scenario FILE [--strategy NAME] [--paths N]\n"
	 "                          [--seed S] [--threads T] [--csv DIR] [--progress]\n"
	 "                          [--report FILE] [--json]\n"
	 "\n"
	 "One strategy of the scenario (default: the first; keep mining without a\n"
	 "\"pivot\" section) with its \"treasury\" policy over Monte Carlo price\n"
	 "paths: holdings, cash and net worth over time (quantiles), the probability\n"
	 "and timing of margin calls and liquidations, BTC sold by cause (policy,\n"
	 "opex, capex, debt, margin call, liquidation), DeFi yield and losses.\n"
	 "\n"
	 "  --scenario FILE   the scenario (JSON)\n"
	 "  --strategy NAME   the strategy whose treasury to show\n"
	 "  --paths N, --seed S, --threads T, --csv DIR, --progress, --report FILE\n"
	 "                    as for pivot\n"
	 "  --json            machine-readable output (monthly quantile series)\n"},
	{"prices", cmd_prices, CLI_NEEDS_DATA,
	 "daily BTC/USD closes in the chain database: list, import a CSV",
	 "usage: hashpivot prices [list] [--db FILE] [--json]\n"
	 "       hashpivot prices import FILE.csv [--db FILE] [--source NAME] [--json]\n"
	 "\n"
	 "list (the default) summarises the closes the chain database holds (days,\n"
	 "first and last) and the shipped history (data/btc_usd_daily.csv) that\n"
	 "stands in wherever the database has none. import reads a CSV of daily\n"
	 "closes - a header naming a date column (date, day, snapped_at, timestamp,\n"
	 "time, unix, datetime) and a close column (close, price, price_usd,\n"
	 "close_usd, c) in any order, as CoinGecko, Bitstamp, Yahoo and others\n"
	 "export; dates YYYY-MM-DD[ time] or Unix seconds or milliseconds - and\n"
	 "stores every day in one transaction, replacing the days already there.\n"
	 "A bad line stores nothing.\n"
	 "\n"
	 "  --db FILE      the chain database (default:\n"
	 "                 $XDG_DATA_HOME/hashpivot/chain.sqlite, else\n"
	 "                 ~/.local/share/hashpivot/chain.sqlite; import creates it)\n"
	 "  --source NAME  recorded with each day (default: the file's name)\n"
	 "  --json         machine-readable output\n"},
	{"backtest", cmd_backtest, CLI_NEEDS_DATA,
	 "a fleet and its treasury through real history, day by day",
	 "usage: hashpivot backtest --scenario FILE --from DATE --to DATE [--db FILE]\n"
	 "                          [--csv DIR] [--report FILE] [--catalog FILE]\n"
	 "                          [--add-machine SPEC] [--json]\n"
	 "\n"
	 "Runs the scenario's fleet (as it stands at its as_of) and its \"treasury\"\n"
	 "policy through each UTC day of real history: the blocks the network found\n"
	 "that day (their exact work from their bits, subsidy and fees) and the BTC\n"
	 "close. Reports BTC mined, revenue, costs and cost per BTC (marginal, cash,\n"
	 "all-in), and the treasury day by day (docs/backtest.md).\n"
	 "\n"
	 "  --scenario FILE   the scenario (JSON)\n"
	 "  --from DATE       first day, YYYY-MM-DD\n"
	 "  --to DATE         last day, YYYY-MM-DD (inclusive)\n"
	 "  --db FILE         the network's days and prices from a chain database\n"
	 "                    ('hashpivot sync'); default: the shipped daily series\n"
	 "                    (fees to 2025-09-26). Prices: the database's closes\n"
	 "                    where it has them, else data/btc_usd_daily.csv\n"
	 "  --csv DIR         write DIR/backtest_daily.csv (every day)\n"
	 "  --report FILE     also write the self-contained HTML report (docs/report.md)\n"
	 "  --json            machine-readable output, with every day\n"},
	{"simulate", cmd_simulate, CLI_NEEDS_DATA,
	 "the mining industry over Monte Carlo price paths: hashrate, difficulty, security",
	 "usage: hashpivot simulate [--scenario FILE] [--paths N] [--seed S] [--threads T]\n"
	 "                          [--years Y] [--block-level] [--rule RULE] [--out DIR]\n"
	 "                          [--trace PATH] [--every D] [--quantile-error-pct X]\n"
	 "                          [--progress] [--report FILE] [--db FILE] [--json]\n"
	 "\n"
	 "Miner cohorts (fleets, power prices, balance sheets, treasuries, AI pivot\n"
	 "options) mine one chain day by day: machines switch off below their shutdown\n"
	 "price, new ones arrive when hashprice pays, blocks are Poisson, the retarget\n"
	 "is Bitcoin's exact rule on the simulated block times, the subsidy halves at\n"
	 "1,050,000, weak miners fail and their BTC is sold. Reports quantile fans of\n"
	 "price, hashrate, difficulty, hashprice, the security budget, the cost of a\n"
	 "51% attack, power, miners' holdings and sales, and each cohort's outcomes.\n"
	 "Without --scenario it runs the shipped scenario epoch5 (early 2026).\n"
	 "\n"
	 "  --scenario FILE   a scenario with an \"industry\" section (docs/scenario.md)\n"
	 "  --paths N         Monte Carlo paths (default: the scenario's market.paths)\n"
	 "  --seed S          seed (default: the scenario's market.seed)\n"
	 "  --threads T       worker threads (default: the CPUs); results do not depend on it\n"
	 "  --years Y         horizon in years (default: the scenario's horizon_months)\n"
	 "  --block-level     draw every block's timestamp (difficulty studies)\n"
	 "  --rule RULE       difficulty rule: bitcoin (default), cw144 or asert\n"
	 "                    (the latter two need --block-level)\n"
	 "  --out DIR         write summary.json, daily.csv (every day, every series)\n"
	 "                    and cohorts.csv into DIR\n"
	 "  --trace PATH      also write path number PATH day by day (trace.csv) and its\n"
	 "                    retargets (retargets.csv) into the --out DIR\n"
	 "  --every D         days between the points of --json's series (default 30)\n"
	 "  --quantile-error-pct X  relative error of the quantiles (default 0.5)\n"
	 "  --progress        show progress on stderr even when it is not a terminal\n"
	 "  --report FILE     also write the HTML report (docs/report.md)\n"
	 "  --db FILE         start from a chain database's tip (next height, bits,\n"
	 "                    epoch start, mean fees of the last 144 blocks, day 0 at\n"
	 "                    the tip's time) instead of the scenario's network\n"
	 "  --json            machine-readable output\n"},
	{"subsidy", cmd_subsidy, 0, "block subsidy and issued supply at a height",
	 "usage: hashpivot subsidy --height H [--network main|test|regtest] [--json]\n"
	 "\n"
	 "The block subsidy at height H, the sum of all subsidies of blocks 0..H,\n"
	 "what remains to be issued, the halving epoch and the next halving height.\n"
	 "\n"
	 "  --height H        block height, 0 to 2147483647\n"
	 "  --network NAME    main (default), test or regtest\n"
	 "  --json            machine-readable output\n"},
	{"bits", cmd_bits, 0, "compact nBits, target, difficulty and work",
	 "usage: hashpivot bits BITS | --difficulty X | --target HEX [--json]\n"
	 "\n"
	 "Decode a compact nBits word (hex, e.g. 1d00ffff) as Bitcoin Core does -\n"
	 "target, difficulty, work per block, negative and overflow flags - or\n"
	 "encode a difficulty or a target into nBits.\n"
	 "\n"
	 "  BITS              1 to 8 hex digits\n"
	 "  --difficulty X    the nBits nearest to difficulty X (> 0)\n"
	 "  --target HEX      the nBits of a 256-bit target (GetCompact)\n"
	 "  --json            machine-readable output\n"},
	{"retarget", cmd_retarget, 0, "the difficulty retarget at the end of an epoch",
	 "usage: hashpivot retarget --bits BITS --first-time T0 --last-time T1\n"
	 "                          [--network main|test|regtest] [--json]\n"
	 "\n"
	 "The new nBits after a 2016-block period with nBits BITS whose first block\n"
	 "has time T0 and whose last block has time T1 (Bitcoin Core's\n"
	 "CalculateNextWorkRequired: 2015 intervals, clamped to a factor of 4,\n"
	 "capped at the proof-of-work limit).\n"
	 "\n"
	 "  --bits BITS       nBits of the ending period (hex)\n"
	 "  --first-time T0   Unix seconds or YYYY-MM-DDTHH:MM:SSZ\n"
	 "  --last-time T1    Unix seconds or YYYY-MM-DDTHH:MM:SSZ\n"
	 "  --network NAME    main (default), test or regtest\n"
	 "  --json            machine-readable output\n"},
	{"header", cmd_header, 0, "decode an 80-byte block header and check its proof of work",
	 "usage: hashpivot header HEX80 [--network main|test|regtest] [--json]\n"
	 "\n"
	 "Decode a serialised block header (160 hex digits), hash it (double\n"
	 "SHA-256) and check its proof of work against its own bits.\n"
	 "\n"
	 "  HEX80             the header as 160 hex digits\n"
	 "  --network NAME    main (default), test or regtest: the proof-of-work limit\n"
	 "  --json            machine-readable output\n"},
	{"estimate", cmd_estimate, 0, "estimate the next retarget (mempool.space's method)",
	 "usage: hashpivot estimate --height H --epoch-start-time T0 --now T\n"
	 "                          [--last-block-time T] [--window-start-time T]\n"
	 "                          [--previous-change PCT] [--json]\n"
	 "\n"
	 "Progress in the current epoch and the estimated difficulty change and\n"
	 "retarget time, by mempool.space's method: over the epoch so far, or, in\n"
	 "the first 503 blocks when the time of the block 504 back is known, over\n"
	 "that 504-block window weighted by the previous change; clamped to\n"
	 "-75%..+300%.\n"
	 "\n"
	 "  --height H              current tip height\n"
	 "  --epoch-start-time T0   time of the epoch's first block\n"
	 "  --now T                 time of the estimate\n"
	 "  --last-block-time T     tip's time; needed when height % 2016 == 2015\n"
	 "  --window-start-time T   time of the block 504 blocks back\n"
	 "  --previous-change PCT   previous retarget's change in percent (default 0)\n"
	 "  --json                  machine-readable output\n"
	 "Times are Unix seconds or YYYY-MM-DDTHH:MM:SSZ.\n"},
	{"sync", cmd_sync, CLI_NEEDS_DATA,
	 "read the chain from a node or API, verify it, store it in SQLite",
	 "usage: hashpivot sync (--rpc-url URL [--rpc-cookie FILE | --rpc-user U\n"
	 "                      --rpc-password P] | --api-url URL) [--db FILE]\n"
	 "                      [--network main|test|regtest] [--from-height H]\n"
	 "                      [--batch N] [--timeout-s S] [--retries N]\n"
	 "                      [--stats-blocks N] [--progress] [--json]\n"
	 "       hashpivot sync --check [--db FILE] [--network NET] [--json]\n"
	 "\n"
	 "Fetches block headers from Bitcoin Core's JSON-RPC or a mempool.space-\n"
	 "compatible REST API, checks each one (links to its parent, meets its\n"
	 "target, bits follow the retarget rule, chainwork adds up) and stores it\n"
	 "with per-block fees in an SQLite database. Resumes from the stored tip and\n"
	 "rewinds a reorg to the fork point. --check runs the integrity check on the\n"
	 "database alone (docs/chaindb.md).\n"
	 "\n"
	 "  --rpc-url URL       Bitcoin Core's RPC (http://127.0.0.1:8332)\n"
	 "  --rpc-cookie FILE   Core's .cookie file, or\n"
	 "  --rpc-user U, --rpc-password P   rpcuser/rpcpassword\n"
	 "  --api-url URL       a mempool.space-compatible API (https://mempool.space)\n"
	 "  --db FILE           the database (default $XDG_DATA_HOME/hashpivot/\n"
	 "                      chain.sqlite, else ~/.local/share/hashpivot/chain.sqlite)\n"
	 "  --network NET       main (default), test or regtest; must match the database\n"
	 "                      and the node\n"
	 "  --from-height H     start an empty database at H instead of genesis (the\n"
	 "                      block at H is the anchor; docs/chaindb.md)\n"
	 "  --batch N           blocks per transaction (default 500)\n"
	 "  --timeout-s S       per request (default 30)\n"
	 "  --retries N         extra attempts for transient failures (default 3)\n"
	 "  --stats-blocks N    fetch fees for the last N blocks of the source's chain\n"
	 "                      (default 2016; with --from-height: every block synced)\n"
	 "  --progress          show progress on stderr even when it is not a terminal\n"
	 "  --check             check the database instead of syncing\n"
	 "  --json              machine-readable output\n"},
	{"serve", cmd_serve, CLI_NEEDS_DATA,
	 "the JSON API and the web page over HTTP (libmicrohttpd)",
	 "usage: hashpivot serve [--bind ADDR] [--port N] [--max-jobs N] [--threads T]\n"
	 "                       [--http-threads N] [--timeout S] [--data-dir DIR]\n"
	 "\n"
	 "Serve the commands as a JSON API under /api/v1/ (docs/api.md) and the web\n"
	 "page at /. Every result is the bytes of the command's --json output for the\n"
	 "same inputs; bad input is 400 with the command's one-line message. pivot,\n"
	 "treasury and simulate run as jobs: POST returns a job id, GET\n"
	 "/api/v1/jobs/ID its progress and result, DELETE cancels. Prints\n"
	 "\"hashpivot serve: listening on http://ADDR:PORT/\" on stderr when ready,\n"
	 "then one access-log line per request. SIGINT or SIGTERM: stop accepting,\n"
	 "cancel the jobs, exit 0. The server writes no files.\n"
	 "\n"
	 "  --bind ADDR       IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
	 "  --port N          TCP port, 0 to 65535; 0 picks a free one (default 8080)\n"
	 "  --max-jobs N      jobs queued or running at once, 1 to 64 (default 2;\n"
	 "                    429 beyond)\n"
	 "  --threads T       worker threads of each job, 1 to 256 (default: the\n"
	 "                    CPUs); results do not depend on it\n"
	 "  --http-threads N  threads answering requests, 1 to 64 (default 4)\n"
	 "  --timeout S       close a connection idle for S seconds, 1 to 3600\n"
	 "                    (default 30)\n"
	 "  --data-dir DIR    the shipped data (default: as for the other commands)\n"},
	{"report", cmd_report, CLI_NEEDS_DATA,
	 "run a command and write its self-contained HTML report",
	 "usage: hashpivot report [--out FILE] COMMAND [OPTIONS...]\n"
	 "\n"
	 "Run COMMAND (simulate, pivot, treasury, fleet or breakeven) with its\n"
	 "options and write its report instead of its output: one HTML file with\n"
	 "the question and the answer, the key figures, fan charts of the time\n"
	 "series, bar and ladder charts, every assumption with its source and the\n"
	 "command line that reproduces it (docs/report.md). It opens offline:\n"
	 "the data, Chart.js and the page's code are all inside. Prints where it\n"
	 "wrote it. The same as COMMAND's --report FILE.\n"
	 "\n"
	 "  --out FILE        the report (default: COMMAND-report.html here)\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct cli_command *cli_command_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_help(FILE *fp)
{
	fprintf(fp, "usage: hashpivot <command> [options]   (hashpivot <command> --help)\n\n"
		    "hashpivot %s - the economics of Bitcoin mining and the AI/HPC pivot\n\n"
		    "commands:\n",
		hp_version());
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\nevery command takes --json and --help; exit status 0 ok, 1 failure, 2 bad input\n");
}

static int has_epochs(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/btc_difficulty_epochs.csv", dir);
	return access(path, R_OK) == 0;
}

/*
 * The shipped data: --data-dir, $HASHPIVOT_DATA_DIR, <exe>/../data (a build
 * tree), <exe>/../share/hashpivot (an installed, relocatable prefix).
 */
static int resolve_data_dir(struct cli_ctx *ctx)
{
	const char *env = getenv("HASHPIVOT_DATA_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (ctx->data_dir_opt || (env && *env)) {
		const char *d = ctx->data_dir_opt ? ctx->data_dir_opt : env;
		if (!has_epochs(d))
			return cli_usage_error(ctx, "%s: no readable btc_difficulty_epochs.csv in '%.200s'",
					       ctx->data_dir_opt ? "--data-dir" : "HASHPIVOT_DATA_DIR", d);
		if (snprintf(ctx->data_dir, sizeof(ctx->data_dir), "%s", d) >= (int)sizeof(ctx->data_dir))
			return cli_usage_error(ctx, "--data-dir: path too long");
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			static const char *const rel[] = {"/../data", "/../share/hashpivot"};
			*slash = '\0';
			for (size_t i = 0; i < 2; i++) {
				if (snprintf(ctx->data_dir, sizeof(ctx->data_dir), "%s%s", exe,
					     rel[i]) >= (int)sizeof(ctx->data_dir))
					continue;
				if (has_epochs(ctx->data_dir))
					return 0;
			}
		}
	}
	fprintf(ctx->err, "hashpivot %s: cannot find the shipped data (btc_difficulty_epochs.csv); "
			"pass --data-dir DIR or set HASHPIVOT_DATA_DIR\n",
		ctx->cmd->name);
	return 1;
}

int cli_run_ctx(int argc, char **argv, const struct cli_ctx *proto)
{
	struct cli_ctx ctx = *proto;

	if (argc < 2) {
		fprintf(ctx.err, "hashpivot: a command is required; see 'hashpivot --help'\n");
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_help(ctx.out);
		return fflush(ctx.out) || ferror(ctx.out) ? 1 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		fprintf(ctx.out, "hashpivot %s\n", hp_version());
		return fflush(ctx.out) || ferror(ctx.out) ? 1 : 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		ctx.cmd = &commands[i];
		if (commands[i].flags & CLI_NEEDS_DATA) {
			/* --data-dir is parsed by the command; peek at it first. */
			for (int a = 2; a < argc; a++) {
				if (!strcmp(argv[a], "--data-dir") && a + 1 < argc)
					ctx.data_dir_opt = argv[a + 1];
				else if (!strncmp(argv[a], "--data-dir=", 11))
					ctx.data_dir_opt = argv[a] + 11;
				else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h"))
					return commands[i].fn(argc - 1, argv + 1, &ctx);
			}
			int rc = resolve_data_dir(&ctx);
			if (rc)
				return rc;
		}
		return commands[i].fn(argc - 1, argv + 1, &ctx);
	}
	cli_print_error(ctx.err, NULL, "'%.60s' is not a command; see 'hashpivot --help'", argv[1]);
	return 2;
}

int cli_run(int argc, char **argv)
{
	struct cli_ctx ctx = {.out = stdout, .err = stderr};

	return cli_run_ctx(argc, argv, &ctx);
}
