-- A small synthetic mainnet chain database for the tests of the commands
-- that read one (tests/chainuse.sh builds it with the sqlite3 shell):
-- the schema of include/hashpivot/chaindb.h, heights 935,000 .. 937,600.
--
-- Only what the readers use is realistic; the rest is a placeholder, so
-- `hashpivot sync --check` rejects this file (hashes are 32 ASCII digits
-- of the height, chainwork too, and no header meets its target):
--   bits    the real epochs' (data/btc_difficulty_epochs.csv): 1701fca1 to
--           935,423 (epoch 463), 17023c7e to 937,439 (464), 1701f303 after;
--   time    1770336000 (2026-02-06T00:00:00Z) + 590 s per block after
--           935,000, except block 937,599: 1000 s later than that (later
--           than the tip, as the median-time-past rule allows);
--   stats   from 936,000 on, except 937,000 .. 937,009: fees
--           1,000,000 + 10,000 x (height mod 100) sats, subsidy 3.125 BTC;
--   prices  2026-02-20 .. 2026-02-23: 70,000, 71,000, 72,000, 73,000 USD.
PRAGMA journal_mode = WAL;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE headers(
 height INTEGER PRIMARY KEY CHECK (height >= 0),
 hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
 version INTEGER NOT NULL,
 prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
 merkle_root BLOB NOT NULL CHECK (length(merkle_root) = 32),
 time INTEGER NOT NULL,
 bits INTEGER NOT NULL,
 nonce INTEGER NOT NULL,
 chainwork BLOB NOT NULL CHECK (length(chainwork) = 32));
CREATE TABLE block_stats(
 height INTEGER PRIMARY KEY REFERENCES headers(height),
 fees_sats INTEGER NOT NULL CHECK (fees_sats >= 0),
 subsidy_sats INTEGER NOT NULL CHECK (subsidy_sats >= 0),
 tx_count INTEGER NOT NULL CHECK (tx_count >= 1));
CREATE TABLE prices(
 day TEXT PRIMARY KEY,
 close_usd REAL NOT NULL CHECK (close_usd > 0),
 source TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1'), ('network', 'main'),
	('anchor_height', '935000'), ('anchor_trust', 'source'), ('work_known', '0');
WITH RECURSIVE h(n) AS (SELECT 935000 UNION ALL SELECT n + 1 FROM h WHERE n < 937600)
INSERT INTO headers
SELECT n, CAST(printf('%032d', n) AS BLOB), 536870912, CAST(printf('%032d', n - 1) AS BLOB),
	zeroblob(32),
	1770336000 + 590 * (n - 935000) + CASE n WHEN 937599 THEN 1000 ELSE 0 END,
	CASE WHEN n < 935424 THEN 386006177 WHEN n < 937440 THEN 386022526 ELSE 386003715 END,
	n, CAST(printf('%032d', n) AS BLOB)
FROM h;
INSERT INTO block_stats
SELECT height, 1000000 + 10000 * (height % 100), 312500000, 1000 FROM headers
WHERE height >= 936000 AND NOT height BETWEEN 937000 AND 937009;
INSERT INTO prices VALUES ('2026-02-20', 70000, 'test'), ('2026-02-21', 71000, 'test'),
	('2026-02-22', 72000, 'test'), ('2026-02-23', 73000, 'test');
