"""The scan command end to end with the real bandit and semgrep: exit codes, determinism, safety."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from conftest import CLEAN_APP, REPO_ROOT, VULNERABLE_APP, CliResult, write_tree

Cli = Callable[..., CliResult]


def test_clean_repo_passes_gate_with_exit_0(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out, "--fail-on", "high")
    assert res.code == 0, res.err
    report = res.report(out)
    statuses = {s["scanner"]: s["status"] for s in report["scans"]}
    assert statuses == {"bandit": "ok", "semgrep": "ok", "checks": "ok", "secrets": "ok", "deps": "skipped"}
    assert [f for f in report["findings"] if f["scanner"] in ("bandit", "semgrep", "secrets")] == []
    assert report["gate"]["passed"] is True


def test_findings_at_threshold_fail_the_gate_with_exit_1(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", VULNERABLE_APP)
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out, "--fail-on", "high")
    assert res.code == 1, res.err
    report = res.report(out)
    shell = [f for f in report["findings"] if f["rule_id"] == "bandit:B602"]
    assert len(shell) == 1
    assert shell[0]["location"]["path"] == "app/main.py"
    assert shell[0]["location"]["line"] == 5
    assert shell[0]["cwe"] == [78]
    assert shell[0]["fingerprint"] in report["gate"]["blocking"]
    assert "Verdict: NOT READY  (profile developer, blocking at 'high')" in res.err
    assert re.search(r"✗ \d+ new finding\(s\) at or above 'high'", res.err)


def test_without_fail_on_findings_do_not_fail_the_gate(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", VULNERABLE_APP)
    res = cli("scan", repo, "-o", tmp_path / "out")
    assert res.code == 0, res.err
    assert "Verdict: NOT READY" in res.err and "the gate passes (exit 0)" in res.err
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["gate"]["passed"] is True and report["gate"]["verdict"] == "not_ready"
    assert any("report only: no --fail-on gate" in b for b in report["gate"]["blockers"])
    assert (tmp_path / "out" / "report.json").stat().st_mode & 0o044  # readable like any other file


def test_report_validates_against_published_schema(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {**VULNERABLE_APP, "broken.py": "def (:\n"})
    out = tmp_path / "out"
    cli("scan", repo, "-o", out, "--timestamp")
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads((out / "report.json").read_text()), schema)


def test_two_runs_are_byte_identical(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", VULNERABLE_APP)
    a, b = tmp_path / "a", tmp_path / "b"
    cli("scan", repo, "-o", a)
    cli("scan", repo, "-o", b)
    first = (a / "report.json").read_bytes()
    assert first == (b / "report.json").read_bytes()
    assert b'"generated_at": null' in first
    assert b'"started":' not in first  # no clock without --timestamp


def test_source_date_epoch_sets_the_recorded_time(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cli("scan", repo, "-o", tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["generated_at"] == "2023-11-14T22:13:20Z"


def test_scanners_run_concurrently(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", VULNERABLE_APP)
    out = tmp_path / "out"
    cli("scan", repo, "-o", out, "--timestamp")
    scans = {s["scanner"]: s for s in json.loads((out / "report.json").read_text())["scans"]}
    bandit, semgrep = scans["bandit"], scans["semgrep"]
    assert bandit["started"] < semgrep["finished"] and semgrep["started"] < bandit["finished"]


def test_unparseable_python_file_makes_scan_partial_and_exit_3(cli: Cli, tmp_path: Path) -> None:
    broken = "import os\n\ndef (:\n    os.system(cmd)\n"
    repo = write_tree(tmp_path / "repo", {**CLEAN_APP, "legacy/old.py": broken})
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out)
    assert res.code == 3, res.err
    scans = {s["scanner"]: s for s in res.report(out)["scans"]}
    assert scans["bandit"]["status"] == "partial"
    assert {"path": "legacy/old.py", "reason": "bandit: syntax error while parsing AST from file"} in scans[
        "bandit"
    ]["skipped"]
    assert scans["semgrep"]["status"] == "partial"
    assert any(s["path"] == "legacy/old.py" for s in scans["semgrep"]["skipped"])
    assert "Scan incomplete" in res.err


def test_scanner_not_required_does_not_make_exit_3(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "repo",
        {**CLEAN_APP, "legacy/old.py": "print 'python 2'\n", "productready.yaml": "required_scanners: []\n"},
    )
    res = cli("scan", repo, "-o", tmp_path / "out")
    assert res.code == 0, res.err


def test_symlink_to_file_outside_root_is_not_read(cli: Cli, tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"secret_tool.py": "import os\nos.system(input())\n"})
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    (repo / "linked.py").symlink_to(outside / "secret_tool.py")
    (repo / "linkdir").symlink_to(outside, target_is_directory=True)
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out)
    report = res.report(out)
    assert [f for f in report["findings"] if f["scanner"] in ("bandit", "semgrep", "secrets")] == []
    assert not [f for f in report["findings"] if f["location"]["path"].startswith(("linked", "linkdir"))]
    skipped = {s["path"]: s["reason"] for s in report["target"]["skipped"]}
    assert skipped["linked.py"] == "symlink points outside the repository; not followed"
    assert skipped["linkdir"] == "symlink points outside the repository; not followed"
    assert "secret_tool" not in (out / "report.json").read_text()


def test_path_with_spaces_and_non_ascii_names(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "mi repo ñandú", {"módulo de pago.py": VULNERABLE_APP["app/main.py"]})
    out = tmp_path / "salida con espacio"
    res = cli("scan", repo, "-o", out, "--fail-on", "high")
    assert res.code == 1, res.err
    report = res.report(out)
    assert report["target"]["name"] == "mi repo ñandú"
    assert [f["location"]["path"] for f in report["findings"] if f["rule_id"] == "bandit:B602"] == ["módulo de pago.py"]
    assert {s["scanner"]: s["status"] for s in report["scans"] if s["scanner"] in ("bandit", "semgrep")} == {
        "bandit": "ok", "semgrep": "ok"
    }


def test_malformed_config_exits_2_with_file_and_line(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "repo", {**CLEAN_APP, "productready.yaml": "exclude:\n  - docs/\nfail_onn: high\n"}
    )
    res = cli("scan", repo, "-o", tmp_path / "out")
    assert res.code == 2
    assert res.err == "error: productready.yaml:3: unknown key 'fail_onn'\n  hint: did you mean 'fail_on'?\n"
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_bad_enum_value_in_config_exits_2_with_hint(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {**CLEAN_APP, "productready.yaml": "# gate\nfail_on: hihg\n"})
    res = cli("scan", repo, "-o", tmp_path / "out")
    assert res.code == 2
    assert res.err.startswith("error: productready.yaml:2: 'fail_on': input should be 'critical', 'high'")
    assert "hint: did you mean 'high'?" in res.err


def test_config_in_pyproject_is_read_with_line_numbers(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(
        tmp_path / "repo",
        {**CLEAN_APP, "pyproject.toml": '[project]\nname = "x"\n\n[tool.productready]\nexclude = []\ntimeout = 0\n'},
    )
    res = cli("scan", repo, "-o", tmp_path / "out")
    assert res.code == 2
    assert res.err.startswith("error: pyproject.toml:6: 'timeout': input should be greater than or equal to 1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "jsn"], "error: --format: unknown format 'jsn'\n  hint: did you mean 'json'?\n"),
        (["--scanner", "bandti"], "error: --scanner: unknown scanner 'bandti'\n  hint: did you mean 'bandit'?\n"),
        (["--fail-on", "hgh"], "error: --fail-on: unknown severity 'hgh'\n  hint: did you mean 'high'?\n"),
    ],
)
def test_usage_errors_exit_2(cli: Cli, tmp_path: Path, args: list[str], message: str) -> None:
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    res = cli("scan", repo, "-o", tmp_path / "out", *args)
    assert res.code == 2
    assert res.err == message


def test_missing_target_exits_2(cli: Cli, tmp_path: Path) -> None:
    res = cli("scan", tmp_path / "nope")
    assert res.code == 2
    assert "does not exist" in res.err


def test_skip_scanner_is_recorded_and_not_required(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out, "--skip-scanner", "semgrep")
    assert res.code == 0, res.err
    scans = {s["scanner"]: s for s in res.report(out)["scans"]}
    assert scans["semgrep"]["status"] == "skipped"
    assert scans["semgrep"]["reason"] == "not selected for this scan"


def test_repo_without_python_skips_bandit_as_not_applicable(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"README.md": "# hi\n"})
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out)
    assert res.code == 0, res.err
    bandit = next(s for s in res.report(out)["scans"] if s["scanner"] == "bandit")
    assert (bandit["status"], bandit["applicable"], bandit["reason"]) == ("skipped", False, "no Python files to scan")


def test_internal_error_exits_4_without_traceback(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import productready.cli as cli_module

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cli_module, "run", boom)
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    res = cli("scan", repo, "-o", tmp_path / "out")
    assert res.code == 4
    assert "internal error: RuntimeError: kaboom" in res.err
    assert "Traceback" not in res.err
    res = cli("scan", repo, "-o", tmp_path / "out", "--debug")
    assert res.code == 4
    assert "Traceback" in res.err


def test_version_lists_scanner_versions(cli: Cli) -> None:
    res = cli("version")
    assert res.code == 0
    assert res.out.startswith("productready 0.1.0\n")
    lines = dict(line.split(": ", 1) for line in res.out.splitlines()[2:])
    assert lines["bandit"][0].isdigit() and lines["semgrep"][0].isdigit()


def test_list_scanners_and_formats_come_from_registries(cli: Cli) -> None:
    from productready.formats import FORMATS
    from productready.scanners import SCANNERS

    res = cli("list", "scanners")
    assert [ln.split()[0] for ln in res.out.splitlines()] == list(SCANNERS)
    res = cli("list", "formats")
    assert [ln.split()[0] for ln in res.out.splitlines()] == list(FORMATS)


def test_validate_reports_every_config_error(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"productready.yaml": "fail_on: loud\njobz: 2\n"})
    res = cli("validate", repo)
    assert res.code == 2
    assert "productready.yaml:1: 'fail_on': input should be" in res.err
    assert "productready.yaml:2: unknown key 'jobz'\n  hint: did you mean 'jobs'?" in res.err
    good = write_tree(tmp_path / "good", {"productready.yaml": "fail_on: high\n"})
    res = cli("validate", good)
    assert res.code == 0, res.err
    assert res.out.startswith("ok: ")


def test_template_dir_restyles_markdown(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    hub = write_tree(tmp_path / "hub", {"report.md.j2": "# Hub review of {{ target.name }}\n"})
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out, "--scanner", "bandit", "--format", "markdown", "--template-dir", hub)
    assert res.code == 0, res.err
    assert (out / "report.md").read_text() == "# Hub review of repo\n"
    res = cli("scan", repo, "-o", out, "--scanner", "bandit", "--format", "markdown", "--template-dir", tmp_path / "nope")
    assert res.code == 2 and "--template-dir" in res.err


def test_oversized_source_file_makes_its_controls_inconclusive(cli: Cli, tmp_path: Path) -> None:
    big = "x = 1\n" * 200
    repo = write_tree(tmp_path / "repo", {**CLEAN_APP, "huge.py": big, "productready.yaml": "max_file_size: 1000\n"})
    out = tmp_path / "out"
    cli("scan", repo, "-o", out, "--scanner", "bandit")
    report = json.loads((out / "report.json").read_text())
    assert {"path": "huge.py", "reason": "larger than 1000 bytes"} in report["target"]["skipped"]
    bandit = next(s for s in report["scans"] if s["scanner"] == "bandit")
    assert set(bandit["coverage"].values()) == {"incomplete"}
    assert {c["id"]: c["status"] for c in report["controls"]}["iso27001-2022:A.8.28"] == "inconclusive"


def test_non_utf8_file_name_is_skipped_not_a_crash(cli: Cli, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", CLEAN_APP)
    (repo / "app").joinpath(b"bad\xffname.py".decode("utf-8", "surrogateescape")).write_text("import os\nos.system(x)\n")
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out, "--scanner", "bandit")
    assert res.code == 0, res.err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {"path": "app/bad\\xffname.py", "reason": "file name is not valid UTF-8; not scanned"} in report["target"]["skipped"]
    assert {c["id"]: c["status"] for c in report["controls"]}["iso27001-2022:A.8.28"] == "inconclusive"
