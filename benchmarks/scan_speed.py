"""Scan speed: productready against the hand-run bandit → semgrep → pip-audit sequence, on a real corpus.

    python benchmarks/scan_speed.py                        # Django sdist, 3 repetitions, scales 1,2,4
    python benchmarks/scan_speed.py --quick                # flask sdist, 1 repetition, scales 1,2 (smoke run)
    python benchmarks/scan_speed.py --package requests==2.32.3 --repeat 5 --scales 1,4 --jobs 4

The corpus is a PyPI source distribution (``pip download --no-binary :all: --no-deps``), downloaded
once into ``--corpus-dir`` and extracted into one tree per scale (``scale-N/copy-0 … copy-N-1``).
After that first download nothing touches the network: the hand-run pip-audit queries a local
``productready db serve`` and productready's own dependency audit uses its offline database.

Per repetition, on the 1x tree: (a) bandit, semgrep (productready's own rule packs), pip-audit on a
requirements file pinned from the sdist's own Requires-Dist (lower bounds; the corpus is never
installed); (b) ``productready scan`` cold (its result cache, ``PRODUCTREADY_CACHE_DIR`` in the run
folder, emptied first); (c) again, nothing changed; (d) again after appending a comment to the largest
non-test .py file (restored afterwards). Then a cold productready scan (cache emptied) of every other scale.
Each command runs under a process-tree sampler: wall time, CPU time (user+sys of the whole reaped
tree, from wait4), peak RSS summed over the tree (VmRSS of every descendant, sampled every ~50 ms).
Medians are printed as a table with the targets; the raw numbers go to a JSON file next to the corpus.
"""

from __future__ import annotations

import argparse
import contextlib
import email.parser
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

DEFAULT_PACKAGE = "django==5.1.4"
QUICK_PACKAGE = "flask==3.1.0"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
# folders productready's plain walk skips (inventory._SKIP_DIRS): not counted as corpus files
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache",
             ".pytest_cache", ".ruff_cache", ".venv", "venv", ".eggs", "site-packages", ".terraform"}
TARGETS = {"b/a": 0.60, "c/b": 0.05, "d/b": 0.10, "mem": 1.5, "scale": 0.15}


# ---------------------------------------------------------------------------- measuring


@dataclass
class Measure:
    label: str
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss: int = 0  # bytes, summed over the process tree at the sampled peak
    max_single_rss: int = 0  # bytes, largest single process of the tree (wait4 ru_maxrss)
    returncode: int | None = None
    peak_procs: list[tuple[str, int]] = field(default_factory=list)  # (comm, rss) at the peak
    samples: int = 0
    info: dict[str, Any] = field(default_factory=dict)
    error: str = ""


class TreeSampler(threading.Thread):
    """Sum VmRSS of ``root`` and all its descendants every ``interval`` seconds; keep the peak."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop_event = threading.Event()
        self.peak, self.peak_procs, self.samples = 0, [], 0
        self._ppid: dict[int, int] = {}  # pid → ppid, read once per pid (cheap on a busy /proc)

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)

    def sample(self) -> None:
        pids = {int(n) for n in os.listdir("/proc") if n.isdigit()}
        for gone in set(self._ppid) - pids:
            del self._ppid[gone]
        for pid in pids - set(self._ppid):
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    data = f.read()
                self._ppid[pid] = int(data[data.rfind(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
        kids: dict[int, list[int]] = {}
        for pid, ppid in self._ppid.items():
            kids.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(kids.get(pid, ()))
        total, procs = 0, []
        for pid in tree:
            try:
                with open(f"/proc/{pid}/statm", "rb") as f:
                    rss = int(f.read().split()[1]) * PAGE
                with open(f"/proc/{pid}/comm", "rb") as f:
                    comm = f.read().decode(errors="replace").strip()
            except (OSError, ValueError, IndexError):
                continue
            total += rss
            procs.append((comm, rss))
        self.samples += 1
        if total > self.peak:
            self.peak, self.peak_procs = total, sorted(procs, key=lambda p: -p[1])[:6]


_current: subprocess.Popen[bytes] | None = None  # for Ctrl-C cleanup


def measure(label: str, argv: list[str], *, cwd: Path, out: Path, env: dict[str, str]) -> Measure:
    """Run ``argv`` (stdout → ``out``, stderr → ``out``.err) under the sampler."""
    global _current
    m = Measure(label)
    with open(out, "wb") as so, open(str(out) + ".err", "wb") as se:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=so, stderr=se, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)
        _current = proc
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, ru = os.wait4(proc.pid, 0)
        m.wall = time.perf_counter() - t0
        sampler.stop_event.set()
        sampler.join()
        _current = None
    proc.returncode = m.returncode = os.waitstatus_to_exitcode(status)
    m.cpu = ru.ru_utime + ru.ru_stime
    m.max_single_rss = ru.ru_maxrss * 1024
    m.peak_rss = max(sampler.peak, m.max_single_rss)
    m.peak_procs, m.samples = sampler.peak_procs, sampler.samples
    return m


def proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read()
    fields = data[data.rfind(b")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def proc_rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm", "rb") as f:
        return int(f.read().split()[1]) * PAGE


# ---------------------------------------------------------------------------- corpus


def sdist_name(spec: str) -> tuple[str, str]:
    m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9.+!_-]+)\s*", spec)
    if not m:
        sys.exit(f"--package must be pinned as NAME==VERSION (got {spec!r}): the pin is the offline cache key")
    return m.group(1), m.group(2)


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def find_sdist(folder: Path, name: str, version: str) -> Path | None:
    for p in sorted(folder.glob("*")) if folder.is_dir() else []:
        stem = p.name.removesuffix(".tar.gz").removesuffix(".zip").removesuffix(".tar.bz2")
        if stem != p.name and "-" in stem:
            n, _, v = stem.rpartition("-")
            if canon(n) == canon(name) and v == version:
                return p
    return None


def get_sdist(cache: Path, spec: str) -> Path:
    name, version = sdist_name(spec)
    folder = cache / "sdists"
    found = find_sdist(folder, name, version)
    if found:
        return found
    folder.mkdir(parents=True, exist_ok=True)
    print(f"downloading the {spec} source distribution (once; cached in {folder}) …", flush=True)
    run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                          "--quiet", spec, "-d", str(folder)], check=False)
    found = find_sdist(folder, name, version)
    if run.returncode != 0 or not found:
        sys.exit(f"could not download {spec} (pip exited with {run.returncode}); pick another --package or version")
    return found


def extract(sdist: Path, dest: Path) -> Path:
    """The sdist's top folder, extracted once under ``dest`` (never built or installed)."""
    marker = dest / ".extracted"
    if not marker.exists():
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        if sdist.name.endswith(".zip"):
            with zipfile.ZipFile(sdist) as z:
                for member in z.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        sys.exit(f"unsafe path in {sdist.name}: {member}")
                z.extractall(dest)
        else:
            with tarfile.open(sdist) as t:
                t.extractall(dest, filter="data")
        marker.write_text(sdist.name)
    tops = [p for p in dest.iterdir() if p.is_dir()]
    if len(tops) != 1:
        sys.exit(f"{sdist.name}: expected one top-level folder, found {len(tops)}")
    return tops[0]


def build_scale(src: Path, root: Path, scale: int) -> Path:
    tree = root / f"scale-{scale}"
    marker = root / f".scale-{scale}.done"
    if not marker.exists() or tree.joinpath(".productready").exists():
        shutil.rmtree(tree, ignore_errors=True)
        for i in range(scale):
            shutil.copytree(src, tree / f"copy-{i}", symlinks=True)
        marker.write_text("ok")
    return tree


def python_files(tree: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        out.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith((".py", ".pyi", ".pyw")))
    return out


def pinned_requirements(src: Path) -> tuple[list[str], list[str]]:
    """The sdist's own runtime requirements for this platform, each pinned to its lower bound."""
    try:
        from packaging.requirements import Requirement
    except ImportError:  # pragma: no cover - pip always vendors it
        from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    raw: list[str] = []
    pkg_info = src / "PKG-INFO"
    if pkg_info.is_file():
        raw = email.parser.Parser().parsestr(pkg_info.read_text(encoding="utf-8", errors="replace")).get_all("Requires-Dist") or []
    if not raw and (src / "pyproject.toml").is_file():
        import tomllib

        raw = tomllib.loads((src / "pyproject.toml").read_text(encoding="utf-8")).get("project", {}).get("dependencies", [])
    pins, notes = [], []
    for line in raw:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        lows = [s.version for s in req.specifier if s.operator in (">=", "==", "~=", "===") and "*" not in s.version]
        if not lows:
            notes.append(f"{req.name}: no lower bound, not audited by the hand-run pip-audit")
            continue
        pins.append(f"{canon(req.name)}=={max(lows, key=_vkey)}")
    return sorted(set(pins)), notes


def _vkey(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


# ---------------------------------------------------------------------------- tools


def tool(name: str) -> list[str]:
    here = Path(sys.executable).parent / name
    if here.is_file() and os.access(here, os.X_OK):
        return [str(here)]
    found = shutil.which(name)
    if found:
        return [found]
    if name == "productready":
        return [sys.executable, "-m", "productready"]
    sys.exit(f"'{name}' not found next to {sys.executable} or on PATH")


def semgrep_packs() -> list[Path]:
    """The packs productready passes to semgrep (every rulesets/semgrep/<lang> folder with rules)."""
    try:
        from productready.config import data_dir

        base = data_dir("rulesets") / "semgrep"
    except ImportError:
        base = Path(__file__).resolve().parent.parent / "rulesets" / "semgrep"
    return sorted(p for p in base.iterdir() if p.is_dir() and any(p.glob("*.y*ml")))


def versions() -> dict[str, str]:
    out = {}
    for pkg in ("productready", "bandit", "semgrep", "pip-audit"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "?"
    return out


class OsvMirror:
    """``productready db serve --port 0`` for the hand-run pip-audit (offline OSV API)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "wb") as err:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen([*tool("productready"), "db", "serve", "--port", "0"], stdout=subprocess.DEVNULL,
                                         stderr=err, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        deadline, self.url = time.time() + 120, ""
        while time.time() < deadline and self.proc.poll() is None:
            m = re.search(r"at (http://[\d.]+:\d+/v1/query)", log.read_text(errors="replace"))
            if m:
                self.url = m.group(1)
                break
            time.sleep(0.1)
        if not self.url:
            self.close()
            sys.exit(f"`productready db serve` did not start: {log.read_text(errors='replace')[-400:]}")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------------------- one repetition


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def hand_run(tree: Path, runs: Path, args: argparse.Namespace, env: dict[str, str], mirror: OsvMirror | None,
             req: Path | None) -> list[Measure]:
    out: list[Measure] = []
    bjson = runs / "bandit.json"
    m = measure("bandit", [*tool("bandit"), "-r", str(tree), "-f", "json", "-o", str(bjson), "-q"],
                cwd=runs, out=runs / "bandit.stdout", env=env)
    data = read_json(bjson)
    if m.returncode not in (0, 1) or not isinstance(data, dict):
        m.error = f"bandit exited {m.returncode}, no JSON"
    else:
        m.info = {"files": len([k for k in data.get("metrics", {}) if k != "_totals"]),
                  "findings": len(data.get("results", [])), "errors": len(data.get("errors", []))}
    out.append(m)

    argv = [*tool("semgrep"), "scan"]
    for pack in semgrep_packs():
        argv += ["--config", str(pack)]
    argv += ["--json", "--metrics=off", "--disable-version-check", "--jobs", str(args.jobs), str(tree)]
    sjson = runs / "semgrep.json"
    m = measure("semgrep", argv, cwd=runs, out=sjson, env=env)
    data = read_json(sjson)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        m.error = f"semgrep exited {m.returncode}, no JSON"
    else:
        m.info = {"files": len((data.get("paths") or {}).get("scanned") or []),
                  "findings": len(data["results"]), "errors": len(data.get("errors", []))}
    out.append(m)

    if mirror is None or req is None:
        out.append(Measure("pip-audit", error="skipped: no pinned requirements"))
        return out
    pjson = runs / "pip-audit.json"
    cpu0 = proc_cpu(mirror.proc.pid)
    m = measure("pip-audit", [*tool("pip-audit"), "-r", str(req), "--no-deps", "--disable-pip", "-s", "osv",
                              "--osv-url", mirror.url, "-f", "json", "-o", str(pjson), "--progress-spinner", "off",
                              "--cache-dir", str(runs / "pip-audit-cache")],
                cwd=runs, out=runs / "pip-audit.stdout", env=env)
    server_cpu = proc_cpu(mirror.proc.pid) - cpu0
    m.cpu += server_cpu  # the queries' server side counts as the audit's work
    data = read_json(pjson)
    if m.returncode not in (0, 1) or not isinstance(data, dict):
        m.error = f"pip-audit exited {m.returncode}: {(runs / 'pip-audit.stdout.err').read_text(errors='replace')[-300:]}"
    else:
        deps = data.get("dependencies", [])
        m.info = {"packages": len(deps), "vulns": sum(len(d.get("vulns", [])) for d in deps),
                  "server_cpu": round(server_cpu, 3), "server_rss": proc_rss(mirror.proc.pid)}
    out.append(m)
    return out


def pr_scan(label: str, tree: Path, runs: Path, args: argparse.Namespace, env: dict[str, str]) -> Measure:
    outdir = runs / f"pr-{label}"
    shutil.rmtree(outdir, ignore_errors=True)
    argv = [*tool("productready"), "scan", str(tree), "-o", str(outdir), "-q", "--format", "json", "-j", str(args.jobs)]
    if args.pr_deps_backend == "offline":
        argv += ["--deps-backend", "offline"]
    else:
        argv += ["--deps-backend", "pip-audit", "--osv-url", args.mirror_url]
    m = measure(f"productready {label}", argv, cwd=runs, out=runs / f"pr-{label}.stdout", env=env)
    report = read_json(outdir / "report.json")
    if not isinstance(report, dict):
        err = (runs / f"pr-{label}.stdout.err").read_text(errors="replace")[-300:]
        m.error = f"productready exited {m.returncode}, no report.json: {err}"
        return m
    m.info = {"scanners": {s["scanner"]: {"status": s["status"], "files": s.get("files_scanned", 0),
                                          "findings": s.get("findings", 0), "reason": s.get("reason", "")}
                           for s in report.get("scans", [])},
              "verdict": report.get("gate", {}).get("verdict")}
    bad = [f"{n}: {s['status']} {s['reason']}".strip() for n, s in m.info["scanners"].items()
           if s["status"] not in ("ok", "partial")]
    if bad:
        m.error = "scanner(s) did not complete: " + "; ".join(bad)
    return m


@contextlib.contextmanager
def touched(path: Path):  # type: ignore[no-untyped-def]
    """Append a comment line to ``path``; restore its bytes and times afterwards."""
    original, st = path.read_bytes(), path.stat()
    try:
        with open(path, "ab") as f:
            f.write(f"\n# productready benchmark: touched at {time.time():.0f}\n".encode())
        yield
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


# ---------------------------------------------------------------------------- report


def med(ms: list[Measure], attr: str) -> float:
    vals = [getattr(m, attr) for m in ms if not m.error]
    return statistics.median(vals) if vals else float("nan")


def mib(b: float) -> str:
    return "n/a" if b != b else f"{b / 2**20:,.0f}"


def secs(s: float) -> str:
    return "n/a" if s != s else f"{s:,.1f}"


def verdict(value: float, limit: float) -> str:
    return "n/a" if value != value else ("PASS" if value <= limit else "MISS")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus-dir", type=Path, default=Path.home() / ".cache" / "productready-bench",
                    help="where sdists, trees, scratch output and results live (default: %(default)s)")
    ap.add_argument("--package", help=f"PyPI sdist to scan, NAME==VERSION (default: {DEFAULT_PACKAGE}; --quick: {QUICK_PACKAGE})")
    ap.add_argument("--repeat", type=int, help="repetitions; medians are reported (default: 3; --quick: 1)")
    ap.add_argument("--scales", help="comma-separated copy counts for the scale series (default: 1,2,4; --quick: 1,2)")
    ap.add_argument("--jobs", type=int, default=2, help="--jobs for semgrep and productready (default: %(default)s)")
    ap.add_argument("--quick", action="store_true", help="small corpus, one repetition: a smoke run of a few minutes")
    ap.add_argument("--skip-hand", action="store_true", help="do not time the hand-run bandit/semgrep/pip-audit sequence")
    ap.add_argument("--pr-deps-backend", choices=("offline", "mirror"), default="offline",
                    help="productready's dependency audit: its in-process offline database (default) or pip-audit "
                         "against the same local mirror as the hand-run sequence")
    args = ap.parse_args()
    args.package = args.package or (QUICK_PACKAGE if args.quick else DEFAULT_PACKAGE)
    args.repeat = args.repeat or (1 if args.quick else 3)
    scales = sorted({int(x) for x in (args.scales or ("1,2" if args.quick else "1,2,4")).split(",") if x.strip()})
    if 1 not in scales or min(scales) < 1:
        sys.exit("--scales must include 1 (the 1x tree is where a, b, c and d are timed)")

    cache = args.corpus_dir.expanduser().resolve()
    sdist = get_sdist(cache, args.package)
    name, version = sdist_name(args.package)
    base = cache / f"{canon(name)}-{version}"
    src = extract(sdist, base / "src")
    trees = {s: build_scale(src, base / "trees", s) for s in scales}
    files = {s: len(python_files(t)) for s, t in trees.items()}
    runs = base / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    # productready's result cache lives in the run folder: emptied before every cold scan, kept for (c) and (d)
    result_cache = runs / "result-cache"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off",
           "PRODUCTREADY_CACHE_DIR": str(result_cache)}

    pins, pin_notes = pinned_requirements(src)
    req = None
    if pins:
        req = runs / "requirements-pinned.txt"
        req.write_text("".join(p + "\n" for p in pins))
    mirror = OsvMirror(env, runs / "db-serve.log") if (req and not args.skip_hand) or args.pr_deps_backend == "mirror" else None
    args.mirror_url = mirror.url if mirror else ""

    tree1 = trees[1]
    # the largest product (non-test) file: every scanner must read it again in (d)
    test_dirs = {"test", "tests", "testsuite"}
    product = [p for p in python_files(tree1) if not test_dirs & set(p.relative_to(tree1).parts[:-1])]
    touch_target = max(product or python_files(tree1), key=lambda p: (p.stat().st_size, str(p)))
    load0 = os.getloadavg()
    print(f"corpus {sdist.name}: {files[1]} Python files per copy; tree {tree1}")
    print(f"tools {versions()}; jobs {args.jobs}; cores {os.cpu_count()}; load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}")
    print(f"hand-run pip-audit requirements (pinned lower bounds): {', '.join(pins) or 'none'}"
          + (f"; {'; '.join(pin_notes)}" if pin_notes else ""))
    print(f"touched file for (d): {touch_target.relative_to(tree1)}", flush=True)

    def interrupted(*_: Any) -> None:
        if _current is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(_current.pid, signal.SIGKILL)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    results: dict[str, list[Measure]] = {k: [] for k in ("bandit", "semgrep", "pip-audit", "a", "b", "c", "d")}
    scale_runs: dict[int, list[Measure]] = {s: [] for s in scales}
    started = time.time()
    try:
        for rep in range(args.repeat):
            print(f"repetition {rep + 1}/{args.repeat}:", end="", flush=True)
            if not args.skip_hand:
                parts = hand_run(tree1, runs, args, env, mirror, req)
                for p in parts:
                    results[p.label].append(p)
                ok = [p for p in parts if not p.error]
                results["a"].append(Measure("a", wall=sum(p.wall for p in ok), cpu=sum(p.cpu for p in ok),
                                            peak_rss=max((p.peak_rss for p in ok), default=0),
                                            error="; ".join(p.label + ": " + p.error for p in parts if p.error
                                                            and not p.error.startswith("skipped"))))
                print(" a=" + secs(results["a"][-1].wall) + "s", end="", flush=True)
            shutil.rmtree(tree1 / ".productready", ignore_errors=True)  # nothing left by an earlier scan
            shutil.rmtree(result_cache, ignore_errors=True)  # cold: an empty result cache
            results["b"].append(pr_scan("cold", tree1, runs, args, env))
            scale_runs[1].append(results["b"][-1])
            print(" b=" + secs(results["b"][-1].wall) + "s", end="", flush=True)
            results["c"].append(pr_scan("unchanged", tree1, runs, args, env))
            print(" c=" + secs(results["c"][-1].wall) + "s", end="", flush=True)
            with touched(touch_target):
                results["d"].append(pr_scan("touched", tree1, runs, args, env))
            print(" d=" + secs(results["d"][-1].wall) + "s", end="", flush=True)
            for s in scales:
                if s != 1:
                    shutil.rmtree(trees[s] / ".productready", ignore_errors=True)
                    shutil.rmtree(result_cache, ignore_errors=True)
                    scale_runs[s].append(pr_scan(f"cold-{s}x", trees[s], runs, args, env))
                    print(f" {s}x=" + secs(scale_runs[s][-1].wall) + "s", end="", flush=True)
            print(flush=True)
    finally:
        if mirror:
            mirror.close()
    load1 = os.getloadavg()

    # ------------------------------------------------------------------ table
    print(f"\n## productready scan speed — {sdist.name}, {files[1]} Python files, median of {args.repeat}, "
          f"jobs {args.jobs}, {os.cpu_count()} cores, load {load0[0]:.1f} → {load1[0]:.1f}, {time.time() - started:.0f} s total\n")
    print("| step | wall s | CPU s | peak RSS MiB (tree sum) | notes |")
    print("|---|---:|---:|---:|---|")
    rows = [("a1 bandit -r", "bandit"), ("a2 semgrep (same packs)", "semgrep"), ("a3 pip-audit (local OSV)", "pip-audit"),
            ("a  hand-run sequence", "a"), ("b  productready cold", "b"), ("c  productready unchanged", "c"),
            ("d  productready 1 file touched", "d")]
    for title, key in rows:
        ms = results[key]
        if not ms:
            continue
        last = ms[-1]
        note = last.error or ", ".join(f"{k} {v}" for k, v in last.info.items() if k not in ("scanners", "server_rss"))
        if key == "pip-audit" and "server_rss" in last.info:
            note += f" (+ mirror server, RSS {mib(last.info['server_rss'])} MiB, not in the peak)"
        if key in "bcd" and not last.error:
            note = f"verdict {last.info.get('verdict')}"
        print(f"| {title} | {secs(med(ms, 'wall'))} | {secs(med(ms, 'cpu'))} | {mib(med(ms, 'peak_rss'))} | {note} |")
    b = results["b"]
    if b and b[-1].info.get("scanners"):
        print("\nproductready ran: " + ", ".join(f"{n} {s['status']} ({s['files']} files, {s['findings']} findings)"
                                                  for n, s in b[-1].info["scanners"].items()))
        if results["bandit"] and not results["bandit"][-1].error:
            hb, hs = results["bandit"][-1].info, results["semgrep"][-1].info
            pb, ps = b[-1].info["scanners"].get("bandit", {}), b[-1].info["scanners"].get("semgrep", {})
            print(f"cross-check, files/findings hand vs productready: bandit {hb.get('files')}/{hb.get('findings')} vs "
                  f"{pb.get('files')}/{pb.get('findings')}; semgrep {hs.get('files')}/{hs.get('findings')} vs "
                  f"{ps.get('files')}/{ps.get('findings')}")
            if hs.get("files") != ps.get("files"):
                print("  (semgrep run by hand applies its default .semgrepignore (tests/, build/, vendor/, ... and the "
                      "tree's .gitignore); productready skips test/, tests/, testsuite/ folders the same way but picks "
                      "Python files by its own inventory, so the counts can differ by a few files)")
            if hb.get("files") != pb.get("files"):
                print("  (bandit -r by hand reads test folders too; productready's bandit skips test/, tests/, "
                      "testsuite/ by default, like semgrep (bandit.include_tests: true reads them), so on this corpus "
                      "the hand-run bandit did more work; the secrets search still reads every file)")
        print("peak processes of b: " + ", ".join(f"{c} {mib(r)}" for c, r in b[-1].peak_procs))

    ratios: list[tuple[str, float, str, str]] = []
    a_wall, b_wall = med(results["a"], "wall") if results["a"] else float("nan"), med(b, "wall")
    ratios.append(("b/a wall", b_wall / a_wall, "≤ 0.60", verdict(b_wall / a_wall, TARGETS["b/a"])))
    ratios.append(("b/a CPU", med(b, "cpu") / med(results["a"], "cpu") if results["a"] else float("nan"), "(info)", ""))
    ratios.append(("c/b wall", med(results["c"], "wall") / b_wall, "≤ 0.05", verdict(med(results["c"], "wall") / b_wall, TARGETS["c/b"])))
    ratios.append(("d/b wall", med(results["d"], "wall") / b_wall, "≤ 0.10", verdict(med(results["d"], "wall") / b_wall, TARGETS["d/b"])))
    single = max((med(results[k], "peak_rss") for k in ("bandit", "semgrep", "pip-audit") if results[k]
                  and any(not m.error for m in results[k])), default=float("nan"))
    mem = med(b, "peak_rss") / single
    ratios.append(("b peak RSS / largest single scanner's peak", mem, "≤ 1.50", verdict(mem, TARGETS["mem"])))
    per_k = {s: med(ms, "wall") / (files[s] / 1000) for s, ms in scale_runs.items()}
    top = max(scales)
    drift = per_k[top] / per_k[1] - 1 if top != 1 else float("nan")
    ratios.append((f"s/1000 files {top}x vs 1x", drift, "within ±15%", verdict(abs(drift), TARGETS["scale"])))
    print("\n| ratio (medians) | value | target | result |")
    print("|---|---:|---|---|")
    for title, value, target, res in ratios:
        shown = "n/a" if value != value else (f"{value:+.1%}" if title.startswith("s/1000") else f"{value:.3f}")
        print(f"| {title} | {shown} | {target} | {res} |")
    print("\n| scale | Python files | productready cold wall s | s / 1000 files | CPU s | peak RSS MiB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for s in scales:
        ms = scale_runs[s]
        print(f"| {s}x | {files[s]} | {secs(med(ms, 'wall'))} | {per_k[s]:.2f} | {secs(med(ms, 'cpu'))} | {mib(med(ms, 'peak_rss'))} |")
    errors = [f"{k}: {m.error}" for k, ms in [*results.items(), *((f"{s}x", v) for s, v in scale_runs.items())]
              for m in ms if m.error and not m.error.startswith("skipped")]
    for e in sorted(set(errors)):
        print(f"WARNING {e}")

    out = base / f"results-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps({
        "package": args.package, "sdist": sdist.name, "python_files": files, "repeat": args.repeat, "jobs": args.jobs,
        "cores": os.cpu_count(), "load_before": load0, "load_after": load1, "tools": versions(),
        "pr_deps_backend": args.pr_deps_backend, "requirements": pins, "touched": str(touch_target.relative_to(tree1)),
        "runs": {k: [asdict(m) for m in ms] for k, ms in results.items()},
        "scales": {str(s): [asdict(m) for m in ms] for s, ms in scale_runs.items()},
        "ratios": {t: (None if v != v else v) for t, v, _, _ in ratios},
    }, indent=1, default=str))
    print(f"\nresults: {out}")
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
