-- wrk script for `hashpivot serve` (bench/README.md, "serve"): cycles
-- through a mix of GET endpoints and counts answers that are not 200.
-- wrk -t2 -c50 -d10s --latency -s bench/serve.lua http://127.0.0.1:PORT
local net = "bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32"
local paths = {
	"/api/v1/hashprice?" .. net,
	"/api/v1/breakeven?machine=Antminer%20S21&" .. net .. "&power_price_usd_per_kwh=0.05",
	"/api/v1/breakeven?all=1&" .. net,
	"/api/v1/network",
	"/api/v1/machines?sort=hashrate",
	"/api/v1/subsidy?height=840000",
	"/api/v1/bits?bits=1d00ffff",
	"/api/v1/energy?" .. net,
}
local i = 0
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	bad = 0
	answered = 0
end

function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end

function response(status, headers, body)
	answered = answered + 1
	if status ~= 200 then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local n, b = 0, 0
	for _, t in ipairs(threads) do
		n = n + t:get("answered")
		b = b + t:get("bad")
	end
	io.write(string.format("answered %d, not 200: %d\n", n, b))
	for _, p in ipairs({ 50, 90, 99 }) do
		io.write(string.format("p%d latency: %.2f ms\n", p, latency:percentile(p) / 1000))
	end
end
