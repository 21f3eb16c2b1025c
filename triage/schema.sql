-- schema.sql - the buddyfuzz triage store (one SQLite file, default findings.db).
--
-- This file is the ONLY definition of the schema: store.c embeds it into the
-- binary (.incbin) and applies it migration by migration.  A section starts
-- with a line "-- migration N: what it does"; a database whose
-- PRAGMA user_version is below N gets sections user_version+1 .. N applied,
-- each in its own transaction that ends by setting user_version = N.  Never
-- edit a released section: append a new migration instead.
--
-- Invariants the store keeps:
--   * inputs.sha1 is unique: ingesting the same artifact again, or from two
--     processes at once, inserts nothing the second time (idempotency key).
--   * findings.signature is unique: one finding per signature.
--   * history is rows, never edits: verdicts, reproductions, minimized
--     programs and replay marks are only ever inserted (replay_marks gets its
--     finished_at/outcome filled once).  findings.status / dup_of are a cache
--     of the newest verdict (or of the filing decision), updated in the same
--     transaction as the verdict row that causes the change.
--   * each ingest is one transaction: a killed ingest leaves nothing half done.
-- Times are unix seconds (UTC).  Signatures look like
--   "<kind>|<op>|<frame1>;<frame2>;<frame3>"   e.g. "watermark-breach|alloc|"
-- or "asan:heap-buffer-overflow||__free_one_page;free_pcppages_bulk;drain_pages".

-- migration 1: the initial schema

-- One fuzzing run (a libFuzzer log or an AFL++ fuzzer_stats file).
CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  source       TEXT NOT NULL UNIQUE,  -- absolute path of the log / fuzzer_stats it was read from
  engine       TEXT NOT NULL,         -- 'libfuzzer' | 'afl' | 'unknown'
  variant      TEXT NOT NULL,         -- build preset that fuzzed (e.g. 'libfuzzer'), 'unknown' if not known
  target       TEXT,                  -- fuzz target (fuzz_ops, fuzz_parse, ...), NULL if not known
  started_at   INTEGER,               -- start time
  duration_s   REAL,                  -- wall time fuzzed
  execs        INTEGER,               -- executions done
  execs_per_s  REAL,                  -- average executions per second
  corpus_size  INTEGER,               -- corpus entries at the end
  coverage     INTEGER,               -- libFuzzer 'cov:' / AFL++ edges_found
  ingested_at  INTEGER NOT NULL       -- when ingest last read it (the source may grow while fuzzing)
);

-- One bug, as a signature.
CREATE TABLE findings (
  id           INTEGER PRIMARY KEY,
  signature    TEXT NOT NULL UNIQUE,  -- kind|op|top three frames inside core/ (see signature.c)
  kind         TEXT NOT NULL,         -- divergence kind (oracle.h BF_DIV_TABLE), sanitizer crash kind
                                      -- (signature.c's crash table, e.g. 'asan:heap-use-after-free'),
                                      -- 'invariant', 'bad-program', 'timeout', 'signal:SIGSEGV', 'noreproduce:<artifact kind>'
  op           TEXT NOT NULL DEFAULT '', -- op kind the check fired in (prog.h BF_OP_TABLE), '' if unknown
  frames       TEXT NOT NULL DEFAULT '', -- top three function names inside core/, ';'-joined, innermost first
  title        TEXT NOT NULL,         -- normalised; first line = the violated check, then 'at f1 < f2 < f3'
  report       TEXT,                  -- the full output of the run that filed it (not normalised)
  variant      TEXT,                  -- the variant whose run filed it
  first_seen   INTEGER NOT NULL,      -- ingest time of its first input
  last_seen    INTEGER NOT NULL,      -- ingest time of its newest input
  hits         INTEGER NOT NULL DEFAULT 0, -- distinct inputs (by sha1) filed under it
  status       TEXT NOT NULL DEFAULT 'open'
               CHECK (status IN ('open','flaky','dup','invalid','fixed','verified')),
               -- open: reproduces; flaky: no variant reproduced it at filing; dup/invalid/fixed: the
               -- newest human verdict; verified: `verify` saw it reproduce 0 times in every variant
  dup_of       INTEGER REFERENCES findings(id) -- set with status 'dup'
);

-- One artifact (an input a fuzzer saved), original bytes and what became of it.
CREATE TABLE inputs (
  id           INTEGER PRIMARY KEY,
  sha1         TEXT NOT NULL UNIQUE,  -- sha1 of bytes: the idempotency key
  finding_id   INTEGER REFERENCES findings(id), -- NULL when status = 'invalid'
  run_id       INTEGER REFERENCES runs(id),     -- the run whose log names it, if known
  artifact     TEXT NOT NULL,         -- 'crash' | 'timeout' | 'oom' | 'leak' (libFuzzer), 'afl-crash' | 'afl-hang'
  source_path  TEXT NOT NULL,         -- where ingest first found it
  target       TEXT NOT NULL,         -- fuzz target that consumes it ('fuzz_ops': binary, 'fuzz_parse': text, ...)
  format       TEXT NOT NULL CHECK (format IN ('bin','text')),
  size         INTEGER NOT NULL,      -- bytes in the original file
  bytes        BLOB,                  -- the original bytes (NULL only for an invalid, oversized artifact)
  text         TEXT,                  -- the program as .bfp text (bf_prog_print), NULL if invalid
  fuzz_report  TEXT,                  -- what the fuzzer printed for it (from its log), if found
  status       TEXT NOT NULL CHECK (status IN ('ok','invalid')),
  error        TEXT,                  -- why invalid (one line)
  ingested_at  INTEGER NOT NULL
);
CREATE INDEX inputs_finding ON inputs(finding_id);

-- Minimized programs and reproducers (the minimizer inserts; the newest row is current).
CREATE TABLE minimized (
  id           INTEGER PRIMARY KEY,
  finding_id   INTEGER NOT NULL REFERENCES findings(id),
  input_id     INTEGER NOT NULL REFERENCES inputs(id), -- the original it was minimized from
  text         TEXT NOT NULL,         -- minimized program, .bfp text
  bytes        BLOB,                  -- its binary encoding (NULL if it has no binary form)
  sha1         TEXT NOT NULL,         -- sha1 of text
  c_source     TEXT,                  -- standalone C reproducer, NULL if not generated
  signature    TEXT NOT NULL,         -- signature it reproduced with (equals the finding's)
  note         TEXT,                  -- e.g. stages run, ops before -> after
  created_at   INTEGER NOT NULL
);
CREATE INDEX minimized_finding ON minimized(finding_id);

-- Replays of an input in one variant: reproduced k of n (reliability).
CREATE TABLE reproductions (
  id           INTEGER PRIMARY KEY,
  finding_id   INTEGER REFERENCES findings(id), -- NULL for runs of an input filed as invalid
  input_id     INTEGER NOT NULL REFERENCES inputs(id),
  variant      TEXT NOT NULL,         -- build preset (subdir of the build dir)
  build_id     TEXT NOT NULL,         -- identity of the binary run: '<mtime>-<size>' of bf-replay
  purpose      TEXT NOT NULL CHECK (purpose IN ('ingest','repro','verify','minimize')),
  k            INTEGER NOT NULL,      -- runs that gave the finding's signature
  n            INTEGER NOT NULL,      -- runs made (K)
  outcome      TEXT NOT NULL,         -- signature of the last run ('ok' if it passed, 'timeout', ...)
  output       TEXT,                  -- output of one reproducing run (else of the last run), capped at 64 KiB
  at           INTEGER NOT NULL
);
CREATE INDEX reproductions_finding ON reproductions(finding_id);

-- Human (and `verify`) verdicts, newest last.  Never updated or deleted.
CREATE TABLE verdicts (
  id           INTEGER PRIMARY KEY,
  finding_id   INTEGER NOT NULL REFERENCES findings(id),
  verdict      TEXT NOT NULL CHECK (verdict IN ('dup','undup','invalid','fixed','verified','reopened')),
               -- verified / reopened are written by `verify` (0 of K everywhere / reproduces again)
  of_finding   INTEGER REFERENCES findings(id), -- dup: the finding it duplicates
  note         TEXT,
  who          TEXT NOT NULL,         -- $USER, or 'bf-triage verify'
  at           INTEGER NOT NULL
);
CREATE INDEX verdicts_finding ON verdicts(finding_id);

-- Crash-resistant batch replay: a row is written (and committed) before each
-- replay and finished after it, so a replay that takes bf-triage down with it
-- stays pinned to its input (finished_at IS NULL and the pid is gone).
CREATE TABLE replay_marks (
  id           INTEGER PRIMARY KEY,
  input_sha1   TEXT NOT NULL,
  variant      TEXT NOT NULL,
  purpose      TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  outcome      TEXT
);

-- migration 2: known-upstream findings
-- A finding that disappears when one of the model's upstream-fix options is
-- forced on (core/mm.h BF_FIX_TABLE, docs/known-upstream.md) is a bug of
-- 5.10.0 itself, not of the model: ingest replays every new divergence with
-- each fix and records the first that makes it go away.
ALTER TABLE findings ADD COLUMN known_upstream TEXT;  -- fix name (e.g. 'watermark-fast-negative'), NULL if none

-- migration 3: time series
-- What each run did over time: a point every status line of a libFuzzer log
-- ("#N pulse/NEW/REDUCE/... cov: ft: corp: exec/s:"; its time is the log's
-- start -- a "# started: UNIX" line, else the run's stored start, else the
-- file's mtime minus the last line's N / exec/s -- plus N / exec/s), every
-- line of an AFL++ instance's plot_data (start_time + relative_time, or
-- unix_time), and every `bf-triage sample` call (the campaign's 5-s ticks:
-- one run per engine, source 'campaign:<engine>', so a resumed campaign on
-- the same database continues the same series).  Keyed by run and time:
-- re-ingesting a log replaces its run's points with the same points, a
-- second sample in the same second replaces the first.
CREATE TABLE samples (
  run_id       INTEGER NOT NULL REFERENCES runs(id),
  t            INTEGER NOT NULL,      -- unix seconds
  execs        INTEGER,               -- executions done by then (in this run)
  execs_per_s  REAL,                  -- the engine's exec/s at that time
  corpus_size  INTEGER,               -- corpus entries
  coverage     INTEGER,               -- libFuzzer 'cov:' / AFL++ edges_found / the campaign's cov=
  PRIMARY KEY (run_id, t)
);
