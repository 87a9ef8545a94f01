"""Every native check fires on its fail/ fixture and stays silent on its pass/ fixture.

Fixtures live in tests/fixtures/checks/<check-id>/{pass,fail}/. A check without both folders
fails this suite. A fixture may carry a productready.yaml (e.g. residency settings).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from productready import inventory
from productready.config import load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner

SCANNER = ChecksScanner()
CHECKS = SCANNER.checks()
FIXTURE_ROOT = FIXTURES / "checks"


def _scan(src: Path, tmp_path: Path, check_id: str) -> tuple[list[tuple[str, int, str]], Coverage, list[str]]:
    root = tmp_path / src.name
    shutil.copytree(src, root, symlinks=True)
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = SCANNER.run(ctx, only=[check_id])
    cov = dict(res.coverage)[f"checks:{check_id}"]
    hits = [(f.location.path, f.location.line, f.message) for f in res.findings]
    return hits, cov, [f"{s.path}: {s.reason}" for s in res.skipped]


@pytest.mark.parametrize("check", CHECKS, ids=[c.spec.id for c in CHECKS])
def test_check_fires_on_fail_fixture_and_not_on_pass(check: object, tmp_path: Path) -> None:
    check_id = check.spec.id  # type: ignore[attr-defined]
    base = FIXTURE_ROOT / check_id
    assert (base / "fail").is_dir() and (base / "pass").is_dir(), f"check {check_id} has no pass/ and fail/ fixtures"
    hits, cov, skipped = _scan(base / "fail", tmp_path / "f", check_id)
    assert hits, f"{check_id} did not fire on its fail fixture (coverage {cov}, skipped {skipped})"
    assert cov is Coverage.EVALUATED, skipped
    for path, line, message in hits:
        assert message
        assert path == "." or (base / "fail" / path).exists(), path
        assert path == "." or line > 0, f"{check_id}: finding in {path} has no line"
    hits, cov, skipped = _scan(base / "pass", tmp_path / "p", check_id)
    assert hits == [], f"{check_id} fired on its pass fixture"
    assert cov is Coverage.EVALUATED, f"{check_id}: pass fixture did not exercise the check ({cov}, {skipped})"


def test_no_orphan_fixture_folders() -> None:
    ids = {c.spec.id for c in CHECKS}
    orphans = sorted(p.name for p in FIXTURE_ROOT.iterdir() if p.is_dir() and p.name not in ids)
    assert orphans == []


def test_every_kind_is_used_by_a_check() -> None:
    from productready.checks import CHECK_KINDS

    used = {c.spec.kind for c in CHECKS}
    assert sorted(set(CHECK_KINDS) - used) == []
