"""The scanner interface, the run context, and the one way to run an external tool."""

from __future__ import annotations

import abc
import importlib.metadata
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import Digests, FileOutcome, ResultCache, file_key
from ..masking import mask_secrets
from ..models import Coverage, Inventory, RuleInfo, ScanResult, ScanStatus, SkippedItem
from ..schemas import Config


@dataclass(frozen=True)
class ScanContext:
    root: Path  # resolved absolute path of the target
    inventory: Inventory
    config: Config
    config_dir: Path
    timeout: int
    jobs: int
    required: frozenset[str] = frozenset()
    env: dict[str, str] = field(default_factory=dict)  # extra environment for tools (tests use it)
    cache: ResultCache | None = None  # per-file result cache; None: scan everything (--no-cache)
    digests: Digests | None = None  # file content hashes shared by the scanners (with the cache)


class Scanner(abc.ABC):
    """One evidence source. ``run`` never raises for tool trouble: it returns a ScanResult
    whose status says how completely the tool looked."""

    name: str = ""
    description: str = ""
    required_by_default: bool = True  # required unless the config or profile says otherwise

    @abc.abstractmethod
    def run(self, ctx: ScanContext) -> ScanResult: ...

    def rules(self) -> tuple[RuleInfo, ...]:
        """Every rule this scanner can report, known without running it."""
        return ()

    def coverage(self, inventory: Inventory, result: ScanResult) -> tuple[tuple[str, Coverage], ...]:
        """What each rule did in this scan. A rule counts as evaluated only when the scanner
        finished cleanly over input the rule applies to; a partial run leaves incomplete every
        rule that applies to a file the scanner could not read."""
        files_by_path = {f.path: f for f in inventory.files}
        missed = [files_by_path.get(s.path) for s in result.skipped]
        out: list[tuple[str, Coverage]] = []
        for rule in self.rules():
            has_input = "repository" in rule.inputs or any(_applies(rule, f.language, f.kinds) for f in inventory.files)
            if not has_input or not result.applicable:  # e.g. only test files, which are out of scope
                state = Coverage.NO_INPUT
            elif result.status is ScanStatus.OK:
                state = Coverage.EVALUATED
            elif result.status is ScanStatus.PARTIAL:
                hit = "repository" not in rule.inputs and any(
                    m is None or _applies(rule, m.language, m.kinds) for m in missed
                )
                state = Coverage.INCOMPLETE if hit else Coverage.EVALUATED
            else:
                state = Coverage.INCOMPLETE
            out.append((rule.rule_id, state))
        return tuple(sorted(out))

    def result(self, ctx: ScanContext, status: ScanStatus, reason: str = "", **kw: object) -> ScanResult:
        return ScanResult(
            scanner=self.name, status=status, reason=reason, required=self.name in ctx.required, **kw  # type: ignore[arg-type]
        )


def _applies(rule: RuleInfo, language: str, kinds: frozenset[str]) -> bool:
    if not rule.inputs or "repository" in rule.inputs:
        return True
    return language in rule.inputs or bool(kinds & set(rule.inputs))


@dataclass(frozen=True)
class ToolRun:
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    missing: bool = False
    error: str = ""


def find_tool(name: str) -> str | None:
    """The tool next to this interpreter (same virtual environment) first, then PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which(name)


def run_tool(
    argv: Sequence[str],
    *,
    cwd: Path,
    timeout: float,
    env: dict[str, str] | None = None,
) -> ToolRun:
    """Run ``argv`` (never through a shell) with a hard timeout that kills the process group.

    Output goes to temporary files, not pipes, so a tool printing megabytes of JSON
    cannot dead-lock and memory stays bounded by the tool's own output size.
    """
    if os.sep in argv[0]:
        exe: str | None = argv[0] if Path(argv[0]).is_file() else None
        missing = f"'{argv[0]}' not found"
    else:
        exe = find_tool(argv[0])
        missing = f"'{argv[0]}' not found on PATH (is it installed?)"
    if exe is None:
        return ToolRun(None, "", "", missing=True, error=missing)
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                [exe, *argv[1:]], cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                env=full_env, start_new_session=True,
            )
        except OSError as exc:
            return ToolRun(None, "", "", missing=True, error=f"cannot start '{argv[0]}': {exc.strerror}")
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
    return ToolRun(proc.returncode, stdout, stderr, timed_out=timed_out)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def tool_version(name: str, flag: str = "--version") -> str:
    """The tool's version: from package metadata when it is the copy installed beside productready
    (instant), else by asking the program itself."""
    if os.sep not in name:
        exe = find_tool(name)
        if exe is not None and Path(exe).parent == Path(sys.executable).parent:
            try:
                return importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                pass
    run = run_tool([name, flag], cwd=Path.cwd(), timeout=60, env={"SEMGREP_ENABLE_VERSION_CHECK": "0"})
    if run.missing or run.returncode != 0:
        return ""
    text = (run.stdout or run.stderr).strip().splitlines()
    first = text[0] if text else ""
    # "bandit 1.9.4" → "1.9.4"; "1.185.0" → "1.185.0"
    return first.split()[-1] if first else ""


def tail(text: str, limit: int = 400) -> str:
    """The last line(s) of tool output, secrets masked, for a failure reason."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    s = " | ".join(lines[-3:])
    return mask_secrets(s[-limit:])


class Clock:
    """Wall-clock run intervals for ScanResult.started/finished."""

    def __init__(self) -> None:
        self.started = time.time()

    def stop(self) -> tuple[float, float]:
        return self.started, time.time()


def skipped_items(pairs: Sequence[tuple[str, str]]) -> tuple[SkippedItem, ...]:
    return tuple(sorted({SkippedItem(p, r) for p, r in pairs}))


@dataclass
class CachePlan:
    """Which files a scanner can take from the cache and which it must scan."""

    salt: str | None
    keys: dict[str, str]  # path → cache key, for files whose bytes could be hashed
    hits: dict[str, FileOutcome]
    misses: list[str]


def cache_plan(
    ctx: ScanContext, salt: str | None, files: Sequence[str], context: dict[str, str] | None = None
) -> CachePlan:
    """``context``: per-file facts besides its bytes that decide the result (e.g. its inventory kinds)."""
    if ctx.cache is None or ctx.digests is None or salt is None:
        return CachePlan(None, {}, {}, list(files))
    keys: dict[str, str] = {}
    for p in files:
        digest = ctx.digests.of(p)
        if digest is not None:
            keys[p] = file_key(salt, p + "\0" + (context or {}).get(p, ""), digest)
    got = ctx.cache.get_many(keys.values())
    hits = {p: got[k] for p, k in keys.items() if k in got}
    return CachePlan(salt, keys, hits, [p for p in files if p not in hits])


def cache_store(
    ctx: ScanContext, plan: CachePlan, outcomes: dict[str, FileOutcome],
    keep: Callable[[FileOutcome], bool] | None = None,
) -> None:
    """Store fresh per-file outcomes, except files that changed while the tool read them."""
    if ctx.cache is None or ctx.digests is None or plan.salt is None:
        return
    items: dict[str, FileOutcome] = {}
    for path, outcome in outcomes.items():
        key = plan.keys.get(path)
        if key is None or (keep is not None and not keep(outcome)):
            continue
        if not ctx.digests.unchanged(path):  # edited while the tool read it: its result may not match its bytes
            continue
        items[key] = outcome
    ctx.cache.put_many(items)
