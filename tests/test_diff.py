"""`productready diff OLD NEW`: score deltas, control status changes, new/resolved findings by fingerprint.

tests/fixtures/diff/{flawed,hardened}.json are real reports of the bundled example twins, trimmed by
:func:`trim_report` (automated controls only, fewer findings, no rule coverage) to stay small; the
slow test scans the twins again and rewrites them with ``pytest --update-golden``.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import FIXTURES, REPO_ROOT, CliResult
from productready import cli
from productready.cli_diff import diff_command
from productready.diff import ReportDiff, compare, diff_files, load_report
from productready.diff_render import MD_TRUNCATION_NOTICE, render_json, render_markdown
from productready.errors import ConfigError, ExitCode
from productready.yamlio import canonical_json

DIFF_FIXTURES = FIXTURES / "diff"
FLAWED = DIFF_FIXTURES / "flawed.json"
HARDENED = DIFF_FIXTURES / "hardened.json"
FRAMEWORKS = ("iso27001-2022", "soc2-2017", "asvs-5.0.0")
Report = dict[str, Any]


# ---------------------------------------------------------------- helpers


def trim_report(report: Report) -> Report:
    """A real report made small: the controls with automated results, the findings they cite first."""
    r = copy.deepcopy(report)
    r["controls"] = [c for c in r["controls"] if c["status"] in ("pass", "fail", "inconclusive")]
    keep: set[str] = set()
    for c in r["controls"]:
        keep.update(c["findings"][:1])
    seen: dict[str, int] = {}
    for f in r["findings"]:  # and two of each severity
        if seen.get(f["severity"], 0) < 2:
            keep.add(f["fingerprint"])
            seen[f["severity"]] = seen.get(f["severity"], 0) + 1
    r["findings"] = [f for f in r["findings"] if f["fingerprint"] in keep]
    for f in r["findings"]:
        f["remediation"] = f["remediation"].split("\n")[0]
    for c in r["controls"]:
        c["findings"] = [fp for fp in c["findings"] if fp in keep]
        c["evidence"]["evaluated_rules"] = c["evidence"]["evaluated_rules"][:1]
    r["unmapped_findings"] = [fp for fp in r["unmapped_findings"] if fp in keep]
    for s in r["scans"]:
        s["coverage"] = {}
        s.pop("dependencies", None)
        s["findings"] = sum(1 for f in r["findings"] if f["scanner"] == s["scanner"])
    by_sev = dict.fromkeys(r["summary"]["by_severity"], 0)
    for f in r["findings"]:
        by_sev[f["severity"]] += 1
    r["summary"] = {"findings": len(r["findings"]), "by_severity": by_sev,
                    "by_scanner": {s["scanner"]: s["findings"] for s in r["scans"]}}
    return r


def read(path: Path) -> Report:
    data: Report = json.loads(path.read_text(encoding="utf-8"))
    return data


def write(path: Path, report: Report | str) -> Path:
    path.write_text(report if isinstance(report, str) else json.dumps(report, indent=2), encoding="utf-8")
    return path


local_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
local_app.command("diff")(diff_command)


@local_app.callback()
def _group() -> None:
    """Makes `diff` a subcommand, as it is in productready's app."""


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """`diff` registered on a local app, behind productready's real error boundary."""

    def invoke(*args: str | Path) -> CliResult:
        command = typer.main.get_command(local_app)
        with pytest.raises(SystemExit) as exc, cli._error_boundary(False):
            rc = command.main(args=["diff", *map(str, args)], prog_name="productready", standalone_mode=False)
            sys.exit(rc if isinstance(rc, int) else 0)
        captured = capsys.readouterr()
        code = exc.value.code
        return CliResult(int(code) if isinstance(code, int) else 1, captured.out, captured.err)

    return invoke


@pytest.fixture(scope="module")
def flawed_to_hardened() -> ReportDiff:
    return diff_files(FLAWED, HARDENED)


def _finding(fp: str, severity: str = "high", title: str = "t", path: str = "app/x.py", line: int = 3) -> Report:
    return {
        "fingerprint": fp, "rule_id": "bandit:B602", "scanner": "bandit", "severity": severity, "confidence": "high",
        "title": title, "message": title, "location": {"path": path, "line": line, "end_line": line, "column": 1},
        "cwe": [78], "tags": [], "snippet": "", "remediation": "", "help_url": "", "triage": "new",
    }


# ---------------------------------------------------------------- flawed → hardened


def test_fixtures_are_valid_reports() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    for path in (FLAWED, HARDENED):
        jsonschema.validate(read(path), schema)


def test_flawed_to_hardened_raises_every_score(flawed_to_hardened: ReportDiff) -> None:
    scores = {s.catalog: s for s in flawed_to_hardened.scores}
    assert sorted(scores) == sorted(FRAMEWORKS)
    for s in scores.values():
        assert s.delta is not None and s.delta > 0
        assert s.new_pass is not None and s.old_pass is not None and s.new_pass > s.old_pass
    iso = scores["iso27001-2022"]
    assert (iso.old_score, iso.new_score, iso.delta) == (0.0215, 0.4516, 0.4301)
    assert (iso.old_pass, iso.new_pass, iso.old_applicable, iso.old_fail, iso.new_fail) == (2, 42, 93, 39, 0)


def test_flawed_to_hardened_lists_newly_passing_controls(flawed_to_hardened: ReportDiff) -> None:
    passing = {c.id: c for c in flawed_to_hardened.group("newly_passing")}
    assert {"iso27001-2022:A.8.28", "iso27001-2022:A.8.24", "soc2-2017:CC6.1"} <= set(passing)
    a828 = passing["iso27001-2022:A.8.28"]
    assert (a828.old_status, a828.new_status, a828.title) == ("fail", "pass", "Secure coding")
    assert flawed_to_hardened.group("newly_failing") == ()
    assert len(passing) == 112
    assert flawed_to_hardened.regressions == ()


def test_flawed_to_hardened_lists_resolved_findings(flawed_to_hardened: ReportDiff) -> None:
    flawed = read(FLAWED)
    assert flawed_to_hardened.new_findings == ()
    assert {f.fingerprint for f in flawed_to_hardened.resolved_findings} == {f["fingerprint"] for f in flawed["findings"]}
    assert flawed_to_hardened.resolved_by_severity == flawed["summary"]["by_severity"] | {}
    assert flawed_to_hardened.resolved_findings[0].severity == "critical"
    assert [(s.scanner, s.old_status, s.new_status) for s in flawed_to_hardened.scanners] == [("deps", "partial", "ok")]
    assert flawed_to_hardened.warnings == (
        "the reports are of different targets: 'agrimarket-flawed' and 'agrimarket-hardened'",)


def test_flawed_to_hardened_on_the_terminal(run: Callable[..., CliResult]) -> None:
    res = run(FLAWED, HARDENED)
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert lines[:4] == [
        "productready diff",
        f"  old: {FLAWED} (agrimarket-flawed, {len(read(FLAWED)['findings'])} findings)",
        f"  new: {HARDENED} (agrimarket-hardened, 0 findings)",
        "warning: the reports are of different targets: 'agrimarket-flawed' and 'agrimarket-hardened'",
    ]
    assert "iso27001-2022 │ 2.1% │ 45.2% │ ▲ +43.0 pts │ 2/93 → 42/93    │ 39 → 0 │ 0" in res.out
    assert "    iso27001-2022:A.8.28 fail → pass  Secure coding" in lines
    assert "  Newly passing (112)" in lines
    assert f"Findings: 0 new, {len(read(FLAWED)['findings'])} resolved" in lines
    assert "    deps partial → ok" in lines
    assert "    - condition: scanner 'deps' is partial: 3 dependency(ies) could not be audited" in lines
    assert "Waivers: no changes" in lines
    assert lines[-2:] == ["Attestations", "    + A-001 (valid, expires 2030-06-30)"]
    assert "no changes between the two reports" not in res.out


def test_hardened_to_flawed_is_a_regression(run: Callable[..., CliResult]) -> None:
    diff = diff_files(HARDENED, FLAWED)
    assert "control iso27001-2022:A.8.28 went from pass to fail" in diff.regressions
    assert any(r.startswith("new critical finding ") for r in diff.regressions)
    assert run(HARDENED, FLAWED).code == 0  # it reports; it does not gate ...
    res = run(HARDENED, FLAWED, "--fail-on-regression")
    assert res.code == 1  # ... unless asked to
    assert f"Regressions: {len(diff.regressions)} (--fail-on-regression fails on these)" in res.out.splitlines()
    assert run(FLAWED, HARDENED, "--fail-on-regression").code == 0


def test_report_folder_is_accepted(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    (tmp_path / "old").mkdir()
    shutil.copy(FLAWED, tmp_path / "old" / "report.json")
    res = run(tmp_path / "old", HARDENED, "--format", "json")
    assert res.code == 0, res.err
    assert json.loads(res.out)["old"]["file"] == str(tmp_path / "old" / "report.json")


# ---------------------------------------------------------------- no changes, moved findings


def test_identical_reports_have_no_changes(run: Callable[..., CliResult]) -> None:
    diff = diff_files(FLAWED, FLAWED)
    assert not diff.has_changes
    assert (diff.controls, diff.new_findings, diff.resolved_findings, diff.scanners, diff.warnings) == ((),) * 5
    res = run(FLAWED, FLAWED)
    assert res.code == 0
    assert "no changes between the two reports" in res.out.splitlines()
    assert "iso27001-2022 │ 2.1% │ 2.1% │ = 0.0 pts │ 2/93   │ 39   │ 0" in res.out
    assert "**No changes between the two reports.**" in run(FLAWED, FLAWED, "-f", "markdown").out
    assert json.loads(run(FLAWED, FLAWED, "-f", "json").out)["has_changes"] is False


def test_a_moved_finding_is_not_new(tmp_path: Path) -> None:
    old = read(FLAWED)
    new = copy.deepcopy(old)
    moved = new["findings"][3]
    moved["location"]["line"] += 7
    moved["location"]["end_line"] += 7
    diff = compare(old, new)
    assert diff.new_findings == () and diff.resolved_findings == ()
    assert [(m.fingerprint, m.new_line - m.old_line) for m in diff.moved_findings] == [(moved["fingerprint"], 7)]
    assert not diff.has_changes


def test_a_new_copy_of_a_finding_is_new(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    old = read(HARDENED)
    new = copy.deepcopy(old)
    new["findings"] = [_finding("0" * 20, "high", "Shell injection", "app/x.py", 12), _finding("1" * 20, "low")]
    old_path, new_path = write(tmp_path / "old.json", old), write(tmp_path / "new.json", new)
    diff = diff_files(old_path, new_path)
    assert [f.fingerprint for f in diff.new_findings] == ["0" * 20, "1" * 20]
    assert diff.new_by_severity == {"critical": 0, "high": 1, "medium": 0, "low": 1, "info": 0}
    assert diff.regressions == ("new high finding bandit:B602 at app/x.py:12",)
    assert run(old_path, new_path).code == 0
    res = run(old_path, new_path, "--fail-on-regression")
    assert res.code == 1
    assert "  New (1 high, 1 low)" in res.out.splitlines()
    new["findings"] = new["findings"][1:]  # a new low finding alone is no regression
    assert run(old_path, write(new_path, new), "--fail-on-regression").code == 0


# ---------------------------------------------------------------- control groups, scanners, gate


def test_control_changes_are_grouped() -> None:
    old = read(HARDENED)
    new = copy.deepcopy(old)
    status = {c["id"]: c for c in new["controls"]}
    status["iso27001-2022:A.8.28"]["status"] = "inconclusive"
    status["iso27001-2022:A.8.24"]["status"] = "manual"
    status["soc2-2017:CC6.1"]["status"] = "fail"
    new["controls"].remove(status["soc2-2017:CC6.6"])
    new["controls"].append(dict(status["iso27001-2022:A.8.28"], id="iso27001-2022:A.99", status="fail"))
    diff = compare(old, new)
    assert [(c.group, c.id, c.old_status, c.new_status) for c in diff.controls] == [
        ("newly_failing", "iso27001-2022:A.99", "absent", "fail"),
        ("newly_failing", "soc2-2017:CC6.1", "pass", "fail"),
        ("became_inconclusive", "iso27001-2022:A.8.28", "pass", "inconclusive"),
        ("other", "iso27001-2022:A.8.24", "pass", "manual"),
        ("other", "soc2-2017:CC6.6", "pass", "absent"),
    ]
    assert diff.regressions == (
        "control soc2-2017:CC6.1 went from pass to fail",
        "control iso27001-2022:A.8.28 went from pass to inconclusive",
    )


def test_scanner_and_gate_changes(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    old = read(HARDENED)
    new = copy.deepcopy(old)
    semgrep = next(s for s in new["scans"] if s["scanner"] == "semgrep")
    semgrep.update(status="failed", reason="semgrep exited with code 2")
    new["gate"].update(passed=False, verdict="not_ready", fail_on="high", blocking=["0" * 20],
                       incomplete=["semgrep"], blockers=["scanner 'semgrep' failed"])
    diff = compare(old, new)
    assert [(s.scanner, s.old_status, s.new_status, s.reason) for s in diff.scanners] == [
        ("semgrep", "ok", "failed", "semgrep exited with code 2")]
    res = run(write(tmp_path / "old.json", old), write(tmp_path / "new.json", new))
    lines = res.out.splitlines()
    i = lines.index("Gate")
    assert lines[i + 1:i + 7] == [
        "    verdict ready_with_conditions → not_ready",
        "    passed yes → no",
        "    blocking findings 0 → 1",
        "    fail_on none → high",
        "    + blocker: scanner 'semgrep' failed",
        "    + incomplete scanner: semgrep",
    ]
    assert "    semgrep ok → failed  semgrep exited with code 2" in lines
    assert res.code == 0


def test_different_catalogs_and_targets_still_diff_with_a_warning() -> None:
    old = read(FLAWED)
    new = copy.deepcopy(old)
    new["readiness"] = [r for r in new["readiness"] if r["catalog"] != "asvs-5.0.0"]
    new["controls"] = [c for c in new["controls"] if c["catalog"] != "asvs-5.0.0"]
    new["target"]["name"] = "other"
    diff = compare(old, new, "a.json", "b.json")
    assert diff.warnings == (
        "the reports are of different targets: 'agrimarket-flawed' and 'other'",
        "the reports cover different catalogs: asvs-5.0.0, iso27001-2022, soc2-2017 and iso27001-2022, soc2-2017",
    )
    asvs = next(s for s in diff.scores if s.catalog == "asvs-5.0.0")
    assert (asvs.old_score, asvs.new_score, asvs.delta) == (0.083, None, None)
    assert {c.new_status for c in diff.controls} == {"absent"}
    md = render_markdown(diff)
    assert "| asvs-5.0.0 | 8.3% | — | gone | 21/253 → — | 57 → — | 0 → — |" in md
    assert "> **Warning:** the reports are of different targets: 'agrimarket-flawed' and 'other'" in md


# ---------------------------------------------------------------- waivers and attestations


def test_waivers_and_attestations_not_recorded(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    old, new = read(HARDENED), read(HARDENED)
    for r in (old, new):
        del r["waivers"], r["attestations"]
    res = run(write(tmp_path / "old.json", old), write(tmp_path / "new.json", new))
    assert "Waivers: not recorded (the old and new reports have no waivers)" in res.out.splitlines()
    assert "Attestations: not recorded (the old and new reports have no attestations)" in res.out.splitlines()
    new["waivers"] = [{"id": "w1", "status": "active", "expires": "2030-01-01"}]
    diff = compare(old, new)
    assert not diff.waivers.recorded and diff.waivers.new_recorded and not diff.waivers.has_changes
    md = render_markdown(diff)
    assert "**Waivers:** not recorded (the old report has no waivers)" in md


def test_waiver_and_attestation_changes(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    old, new = read(HARDENED), read(HARDENED)
    old["waivers"] = [
        {"id": "w-keep", "status": "active", "expires": "2030-01-01"},
        {"id": "w-gone", "status": "active", "expires": "2030-01-01"},
        {"id": "w-expired", "status": "active", "expires": "2025-01-01"},
        "garbage",
    ]
    new["waivers"] = [
        {"id": "w-keep", "status": "active", "expires": "2030-01-01"},
        {"id": "w-expired", "status": "expired", "expires": "2025-01-01"},
        {"id": "w-new", "status": "active", "expires": "2031-06-30"},
    ]
    old["attestations"] = [{"control": "iso27001-2022:A.5.1", "status": "valid", "expires": "2026-01-01"}]
    new["attestations"] = [{"control": "iso27001-2022:A.5.1", "status": "valid", "expires": "2027-01-01"},
                           {"controls": ["soc2-2017:CC1.1", "soc2-2017:CC1.2"], "status": "valid"}]
    diff = compare(old, new)
    assert diff.waivers.has_changes and diff.attestations.has_changes
    res = run(write(tmp_path / "old.json", old), write(tmp_path / "new.json", new))
    lines = res.out.splitlines()
    i = lines.index("Waivers")
    assert lines[i:i + 4] == [
        "Waivers",
        "    + w-new (active, expires 2031-06-30)",
        "    - w-gone (active, expires 2030-01-01)",
        "    ~ w-expired: status active → expired",
    ]
    i = lines.index("Attestations")
    assert lines[i:i + 3] == [
        "Attestations",
        "    + soc2-2017:CC1.1, soc2-2017:CC1.2 (valid, expires —)",
        "    ~ iso27001-2022:A.5.1: expires 2026-01-01 → 2027-01-01",
    ]


# ---------------------------------------------------------------- malformed inputs


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n  "schema_version": 1,\n  oops\n}', 3,
         "not valid JSON: Expecting property name enclosed in double quotes (column 3)"),
        ("", 1, "not valid JSON: Expecting value (column 1)"),
        ("[1, 2]", 1, "not a productready report: the top level is an array, not an object"),
        ('{"controls": []}', 1, "not a productready report: no 'schema_version'"),
        ('{\n  "controls": [],\n  "schema_version": 2\n}', 3,
         "not a productready report: schema_version is 2, expected 1"),
        ('{\n  "schema_version": 1,\n  "controls": {}\n}', 3, "not a productready report: no 'controls' list"),
        ('{"schema_version": 1}', 1, "not a productready report: no 'controls' list"),
        ('{\n"schema_version": 1,\n"controls": [\n{"id": 3}]}', 3,
         "controls[0]: not a control (needs string 'id' and 'status')"),
    ],
)
def test_malformed_report_exits_2_with_file_and_line(
    tmp_path: Path, run: Callable[..., CliResult], text: str, line: int, message: str
) -> None:
    bad = write(tmp_path / "bad.json", text)
    with pytest.raises(ConfigError) as exc:
        load_report(bad)
    assert (exc.value.file, exc.value.line, exc.value.message) == (str(bad), line, message)
    res = run(FLAWED, bad)
    assert res.code == ExitCode.BAD_INPUT == 2
    assert res.err == f"error: {bad}:{line}: {message}\n"
    assert res.out == ""


def test_missing_file_exits_2(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    res = run(tmp_path / "nope.json", FLAWED)
    assert (res.code, res.err) == (2, f"error: {tmp_path / 'nope.json'}: cannot read report: no such file\n")
    res = run(FLAWED, tmp_path)
    assert (res.code, res.err) == (2, f"error: {tmp_path}: is a folder without a report.json\n")


def test_unknown_format_exits_2(run: Callable[..., CliResult]) -> None:
    res = run(FLAWED, HARDENED, "--format", "markdwn")
    assert (res.code, res.err) == (2, "error: --format: unknown diff format 'markdwn'\n  hint: did you mean 'markdown'?\n")


def _wired() -> bool:
    command = typer.main.get_command(cli.app)
    return "diff" in getattr(command, "commands", {})


@pytest.mark.skipif(not _wired(), reason="`diff` is not registered in productready.cli yet")
def test_productready_cli_runs_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "bad.json", '{\n  "schema_version": 1,\n  oops\n}')
    with pytest.raises(SystemExit) as exc:
        cli.main(["diff", str(FLAWED), str(bad)])
    assert exc.value.code == 2
    assert capsys.readouterr().err == (
        f"error: {bad}:3: not valid JSON: Expecting property name enclosed in double quotes (column 3)\n")
    with pytest.raises(SystemExit) as exc:
        cli.main(["diff", str(FLAWED), str(HARDENED), "--format", "markdown"])
    assert exc.value.code == 0
    assert "| iso27001-2022:A.8.28 | fail → pass | Secure coding |" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        cli.main(["diff", str(HARDENED), str(FLAWED), "--fail-on-regression"])
    assert exc.value.code == 1


# ---------------------------------------------------------------- untrusted text, Markdown, JSON


HOSTILE = "<img src=x onerror=alert(1)> | `rm -rf /` @admin [b]x[/b] \x1b[2J\u202eevil\nnext"


def _hostile_pair() -> tuple[Report, Report]:
    old = read(HARDENED)
    new = copy.deepcopy(old)
    new["findings"] = [_finding("2" * 20, "medium", HOSTILE, "app/a|b`.py", 4)]
    return old, new


def test_markdown_escapes_untrusted_text() -> None:
    md = render_markdown(compare(*_hostile_pair(), "old.json", "new.json"))
    assert (
        "| medium | `bandit:B602` | ``app/a\\|b`.py:4`` | \\<img src=x onerror=alert(1)\\> \\| \\`rm -rf /\\` "
        "@\u200badmin \\[b\\]x\\[/b\\] \\[2Jevil next |"
    ) in md.splitlines()
    row = next(line for line in md.splitlines() if "bandit:B602" in line)
    title = row.removeprefix("| medium | `bandit:B602` | ``app/a\\|b`.py:4`` | ").removesuffix(" |")
    assert title != row and re.search(r"(?<!\\)[<>|`\[\]]", title) is None  # every one escaped
    assert "\x1b" not in md and "\u202e" not in md


def test_terminal_shows_untrusted_text_literally(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    old, new = _hostile_pair()
    res = run(write(tmp_path / "old.json", old), write(tmp_path / "new.json", new))
    assert "\x1b" not in res.out and "\u202e" not in res.out
    row = next(line for line in res.out.splitlines() if "bandit:B602" in line)
    assert row.startswith("    + medium   bandit:B602  app/a|b`.py:4  <img src=x onerror=alert(1)> | `rm -rf /` "
                          "@admin [b]x[/b] \\x1b[2J\\u202eevil")


def test_markdown_is_truncated_under_the_limit() -> None:
    old = read(HARDENED)
    new = copy.deepcopy(old)
    new["findings"] = [_finding(f"{i:020x}", "high", "x" * 150, f"app/m{i}.py", i) for i in range(1, 2001)]
    diff = compare(old, new)
    md = render_markdown(diff)
    notice = MD_TRUNCATION_NOTICE.format(limit=65_000)
    assert len(md) <= 65_000
    assert md.endswith(notice)
    assert "\n… and 1800 more\n" in md  # 200 rows per list is the first step that fits
    assert "### Findings: 2000 new, 0 resolved" in md
    tiny = render_markdown(diff, limit=1_500)
    assert len(tiny) <= 1_500 and tiny.endswith(MD_TRUNCATION_NOTICE.format(limit=1_500))
    assert notice not in render_markdown(diff_files(FLAWED, HARDENED))


def test_json_is_canonical_and_complete(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    out = tmp_path / "sub" / "diff.json"
    res = run(FLAWED, HARDENED, "--format", "json", "--output", out)
    assert (res.code, res.out) == (0, "")
    text = out.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == canonical_json(data)
    assert (data["kind"], data["diff_version"], data["has_changes"], data["regressions"]) == (
        "productready-diff", 1, True, [])
    a828 = next(c for c in data["controls"] if c["id"] == "iso27001-2022:A.8.28")
    assert (a828["old_status"], a828["new_status"], a828["group"]) == ("fail", "pass", "newly_passing")
    assert {s["catalog"]: s["changed"] for s in data["scores"]} == dict.fromkeys(FRAMEWORKS, True)
    assert data["waivers"]["recorded"] is True
    hostile = render_json(compare(*_hostile_pair()))
    assert "\\u001b[2J\\u202eevil" in hostile and "\x1b" not in hostile
    assert json.loads(hostile)["new_findings"][0]["title"] == HOSTILE


def test_text_output_to_a_file_has_no_colour(tmp_path: Path, run: Callable[..., CliResult]) -> None:
    out = tmp_path / "diff.txt"
    assert run(FLAWED, HARDENED, "-o", out).code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("productready diff\n") and "\x1b" not in text
    assert "    iso27001-2022:A.8.28 fail → pass  Secure coding\n" in text


# ---------------------------------------------------------------- the real thing


@pytest.mark.slow
def test_real_scans_of_the_twins(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Scan both example twins for real, diff them, and keep the trimmed fixtures up to date."""
    reports: dict[str, Path] = {}
    for name in ("agrimarket-flawed", "agrimarket-hardened"):
        out = tmp_path / name
        with pytest.raises(SystemExit):
            cli.main(["scan", str(REPO_ROOT / "examples" / name), "-o", str(out), "-q"])
        reports[name] = out / "report.json"
    diff = diff_files(reports["agrimarket-flawed"], reports["agrimarket-hardened"])
    assert all(s.delta is not None and s.delta > 0 for s in diff.scores)
    assert {s.catalog for s in diff.scores} == set(FRAMEWORKS)
    assert "iso27001-2022:A.8.28" in {c.id for c in diff.group("newly_passing")}
    assert diff.new_findings == () and len(diff.resolved_findings) == len(read(reports["agrimarket-flawed"])["findings"])
    if request.config.getoption("--update-golden"):
        for name, target in (("agrimarket-flawed", FLAWED), ("agrimarket-hardened", HARDENED)):
            target.write_text(canonical_json(trim_report(read(reports[name]))), encoding="utf-8")
