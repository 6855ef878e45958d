#!/bin/sh
# Extreme but valid inputs (issue 8, numeric robustness): every command at a
# BTC price of $1 and $10,000,000, at the minimum difficulty (bits 1d00ffff,
# difficulty 1), with zero fees, at and past the last subsidy (height
# 6,930,000), over 60-year horizons, with 1 and 10^6 Monte Carlo paths.
# Each case either exits 0 with output (and files) holding no NaN, infinity
# or negative zero, and where a figure can be derived by hand it is checked;
# or exits 2 with one line naming the argument. Scenarios: tests/data/extremes/
# (variants of tests/data/pivot/flat.json and tests/data/simulate/flat.json).
# Usage: tests/extremes.sh path/to/hashpivot   (from the top of the tree)
bin=${1:?usage: tests/extremes.sh path/to/hashpivot}
X=tests/data/extremes
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}

# No NaN, infinity or negative zero as a token of JSON, a table or a CSV.
finite() { # label file...
	l=$1
	shift
	if grep -EHni '(^|[ ,:[])-?(nan|inf|infinity)([ ,]|]|$)|(^|[ ,:[])-0(\.0*)?([ ,]|]|$)' \
		"$@" >"$tmp/hits"; then
		fail "$l: not finite: $(head -n 3 "$tmp/hits")"
		return 1
	fi
}

# Run the command: exit 0 with finite, non-empty output, or exit 2 with one
# line on stderr and nothing on stdout. Output stays in $tmp/out, $tmp/err.
run() { # label status args...
	l=$1
	want=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$l: exit $rc, expected $want: $(head -n 2 "$tmp/err")"
		return 1
	fi
	if [ "$want" -eq 0 ]; then
		if [ ! -s "$tmp/out" ]; then
			fail "$l: no output"
			return 1
		fi
		finite "$l" "$tmp/out" || return 1
	elif [ -s "$tmp/out" ] || [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		fail "$l: expected one error line and no output"
		return 1
	fi
}

# One case that must pass as run() says.
case_ok() { # label status args...
	run "$@" && passed=$((passed + 1))
}

# The error line must contain text.
case_err() { # label text args...
	l=$1
	text=$2
	shift 2
	run "$l" 2 "$@" || return
	if grep -qF -- "$text" "$tmp/err"; then
		passed=$((passed + 1))
	else
		fail "$l: error '$(cat "$tmp/err")' lacks '$text'"
	fi
}

# The value of the first "key": of a --json document (a number, a quoted
# string, or null), as printed.
val() { # key [file]
	sed -n "s/^ *\"$1\": \(.*\)\$/\1/p" "${2:-$tmp/out}" | sed 's/,$//' | head -n 1
}

# |a - b| <= tol * |b| (tol 0: equal).
near() { # label actual expected rel_tol
	if awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN {
		if (a == "" || b == "") exit 1
		d = a - b; if (d < 0) d = -d
		m = b < 0 ? -b : b
		exit !(d <= t * m) }'; then
		return 0
	fi
	fail "$1: got '$2', expected $3 (relative tolerance $4)"
	return 1
}

# A case whose checks must all hold; "$@" is a list of checks run in order.
check() { # label, then checks as words: each is a shell command line
	l=$1
	shift
	for c in "$@"; do
		eval "$c" || return
	done
	passed=$((passed + 1))
}

net="--bits 170240c3 --height 953568 --fees-btc 0.025"

# ------------------------------------------------------------------ hashprice
# Epoch 473: W = floor(2^256 / (target + 1)) = 536590761418915805470629
# hashes a block (tests/cli/hashprice.test); reward 3.125 + 0.025 = 3.15 BTC,
# no pool fee: btc_per_ph_day = 1e15 x 86400 x 3.15 / W = 0.0005072021726209427,
# and usd_per_ph_day is that times the price, for any price.
run "hashprice \$65,000" 0 hashprice $net --price-usd 65000 --json &&
	hp65k=$(val usd_per_ph_day) && passed=$((passed + 1))
run "hashprice \$1" 0 hashprice $net --price-usd 1 --json &&
	check "hashprice \$1" \
		'near "$l btc" "$(val btc_per_ph_day)" 0.0005072021726209427 1e-15' \
		'near "$l usd = btc x 1" "$(val usd_per_ph_day)" "$(val btc_per_ph_day)" 0' \
		'near "$l = \$65,000 value / 65,000" "$(val usd_per_ph_day)" "$(awk -v x="$hp65k" "BEGIN { printf \"%.17g\", x / 65000 }")" 1e-15' \
		'near "$l network usd/day = 144 x 3.15" "$(val network_revenue_usd_day)" 453.6 1e-15'
run "hashprice \$10M" 0 hashprice $net --price-usd 10000000 --json &&
	check "hashprice \$10M" \
		'near "$l" "$(val usd_per_ph_day)" 5072.021726209427 1e-15' \
		'near "$l network" "$(val network_revenue_usd_day)" 4.536e9 1e-15'
# Difficulty 1 (bits 1d00ffff, the proof-of-work limit): target 0xffff x 2^208,
# W = floor(2^48 / 0xffff) = 4295032833 (2^48 / 65535 = 4295032833.0000153);
# btc_per_ph_day = 1e15 x 86400 x 3.125 / 4295032833 = 62863314553.851740
# (no fees); hashrate 4295032833 / 600 H/s = 7.158388055e-12 EH/s.
for d in "--bits 1d00ffff" "--difficulty 1"; do
	run "hashprice $d" 0 hashprice $d --height 953568 --fees-btc 0 --price-usd 1 --json &&
		check "hashprice $d" \
			'[ "$(val work_per_block)" = "\"4295032833\"" ] || { fail "$l: work $(val work_per_block)"; false; }' \
			'near "$l" "$(val btc_per_ph_day)" 62863314553.85174 1e-15' \
			'near "$l hashrate" "$(val network_hashrate_ehs)" 7.158388055e-12 1e-15'
done
# Past the last subsidy (6,930,000 = 33 x 210,000) with no fees: nothing to
# earn, exactly 0 (not -0).
run "hashprice, no subsidy and no fees" 0 hashprice --bits 170240c3 --height 6930000 --fees-btc 0 --price-usd 1 --json &&
	check "hashprice, no subsidy and no fees" \
		'[ "$(val usd_per_ph_day)" = 0.0 ] && [ "$(val reward_btc_per_block)" = 0.0 ] || { fail "$l: $(val usd_per_ph_day)"; false; }'
case_err "hashprice \$10^13" "--price-usd: must be <= 1000000000000, got '1e13'" \
	hashprice $net --price-usd 1e13

# ------------------------------------------------------------------ breakeven
for p in 1 10000000; do
	case_ok "breakeven --all \$$p" 0 breakeven --all $net --price-usd $p --power-price-usd-per-kwh 0.05 --json
	case_ok "breakeven --all \$$p, difficulty 1" 0 breakeven --all --bits 1d00ffff --height 953568 --fees-btc 0 --price-usd $p --power-price-usd-per-kwh 0.05 --json
done
# The shutdown price does not depend on the price: power per BTC mined.
run "breakeven \$87,654.32" 0 breakeven --machine 'Antminer S21 Pro' $net --price-usd 87654.32 --power-price-usd-per-kwh 0.05 --json &&
	shut=$(val shutdown_price_usd) && passed=$((passed + 1))
run "breakeven \$1" 0 breakeven --machine 'Antminer S21 Pro' $net --price-usd 1 --power-price-usd-per-kwh 0.05 --json &&
	check "breakeven \$1" 'near "$l shutdown price" "$(val shutdown_price_usd)" "$shut" 0'
# Nothing mined (no subsidy, no fees): the prices per BTC do not exist.
run "breakeven, nothing to mine" 0 breakeven --machine 'Antminer S21 Pro' --bits 170240c3 --height 6930000 --fees-btc 0 --price-usd 1 --power-price-usd-per-kwh 0.05 --json &&
	check "breakeven, nothing to mine" \
		'[ "$(val btc_per_day)" = 0.0 ] || { fail "$l: btc_per_day $(val btc_per_day)"; false; }' \
		'for k in shutdown_price_usd breakeven_price_usd cost_usd_per_btc margin_pct; do [ "$(val $k)" = null ] || { fail "$l: $k is $(val $k), expected null"; return 1; }; done'
# 50 years, the longest horizon: from height 953,568 (epoch 4) 600 months are
# llround(600 x 30.436875) = 18262 days of 144 blocks, to height 3,583,296:
# halving epoch floor(3583295 / 210000) = 17, 13 halvings.
run "breakeven, 600 months" 0 breakeven --machine 'Antminer S21 Pro' $net --price-usd 1 --power-price-usd-per-kwh 0.05 --machine-price-usd 3500 --months 600 --json &&
	check "breakeven, 600 months" \
		'[ "$(val horizon_halvings)" = 13 ] && [ "$(val horizon_days)" = 18262 ] || { fail "$l: $(val horizon_halvings) halvings, $(val horizon_days) days"; false; }'
case_err "breakeven, 60 years" "--months: must be <= 600, got '720'" \
	breakeven --machine 'Antminer S21 Pro' $net --price-usd 1 --power-price-usd-per-kwh 0.05 --machine-price-usd 3500 --months 720

# ------------------------------------------------------------------ curtail
# At $1 a miner earns nothing worth its power, so it runs only in the hours
# the power price is negative: 2 of the 24 of day.csv (-12.5, -3.25 $/MWh),
# 100 x 2 / 24 = 8.333333333333334 %. At $10M it never stops.
run "curtail \$1" 0 curtail --prices tests/data/power/day.csv --hashrate-ths 200 --power-w 3500 --pue 1.1 $net --price-usd 1 --json &&
	check "curtail \$1" 'near "$l uptime" "$(val uptime_pct)" 8.333333333333334 1e-15'
run "curtail \$10M" 0 curtail --prices tests/data/power/day.csv --hashrate-ths 200 --power-w 3500 --pue 1.1 $net --price-usd 10000000 --json &&
	check "curtail \$10M" 'near "$l uptime" "$(val uptime_pct)" 100 0'
case_ok "curtail, difficulty 1" 0 curtail --prices tests/data/power/day.csv --hashrate-ths 200 --power-w 3500 --bits 1d00ffff --height 953568 --fees-btc 0 --price-usd 10000000 --dr-credit-usd-per-mwh 15 --min-uptime-pct 75 --json
case_ok "curtail, nothing to mine" 0 curtail --prices tests/data/power/day.csv --hashrate-ths 200 --power-w 3500 --bits 170240c3 --height 6930000 --fees-btc 0 --price-usd 1 --json

# ------------------------------------------------------------------ energy
# Difficulty 1 at $10M: usd_per_th_day = 62863314553.85174 / 1000 x 1e7 =
# 6.286331455385174e14; the break-even efficiency at 0.05 $/kWh and PUE 1.1
# is that x 1000 / (24 x 0.05 x 1.1) = 4.762372314685737e17 J/TH (it was
# refused before as above an arbitrary 1e9 $/TH/day).
run "energy, difficulty 1, \$10M" 0 energy --bits 1d00ffff --height 953568 --fees-btc 0 --price-usd 10000000 --power-price-usd-per-kwh 0.05 --json &&
	check "energy, difficulty 1, \$10M" 'near "$l threshold" "$(val threshold_j_per_th)" 4.762372314685737e17 1e-15'
case_ok "energy \$1" 0 energy $net --price-usd 1 --power-price-usd-per-kwh 0.05 --json
case_ok "energy, nothing to mine" 0 energy --bits 170240c3 --height 6930000 --fees-btc 0 --price-usd 1 --power-price-usd-per-kwh 0.05 --json
case_err "energy, overflowing threshold" "--power-price-usd-per-kwh: too small for a hashprice of" \
	energy --bits 207fffff --height 0 --fees-btc 0 --price-usd 1e12 --power-price-usd-per-kwh 1e-300

# ------------------------------------------------------------------ fleet
# The cost per BTC does not depend on the price (fixed power prices).
run "fleet \$1" 0 fleet --scenario $X/pivot-price-1.json --json &&
	c1=$(val cost_per_btc_all_in_usd) && passed=$((passed + 1))
run "fleet \$10M" 0 fleet --scenario $X/pivot-price-10m.json --json &&
	check "fleet \$10M" 'near "$l cost per BTC" "$(val cost_per_btc_all_in_usd)" "$c1" 1e-15'
case_ok "fleet, difficulty 1" 0 fleet --scenario $X/pivot-min-difficulty.json --json
case_ok "fleet, last subsidy" 0 fleet --scenario $X/pivot-subsidy-end.json --json
case_ok "fleet --price-usd 1" 0 fleet --scenario examples/small-miner.json --price-usd 1 --json

# ------------------------------------------------------------------ pivot, treasury
for s in pivot-price-1 pivot-price-10m pivot-min-difficulty pivot-subsidy-end; do
	case_ok "pivot $s" 0 pivot --scenario $X/$s.json --paths 20 --threads 2 --json
	case_ok "treasury $s" 0 treasury --scenario $X/$s.json --paths 20 --threads 2 --json
done
# 60 years (720 months, the longest horizon), few paths
run "pivot, 60 years" 0 pivot --scenario $X/pivot-60y.json --paths 4 --threads 2 --json --csv "$tmp/p60" &&
	check "pivot, 60 years" '[ "$(val horizon_months)" = 720 ] || { fail "$l"; false; }' \
		'finite "$l CSV" "$tmp/p60"/*.csv' \
		'[ "$(wc -l <"$tmp/p60/pivot_series.csv")" -eq $((1 + 721 * (1 + 3 * 4))) ] || { fail "$l: series rows"; false; }'
case_ok "treasury, 60 years" 0 treasury --scenario $X/pivot-60y.json --paths 4 --threads 2 --json
# One path: every quantile is that path's value. The price is flat (no
# volatility), so every path is the same and 10^6 paths give the one
# path's NPV (Neumaier-summed mean of equal values).
run "pivot, 1 path" 0 pivot --scenario $X/pivot-1m.json --paths 1 --json &&
	npv1=$(val mean) && p5=$(sed -n 's/^ *"p5": \(.*\),$/\1/p' "$tmp/out" | head -n 1) &&
	check "pivot, 1 path" 'near "$l p5 = mean" "$p5" "$npv1" 0'
run "pivot, 10^6 paths" 0 pivot --scenario $X/pivot-1m.json --paths 1000000 --threads 2 --json &&
	check "pivot, 10^6 paths" '[ "$(val paths)" = 1000000 ] || { fail "$l"; false; }' \
		'near "$l NPV = one path" "$(val mean)" "$npv1" 1e-12'
case_ok "treasury, 1 path" 0 treasury --scenario $X/pivot-60y.json --paths 1 --json
case_ok "treasury, 10^6 paths" 0 treasury --scenario $X/pivot-1m.json --paths 1000000 --threads 2 --json
case_err "pivot, 10^6 + 1 paths" "--paths: must be <= 1000000, got '1000001'" \
	pivot --scenario $X/pivot-1m.json --paths 1000001

# ------------------------------------------------------------------ simulate
# 60 years from 2026-01-01: 60 x 365 + 15 leap days (2028 ... 2084) = 21915.
run "simulate, 60 years" 0 simulate --years 60 --paths 2 --threads 2 --json &&
	check "simulate, 60 years" '[ "$(val days)" = 21915 ] || { fail "$l: $(val days) days"; false; }'
# The toy two-cohort chain at a flat $70,000 stalls after its 2032 halving
# (every machine below its shutdown price, the difficulty stuck until the
# next 2016 blocks): days without blocks have no block interval (null, an
# empty CSV cell), and nothing is NaN.
run "simulate flat, 60 years" 0 simulate --scenario tests/data/simulate/flat.json --years 60 --paths 4 --threads 2 --out "$tmp/s60" --trace 0 --json &&
	check "simulate flat, 60 years" 'finite "$l CSV" "$tmp/s60"/*.csv "$tmp/s60/summary.json"'
case_ok "simulate, 1 path" 0 simulate --scenario tests/data/simulate/flat.json --paths 1 --json
# 10^6 paths over 0.01 years (4 days)
run "simulate, 10^6 paths" 0 simulate --scenario tests/data/simulate/flat.json --years 0.01 --paths 1000000 --threads 2 --json &&
	check "simulate, 10^6 paths" '[ "$(val paths)" = 1000000 ] && [ "$(val days)" = 4 ] || { fail "$l"; false; }'
for s in simulate-price-1 simulate-price-10m simulate-fees-zero; do
	case_ok "simulate $s" 0 simulate --scenario $X/$s.json --paths 3 --years 1 --threads 2 --json
	case_ok "simulate $s, block level" 0 simulate --scenario $X/$s.json --paths 2 --years 0.5 --block-level --threads 2 --json
done
# Difficulty 1 under 900 EH/s: about 6.6e22 blocks expected on day 0, which
# once came out of the Poisson draw as -1 blocks (NaN downstream). The chain
# retargets within the day, each time by at most x4 (timespan clamped to a
# quarter), so after R retargets the difficulty is at most 4^R; all of them
# fall on day 0 here (at $70,000 and that difficulty nobody mines after).
# With the rental price of a 51 % attack at the day's hashprice (the
# default), that cost passes 1e33 USD, beyond the summaries' range (2^62 x
# its 5e7 reference): refused rather than summarised without those values.
case_err "simulate, difficulty 1" "--scenario: attack_rental_usd on 2026-01-01: 2 value(s) beyond the range" \
	simulate --scenario $X/simulate-min-difficulty.json --paths 2 --years 1 --threads 2 --json
run "simulate, difficulty 1, fixed rental price" 0 simulate --scenario $X/simulate-min-difficulty-rental.json --paths 2 --years 1 --threads 2 --out "$tmp/d1" --trace 0 --json &&
	check "simulate, difficulty 1, fixed rental price" 'finite "$l CSV" "$tmp/d1"/*.csv' \
		'awk -F, "NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"difficulty\") c = i } NR == 2 { print \$c }" "$tmp/d1/trace.csv" >"$tmp/d0"' \
		'R=$(($(wc -l <"$tmp/d1/retargets.csv") - 1)); awk -v d="$(cat "$tmp/d0")" -v r="$R" "BEGIN { exit !(r >= 20 && d > 1e12 && d <= 4 ^ r * (1 + 1e-9)) }" || { fail "$l: day-0 difficulty $(cat "$tmp/d0") after $R retargets"; false; }'
case_ok "simulate, difficulty 1, block level" 0 simulate --scenario $X/simulate-min-difficulty-rental.json --paths 2 --years 0.1 --block-level --threads 2 --json
# Past the last subsidy: fees alone pay. From height 6,930,000 on, a day's
# revenue is its blocks x its mean fee per block x the price, exactly (no
# subsidy term, no division by it).
run "simulate, fees only" 0 simulate --scenario $X/simulate-subsidy-end.json --paths 2 --years 1 --threads 2 --out "$tmp/se" --trace 0 --json &&
	check "simulate, fees only" 'finite "$l CSV" "$tmp/se"/*.csv' \
		'awk -F, "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
		    \$c[\"height\"] - \$c[\"blocks\"] >= 6930000 { n++; want = \$c[\"blocks\"] * \$c[\"fees_btc_per_block\"] * \$c[\"price_usd\"]
		      d = \$c[\"revenue_usd_day\"] - want; if (d < 0) d = -d; if (d > 1e-12 * want || want <= 0) bad++ }
		    END { exit !(n > 300 && !bad) }" "$tmp/se/trace.csv" || { fail "$l: revenue is not blocks x fees x price past the subsidy"; false; }'
case_err "simulate, 61 years" "--years: must be <= 60, got '61'" simulate --years 61
case_err "simulate, 0 paths" "--paths: must be >= 1, got '0'" simulate --paths 0

# ------------------------------------------------------------------ backtest
# A 77.8 PH/s fleet in 2011, when the whole network ran at 13 TH/s, would
# have mined more BTC than existed: refused, naming the day.
case_err "backtest from 2011" "2011-08-18: the fleet's 77.8 PH/s is above the whole network's" \
	backtest --scenario examples/small-miner.json --from 2011-08-18 --to 2025-09-26
run "backtest, ten years" 0 backtest --scenario examples/small-miner.json --from 2016-01-01 --to 2025-09-26 --json --csv "$tmp/bt" &&
	check "backtest, ten years" 'finite "$l CSV" "$tmp/bt"/*.csv'
case_ok "backtest, one day" 0 backtest --scenario examples/small-miner.json --from 2024-04-20 --to 2024-04-20 --json

# ------------------------------------------------------------------ consensus
# A retarget over 0 s quadruples (timespan clamped to 1209600 / 4): difficulty
# 1 -> 4, bits 1c3fffc0; over 200,000,000 s it would quarter, capped at the
# proof-of-work limit: difficulty 1 again.
run "retarget, 0 s" 0 retarget --bits 1d00ffff --first-time 1261130161 --last-time 1261130161 --json &&
	check "retarget, 0 s" '[ "$(val bits)" = "\"1c3fffc0\"" ] || { fail "$l: $(val bits)"; false; }' \
		'near "$l" "$(val difficulty)" 4 0'
run "retarget, 6 years" 0 retarget --bits 1d00ffff --first-time 1261130161 --last-time 1461130161 --json &&
	check "retarget, 6 years" '[ "$(val bits)" = "\"1d00ffff\"" ] && [ "$(val capped)" = true ] || { fail "$l"; false; }'
# The subsidy: 1 satoshi in epoch 32 (5e9 >> 32 = 1), 0 from 6,930,000 on;
# the total is 2,099,999,997,690,000 sats, reached and never passed.
run "subsidy 6929999" 0 subsidy --height 6929999 --json &&
	check "subsidy 6929999" '[ "$(val subsidy_sats)" = 1 ] && [ "$(val remaining_sats)" = 0 ] || { fail "$l"; false; }'
for h in 6930000 2147483647; do
	run "subsidy $h" 0 subsidy --height $h --json &&
		check "subsidy $h" '[ "$(val subsidy_sats)" = 0 ] && [ "$(val issued_sats)" = 2099999997690000 ] || { fail "$l"; false; }'
done
case_ok "network --height 0" 0 network --height 0 --json
case_err "network past its data" "--height: must be <=" network --height 6930000
# mempool.space's estimate at the epoch's first second: no time has passed,
# the change is clamped to +300 %, nothing divides by zero.
run "estimate at the epoch start" 0 estimate --height 830016 --epoch-start-time 2024-02-02T15:42:06Z --now 2024-02-02T15:42:06Z --previous-change 7.3 --json &&
	check "estimate at the epoch start" 'near "$l" "$(val change_pct)" 300 0'

echo "extremes: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
