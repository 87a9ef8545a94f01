"""The shipped catalogs against the reference data: complete, no extras, honest, linted."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT, CliResult

REF = REPO_ROOT / "tools" / "reference"
CONTROLS = REPO_ROOT / "controls"


def _catalog(cid: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((CONTROLS / f"{cid}.yaml").read_text(encoding="utf-8"))


def _csv(name: str) -> list[dict[str, str]]:
    with open(REF / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_iso_has_every_annex_a_control_and_no_more() -> None:
    ids = [c["id"] for c in _catalog("iso27001-2022")["controls"]]
    assert ids == [r["annex_ref"] for r in _csv("iso27001-2022_annex_a.csv")]
    themes = [c["attributes"]["theme"] for c in _catalog("iso27001-2022")["controls"]]
    assert (themes.count("Organizational"), themes.count("People"), themes.count("Physical"), themes.count("Technological")) == (37, 8, 14, 34)


def test_soc2_has_all_61_criteria() -> None:
    ids = [c["id"] for c in _catalog("soc2-2017")["controls"]]
    assert ids == [r["criterion_id"] for r in _csv("soc2-tsc-2017_criteria.csv")]
    assert len(ids) == 61 and sum(i.startswith("CC") for i in ids) == 33


def test_asvs_4_has_the_278_live_requirements_with_levels() -> None:
    rows = [r for r in _csv("asvs-4.0.3-en.csv") if not r["req_description"].startswith("[DELETED")]
    cat = _catalog("asvs-4.0.3")["controls"]
    assert [c["id"] for c in cat] == [r["req_id"] for r in rows]
    levels = [c["level"] for c in cat]
    assert (sum(lv <= 1 for lv in levels), sum(lv <= 2 for lv in levels), len(levels)) == (128, 259, 278)
    assert "V1.4.2" not in {c["id"] for c in cat}  # a deleted placeholder
    text = {c["id"]: c["text"] for c in cat}
    assert all(text[r["req_id"]] == r["req_description"] for r in rows)


def test_asvs_5_has_all_345_requirements_with_levels() -> None:
    rows = _csv("asvs-5.0.0-en.csv")
    cat = _catalog("asvs-5.0.0")["controls"]
    assert [c["id"] for c in cat] == [r["req_id"] for r in rows]
    levels = [c["level"] for c in cat]
    assert (sum(lv <= 1 for lv in levels), sum(lv <= 2 for lv in levels), len(levels)) == (70, 253, 345)


def test_clauses_catalog_has_the_assessable_clauses() -> None:
    rows = [r for r in _csv("iso27001-2022_clauses_4-10.csv") if r["assessable"] == "True"]
    assert [c["id"] for c in _catalog("iso27001-2022-clauses")["controls"]] == [f"C.{r['clause_id']}" for r in rows]


@pytest.mark.parametrize("cid", ["iso27001-2022", "soc2-2017", "iso27001-2022-clauses"])
def test_iso_and_soc2_summaries_are_our_own_one_liners(cid: str) -> None:
    controls = _catalog(cid)["controls"]
    summaries = [c.get("summary", "") for c in controls]
    assert all(20 < len(s) < 200 for s in summaries)
    assert len(set(summaries)) == len(summaries)
    for c in controls:
        assert c["summary"].lower().rstrip(".") != c["title"].lower()
        assert "text" not in c  # no standard text is carried for ISO or SOC 2


def test_asvs_attribution_is_carried_in_catalogs_and_readme() -> None:
    for cid, lic in (("asvs-4.0.3", "ShareAlike 3.0"), ("asvs-5.0.0", "ShareAlike 4.0")):
        src = _catalog(cid)["source"]
        assert "OWASP Foundation" in src["attribution"] and lic in src["attribution"]
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "OWASP Application Security Verification Standard" in readme and "CC BY-SA" in readme


def test_every_technological_and_cc6_to_cc8_control_has_evidence_or_a_reason() -> None:
    iso = [c for c in _catalog("iso27001-2022")["controls"] if c["id"].startswith("A.8.")]
    soc = [c for c in _catalog("soc2-2017")["controls"] if c["id"][:3] in ("CC6", "CC7", "CC8")]
    assert len(iso) == 34 and len(soc) == 14
    for c in iso + soc:
        assert c["evidence"] or c.get("pending_evidence") or c.get("attest_only_reason"), c["id"]


def test_generated_files_are_up_to_date() -> None:
    proc = subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "gen_catalogs.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_catalog_lint_passes_on_shipped_data(cli: Callable[..., CliResult]) -> None:
    res = cli("catalog", "lint")
    assert res.code == 0, res.err
    assert res.out == "ok: 5 catalog(s), 807 controls\n"


BAD_HEADER = """schema_version: 1
id: {id}
name: Test
version: "1"
framework: Test
source: {{publisher: us, licence_note: ours}}
controls:
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "  - id: T.1\n    title: Secure coding\n    evidence:\n      - scanner:bandit\n      - check:repo.security-polcy\n",
            "{f}:12: control 'T.1': unknown selector 'check:repo.security-polcy'\n  hint: did you mean 'check:repo.security-policy'?\n",
        ),
        (
            "  - id: T.1\n    title: One\n  - id: T.1\n    title: Two\n",
            "{f}:10: duplicate control id 'T.1' (first on line 8)\n",
        ),
        (
            "  - id: T.1\n    title: One\n    evidense: [scanner:bandit]\n",
            "{f}:10: unknown key 'evidense' in 'controls[0]'\n  hint: did you mean 'evidence'?\n",
        ),
        (
            "  - id: T.1\n    title: One\n    applies_when: [has_pyhton]\n",
            "{f}:10: control 'T.1': unknown applies_when condition 'has_pyhton'\n  hint: did you mean 'has_python'?\n",
        ),
    ],
    ids=["misspelt-selector", "duplicate-id", "unknown-key", "unknown-condition"],
)
def test_catalog_lint_rejects_bad_catalogs(
    cli: Callable[..., CliResult], tmp_path: Path, body: str, expected: str
) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(BAD_HEADER.format(id="bad") + body, encoding="utf-8")
    res = cli("catalog", "lint", f)
    assert res.code == 2
    assert res.err == expected.format(f=f)


def test_list_catalogs_and_checks(cli: Callable[..., CliResult]) -> None:
    res = cli("list", "catalogs")
    assert res.code == 0
    assert [ln.split()[:2] for ln in res.out.splitlines()] == [
        ["asvs-4.0.3", "278"], ["asvs-5.0.0", "345"], ["iso27001-2022", "93"], ["iso27001-2022-clauses", "30"], ["soc2-2017", "61"]
    ]
    res = cli("list", "checks")
    assert res.code == 0
    assert "repo.security-policy" in res.out and "medium" in res.out


def test_controls_show_and_list(cli: Callable[..., CliResult]) -> None:
    res = cli("controls", "show", "iso27001-2022:A.8.28")
    assert res.code == 0, res.err
    assert res.out.startswith("iso27001-2022:A.8.28  Secure coding\n")
    assert "  scanner:bandit\n" in res.out and "related controls:" in res.out
    res = cli("controls", "show", "iso27001-2022:A.8.99")
    assert res.code == 2
    res = cli("controls", "list", "--framework", "soc2")
    assert res.code == 0 and len(res.out.splitlines()) == 61
