#!/bin/sh
# Writes the bad inputs too large or too binary to commit into DIR/<format>/
# (tests/bad/run.sh calls it with a temporary DIR; each NAME.<ext> written
# here has its NAME.err committed in tests/bad/<format>/).
# Usage: tests/bad/generate.sh DIR
set -e
dir=${1:?usage: tests/bad/generate.sh DIR}
mkdir -p "$dir/scenario" "$dir/catalog" "$dir/power" "$dir/daily-price" "$dir/difficulty" \
	"$dir/prices"

# repeat N TEXT: TEXT N times, no newline
repeat() { awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }
# A megabyte and one byte of digits: one line longer than any reader takes.
long=$(repeat 1048577 7)
# The first bytes of a PNG file: binary, with a NUL and a lone carriage return.
binary='\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\001\000\377\376\375'

# --- scenario JSON: a valid file with one part replaced -------------------
scenario() { # FILE NAME-TEXT PRICE-TEXT
	printf '{\n  "name": "%s",\n  "network": {\n    "bits": "170240c3",\n' "$2" >"$1"
	printf '    "height": 953568,\n    "fees_btc_per_block": 0.025,\n' >>"$1"
	printf '    "price_usd": %s\n  },\n  "sites": [\n    {\n' "$3" >>"$1"
	printf '      "name": "Texas A",\n      "grid_mw": 50,\n' >>"$1"
	printf '      "power_price_usd_per_kwh": 0.045,\n' >>"$1"
	printf '      "fleet": [{"machine": "Antminer S21", "count": 5000}]\n' >>"$1"
	printf '    }\n  ]\n}\n' >>"$1"
}
s=$dir/scenario
scenario "$s/deep-arrays.json" x "$(repeat 10000 '[')$(repeat 10000 ']')"
scenario "$s/deep-objects.json" x "$(repeat 10000 '{"a":')1$(repeat 10000 '}')"
scenario "$s/long-name.json" "$long" 78000
scenario "$s/long-number.json" x "$long"
scenario "$s/non-utf8-name.json" "$(printf 'Miner \377\376')" 78000
scenario "$s/latin1-name.json" "$(printf 'Mineradora S\343o Paulo')" 78000
scenario "$s/nul-byte.json" x 78000
# a NUL where the "sites" key starts (printf cannot carry one in a variable)
sed 's/^  "sites"/\x00"sites"/' "$s/nul-byte.json" >"$s/nul-byte.tmp" && mv "$s/nul-byte.tmp" "$s/nul-byte.json"
scenario "$s/nul-after-document.json" x 78000
printf '\000{}' >>"$s/nul-after-document.json"
printf "$binary" >"$s/png.json"

# --- the CSV formats: header, good rows, one bad thing ----------------------
csv() { # FORMAT NAME HEADER ROW...
	f=$dir/$1/$2.csv
	shift 2
	printf '%s\n' "$@" >"$f"
}
for fmt in power daily-price difficulty catalog prices; do
	case $fmt in
	power) h=timestamp,usd_per_mwh r1=2024-07-01T00:00:00Z,40 r2=2024-07-01T01:00:00Z,41.5
		long_row="2024-07-01T01:00:00Z,$long" utf="2024-07-01T01:00:00Z,$(printf '4\3771')" ;;
	daily-price) h=date,price_usd r1=2026-05-02,78000 r2=2026-05-03,78001
		long_row="2026-05-03,$long" utf="2026-05-03,$(printf '78\377001')" ;;
	difficulty) h=date,difficulty r1=2026-05-02,1.25e14 r2=2026-05-03,1.25e14
		long_row="2026-05-03,$long" utf="2026-05-03,$(printf '1.25e14\377')" ;;
	catalog) h=name,manufacturer,hashrate_ths,power_w,efficiency_j_per_th,cooling,release,price_usd,source
		r1='Test S21,Bitmain,200,3500,17.5,air,2024-02,5000,test'
		r2='Test S19,Bitmain,95,3250,34.2,air,2020-05,,test'
		long_row="Test S9,Bitmain,$long,1323,,air,2016-06,,test"
		utf="$(printf 'Test S\37721'),Bitmain,200,3500,17.5,air,2024-02,,test" ;;
	prices) h=date,close r1=2024-05-01,60000 r2=2024-05-02,60100
		long_row="2024-05-02,$long" utf="$(printf '2024-05-02\377'),60100" ;;
	esac
	printf "$binary" >"$dir/$fmt/binary.csv"
	csv "$fmt" long-line "$h" "$r1" "$long_row"
	csv "$fmt" non-utf8 "$h" "$r1" "$utf"
	csv "$fmt" nul-byte "$h" "$r1" "$r2"
	sed '3s/^\(.\)/\1\x00/' "$dir/$fmt/nul-byte.csv" >"$dir/$fmt/nul.tmp" &&
		mv "$dir/$fmt/nul.tmp" "$dir/$fmt/nul-byte.csv"
done
