"""campaign_lib/engines.py - the parts of scripts/campaign that are not the
campaign itself: helpers, the stop flag and signal handling, dependency
checks and preset builds, reading the findings store, and the fuzzer
processes (a libFuzzer slot, an AFL++ instance).  scripts/campaign imports
everything from here.
"""
import argparse
import ctypes
import fcntl
import glob
import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
BUILD = os.path.join(TOP, "build")
SYMBOLIZER = "/usr/lib/llvm-14/bin/llvm-symbolizer"
SAN_PRESETS = {"libfuzzer", "asan-ubsan", "msan", "tsan", "gcc-asan"}
TRIAGE_PRESETS = ["release", "debug", "gcc", "asan-ubsan", "libfuzzer", "afl"]
AFL_SCHEDULES = ["explore", "coe", "lin", "quad", "exploit", "rare"]


# --------------------------------------------------------------------------- helpers

def log(msg):
    print("campaign: " + msg, flush=True)


def fmt_time(s):
    s = int(s)
    return "%02d:%02d" % (s // 60, s % 60)


def sha1_file(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def count_files(d):
    try:
        return sum(1 for e in os.scandir(d) if e.is_file() and not e.name.startswith("."))
    except OSError:
        return 0


def need_setarch():
    try:
        with open("/proc/sys/vm/mmap_rnd_bits") as f:
            return int(f.read().strip()) > 28
    except (OSError, ValueError):
        return False


def san_wrap(cmd):
    """Sanitizer binaries under setarch -R when ASLR is above 28 bits (shared/toolchain.md)."""
    if need_setarch() and shutil.which("setarch"):
        return ["setarch", os.uname().machine, "-R"] + cmd
    return cmd


def san_env(env=None):
    e = dict(os.environ if env is None else env)
    e.setdefault("ASAN_OPTIONS", "abort_on_error=1:symbolize=1:detect_leaks=1")
    e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    if os.path.exists(SYMBOLIZER):
        e.setdefault("ASAN_SYMBOLIZER_PATH", SYMBOLIZER)
        e.setdefault("MSAN_SYMBOLIZER_PATH", SYMBOLIZER)
    return e


_libc = None


def _child_setup():
    """In each fuzzer: die with the campaign (PR_SET_PDEATHSIG), so a killed
    campaign leaves no fuzzer behind.  Fuzzers run in their own session, so a
    terminal's Ctrl-C reaches only the campaign, which stops them in order."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        _libc.prctl(1, signal.SIGTERM, 0, 0, 0)   # PR_SET_PDEATHSIG
    except Exception:
        pass


def tail(path, n=5):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 16384))
            lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []
    lines = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[\x00-\x08\x0e-\x1f]", "", l).rstrip()
             for l in lines]
    return [l for l in lines if len(l.strip()) > 2][-n:]


def read_options(target):
    """corpus/<target>.options [libfuzzer] section: max_len, timeout, dict."""
    opts = {}
    path = os.path.join(TOP, "corpus", target + ".options")
    sect = None
    try:
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line.startswith("["):
                    sect = line.strip("[]").strip()
                elif "=" in line and sect == "libfuzzer":
                    k, v = line.split("=", 1)
                    opts[k.strip()] = v.strip()
    except OSError:
        pass
    return opts


# --------------------------------------------------------------------------- stop flag / signals

class Stop:
    requested = False     # Ctrl-C / SIGTERM seen
    shutting_down = False
    presses = 0
    skip_minimize = False


def on_signal(signum, frame):
    Stop.presses += 1
    if not Stop.requested:
        Stop.requested = True
        print("\ncampaign: %s: stopping the fuzzers; findings will still be ingested and reported"
              % signal.Signals(signum).name, flush=True)
    else:
        if Stop.shutting_down:
            Stop.skip_minimize = True
        print("\ncampaign: shutting down; ignoring %s until the findings database is consistent"
              " (remaining minimizations skipped)" % signal.Signals(signum).name, flush=True)


# --------------------------------------------------------------------------- dependencies and builds

def check_packages(no_afl):
    """scripts/deps --fuzz: install what is missing (as root), else print the apt line."""
    cmd = [os.path.join(TOP, "scripts", "deps"), "--fuzz"] + (["--no-afl"] if no_afl else [])
    if subprocess.run(cmd).returncode == 0:
        return True
    # go on with what is there: afl++ missing only disables AFL++
    return False


def build_preset(p, logs):
    """cmake --preset P (once) and cmake --build --preset P (incremental)."""
    bdir = os.path.join(BUILD, p)
    logf = os.path.join(logs, "build-%s.log" % p)
    t0 = time.time()
    with open(logf, "w") as lf:
        if not os.path.exists(os.path.join(bdir, "build.ninja")):
            r = subprocess.run(["cmake", "--preset", p], cwd=TOP, stdout=lf, stderr=subprocess.STDOUT)
            if r.returncode:
                return False, logf, time.time() - t0
        r = subprocess.run(["cmake", "--build", "--preset", p], cwd=TOP, stdout=lf, stderr=subprocess.STDOUT)
    return r.returncode == 0, logf, time.time() - t0


def do_builds(presets, logs):
    ok = {}
    for p in presets:
        if Stop.requested:
            break
        good, logf, dt = build_preset(p, logs)
        ok[p] = good
        if good:
            log("build %-11s ok (%.0fs)" % (p, dt))
        else:
            log("build %-11s FAILED (%.0fs), see %s:" % (p, dt, logf))
            for l in tail(logf, 6):
                print("    " + l, flush=True)
    return ok


# --------------------------------------------------------------------------- the findings store

def db_query(db, sql, args=()):
    if not os.path.exists(db):
        return None
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=2)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return None


def db_columns(db, table):
    rows = db_query(db, "PRAGMA table_info(%s)" % table)
    return {r[1] for r in rows} if rows else set()


def db_findings(db):
    """(id, status, kind, known_upstream or '', title first line, hits, first_seen)"""
    ku = "known_upstream" if "known_upstream" in db_columns(db, "findings") else "NULL"
    rows = db_query(db, "SELECT id, status, kind, coalesce(%s, ''), title, hits, first_seen "
                        "FROM findings ORDER BY id" % ku)
    return [(r[0], r[1], r[2], r[3], (r[4] or "").split("\n")[0], r[5], r[6]) for r in rows or []]


# --------------------------------------------------------------------------- fuzzer processes

class Proc:
    campaign_out = ""

    def __init__(self, name, kind, cmd, env, logf, nice=0):
        self.name, self.kind, self.cmd, self.env, self.logf, self.nice = name, kind, cmd, env, logf, nice
        self.p = None
        self.started = 0.0
        self.disabled = False
        self.fast_fails = 0
        self.reaped = False

    def start(self):
        lf = open(self.logf, "ab")
        lf.write(("# campaign: %s\n# started: %d\n" % (" ".join(self.cmd), int(time.time()))).encode())
        lf.flush()
        cmd = (["nice", "-n", str(self.nice)] if self.nice else []) + self.cmd
        env = dict(self.env, BF_CAMPAIGN=self.campaign_out)   # marks every process of the campaign
        self.p = subprocess.Popen(cmd, cwd=TOP, env=env, stdin=subprocess.DEVNULL, stdout=lf,
                                  stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_child_setup)
        lf.close()
        self.started = time.time()

    def alive(self):
        return self.p is not None and self.p.poll() is None

    def signal(self, sig):
        if self.alive():
            try:
                os.killpg(self.p.pid, sig)
            except OSError:
                pass

    def reap_group(self):
        """After the leader exited: kill what is left of its process group (its own session).
        afl-fuzz stopped by SIGTERM can leave a persistent-mode target behind, stopped (SIGSTOP
        between iterations) and orphaned."""
        if self.p is not None and self.p.poll() is not None and not self.reaped:
            self.reaped = True
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except OSError:
                pass


class LibFuzzerSlot:
    """One libFuzzer worker; restarted (new log) after each finding, since
    libFuzzer stops at the first crash."""

    def __init__(self, c, idx):
        self.c, self.idx, self.gen = c, idx, 0
        self.proc = None
        self.done_execs = 0       # execs of this slot's finished processes
        self.last = {}            # latest parsed stats of the current process
        self.max_cov = 0          # coverage of the best process so far (a restart starts at 0)
        self.artifacts_seen = 0

    def log_path(self):
        return os.path.join(self.c.logs, "fuzz-%s-%s-w%d-r%d.log" % (self.c.target, self.c.stamp, self.idx, self.gen))

    def start(self, remaining):
        c = self.c
        # One plain process per slot: -fork=1 ran 0.36x the execs per CPU second, and
        # -use_value_profile=1 0.65x with no more coverage or states in equal time
        # (bench/README.md, 2026-12-04); entropic scheduling is libFuzzer's default.
        cmd = [c.lf_bin, "-max_total_time=%d" % max(1, int(remaining)),
               "-timeout=%s" % c.lf_opts.get("timeout", "10"), "-rss_limit_mb=2048",
               "-artifact_prefix=%s/" % c.crashes, "-reload=1",
               "-print_final_stats=1"]
        if "max_len" in c.lf_opts:
            cmd.append("-max_len=%s" % c.lf_opts["max_len"])
        if c.dict:
            cmd.append("-dict=%s" % c.dict)
        cmd.append(c.corpus)
        self.proc = Proc("libfuzzer-w%d" % self.idx, "libfuzzer", san_wrap(cmd), c.lf_env(), self.log_path())
        self.proc.start()
        self.last = {}

    def parse(self):
        """The last '#N ... cov: X ... corp: Z ... exec/s: E' line of the current log."""
        if not self.proc:
            return self.last
        final = None
        for line in reversed(tail(self.proc.logf, 200)):
            m = re.match(r"stat::number_of_executed_units: (\d+)", line)
            if m and final is None:
                final = int(m.group(1))
            m = re.match(r"#(\d+)\s+\S+\s+cov: (\d+).*?corp: (\d+).*?exec/s: (\d+)", line)
            if m:
                self.last = {"execs": int(m.group(1)), "cov": int(m.group(2)), "corp": int(m.group(3)),
                             "eps": int(m.group(4))}
                self.max_cov = max(self.max_cov, self.last["cov"])
                break
        if final is not None and final > self.last.get("execs", 0):
            self.last = dict(self.last, execs=final)
        return self.last

    def finished(self, now, deadline, stopping):
        """Called when the process has exited: account for it, quarantine, restart."""
        p = self.proc
        st = self.parse()
        self.done_execs += st.get("execs", 0)
        written = []
        try:
            with open(p.logf, "rb") as f:
                for line in f.read().decode("utf-8", "replace").splitlines():
                    m = re.search(r"Test unit written to (\S+)", line)
                    if m:
                        written.append(m.group(1))
        except OSError:
            pass
        rc = p.p.returncode
        if written:
            self.c.new_artifacts = True
            base = os.path.basename(written[-1])
            sha = base.split("-", 1)[1] if "-" in base else ""
            src = os.path.join(self.c.corpus, sha)
            if sha and os.path.exists(src):   # a corpus input, not a mutant: it would crash every restart
                os.makedirs(self.c.quarantine, exist_ok=True)
                shutil.move(src, os.path.join(self.c.quarantine, sha))
                log("%s: corpus input %s crashes on loading: moved to quarantine/" % (p.name, sha[:12]))
            if not stopping:
                log("%s: finding %s (%s); restarting" % (p.name, base, os.path.basename(p.logf)))
        elif not stopping and now < deadline - 2:
            log("%s exited (rc %s) early; last lines of %s:" % (p.name, rc, p.logf))
            for l in tail(p.logf, 4):
                print("    " + l, flush=True)
        if stopping or now >= deadline - 3:
            return
        if now - p.started < 10 and not written:
            p.fast_fails += 1
        if p.fast_fails >= 3:
            log("%s fails at start-up three times: not restarted" % p.name)
            self.proc.disabled = True
            return
        fails = p.fast_fails
        self.gen += 1
        self.start(deadline - now)
        self.proc.fast_fails = fails
        if now - p.started < 3:
            time.sleep(1)


class AflInstance:
    def __init__(self, c, name, main, cmplog, schedule, nice):
        self.c, self.name, self.main, self.cmplog, self.schedule, self.nice = c, name, main, cmplog, schedule, nice
        self.proc = None
        self.use_mutator = bool(c.mutator)
        self.restarts = 0
        self.last = {}

    def start(self, remaining):
        c = self.c
        # -t 5000: a spurious hang (a loaded machine) would be filed as a finding that never
        # reproduces; a real hang of a program taking well under a millisecond still shows.
        cmd = ["afl-fuzz", "-M" if self.main else "-S", self.name, "-i", c.afl_seeds, "-o", c.afl_dir,
               "-t", "5000", "-V", str(int(remaining) + 60)]
        if self.main:
            cmd += ["-F", c.corpus]
        if self.cmplog:
            cmd += ["-c", c.afl_cmplog_bin]
        if self.schedule:
            cmd += ["-p", self.schedule]
        if c.dict:
            cmd += ["-x", c.dict]
        cmd += ["--", c.afl_bin]
        env = dict(os.environ, AFL_SKIP_CPUFREQ="1", AFL_NO_UI="1", AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1",
                   AFL_AUTORESUME="1", AFL_NO_AFFINITY="1", AFL_SKIP_CRASHES="1", AFL_CMPLOG_ONLY_NEW="1",
                   AFL_IMPORT_FIRST="1")
        if c.out.startswith("/tmp/") or c.out.startswith("/var/tmp/"):
            env["AFL_ALLOW_TMP"] = "1"
        # fuzz_ops boots the worlds of the seeds' and corpus's most used topologies before the
        # deferred fork server starts, so every child (also after a crash) restores, never boots
        if c.target == "fuzz_ops":
            env["BF_WARM"] = ":".join(d for d in (c.afl_seeds, c.corpus) if d)
        if self.use_mutator:
            env["AFL_CUSTOM_MUTATOR_LIBRARY"] = c.mutator
        else:
            env.pop("AFL_CUSTOM_MUTATOR_LIBRARY", None)
        # an output dir left without any queue entry (killed during its dry run) cannot be resumed
        d = os.path.join(c.afl_dir, self.name)
        if os.path.isdir(d) and not glob.glob(os.path.join(d, "queue", "id:*")) and \
                not glob.glob(os.path.join(d, "crashes", "id:*")) and not glob.glob(os.path.join(d, "hangs", "id:*")):
            shutil.rmtree(d, ignore_errors=True)
        self.proc = Proc("afl-" + self.name, "afl", cmd, env, os.path.join(c.logs, "afl-%s.log" % self.name),
                         self.nice)
        self.proc.start()

    def stats(self):
        """fuzzer_stats, or plot_data's last line when it is newer."""
        d = os.path.join(self.c.afl_dir, self.name)
        st = {}
        try:
            with open(os.path.join(d, "fuzzer_stats")) as f:
                for line in f:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        st[k.strip()] = v.strip()
        except OSError:
            pass
        # AFL++ 4.04c writes fuzzer_stats at start-up (with an exec/s of its dry run), then once a
        # minute; plot_data every 5 s after the first minute.  Rates from the first 30 s are ignored.
        out = {}
        try:
            out = {"execs": int(st["execs_done"]), "eps": float(st["execs_per_sec"]),
                   "corp": int(st["corpus_count"]), "cov": int(st["edges_found"])}
            if int(st.get("run_time", "0")) < 30:
                out["eps"] = 0
        except (KeyError, ValueError):
            pass
        try:
            with open(os.path.join(d, "plot_data")) as f:
                lines = f.read().splitlines()
            hdr = [h.strip() for h in lines[0].lstrip("#").split(",")]
            vals = [v.strip() for v in lines[-1].split(",")]
            if len(lines) > 1 and len(vals) == len(hdr):
                row = dict(zip(hdr, vals))
                execs = int(row["total_execs"])
                if execs >= out.get("execs", 0) and int(row["relative_time"]) >= 30:
                    out = {"execs": execs, "eps": float(row["execs_per_sec"]), "corp": int(row["corpus_count"]),
                           "cov": int(row["edges_found"])}
        except (OSError, IndexError, KeyError, ValueError):
            pass
        if out:
            self.last = out
        return self.last

    def finished(self, now, deadline, stopping):
        p = self.proc
        if stopping or now >= deadline - 3:
            return
        lines = tail(p.logf, 8)
        text = "\n".join(lines)
        if self.use_mutator and ("custom mutator" in text.lower() or "load_custom_mutator" in text):
            log("%s: the AFL++ custom mutator does not load; running without it:" % p.name)
            for l in lines[-3:]:
                print("    " + l, flush=True)
            self.use_mutator = False
            self.start(deadline - now)
            return
        log("%s exited (rc %s); last lines of %s:" % (p.name, p.p.returncode, p.logf))
        for l in lines[-4:]:
            print("    " + l, flush=True)
        self.restarts += 1
        if self.restarts > 2 or now - p.started < 5 and self.restarts > 1:
            log("%s: not restarted" % p.name)
            p.disabled = True
            return
        self.start(deadline - now)


