"""Control evaluation follows the fail-closed rules, and derivation follows the typed edges."""

from __future__ import annotations

from conftest import write_tree
from productready.controls import Catalog, ControlResult, EvaluationSettings, evaluate, readiness
from productready.crosswalk import Edge, derive
from productready.inventory import collect
from productready.models import (
    Basis,
    Confidence,
    ControlStatus,
    Coverage,
    Finding,
    Location,
    ScanResult,
    ScanStatus,
    Severity,
)
from productready.schemas import CatalogSpec
from productready.yamlio import LineMap


def _catalog(controls: list[dict]) -> Catalog:  # type: ignore[type-arg]
    spec = CatalogSpec.model_validate(
        {"schema_version": 1, "id": "t", "name": "T", "version": "1", "framework": "T",
         "source": {"publisher": "p", "licence_note": "n"}, "controls": controls}
    )
    return Catalog(spec, "t.yaml", LineMap("t.yaml"))


def _finding(rule: str, cwe: tuple[int, ...] = ()) -> Finding:
    return Finding(rule.split(":")[0], rule, Severity.HIGH, Confidence.HIGH, "t", "m", Location("a.py", 1), cwe, fingerprint=rule)


def _scan(name: str, cov: dict[str, Coverage]) -> ScanResult:
    return ScanResult(name, ScanStatus.OK, coverage=tuple(sorted(cov.items())))


CONTROLS = [
    {"id": "sql", "title": "t", "evidence": ["rule:bandit:B608"]},
    {"id": "code", "title": "t", "evidence": ["rule:bandit:B608", "rule:bandit:B101"]},
    {"id": "cwe", "title": "t", "evidence": ["tag:cwe-89"]},
    {"id": "attest", "title": "t", "attest_only_reason": "people"},
    {"id": "l3", "title": "t", "level": 3, "evidence": ["scanner:bandit"]},
    {"id": "tf", "title": "t", "applies_when": ["has_terraform"], "evidence": ["scanner:checks"]},
]


def _run(tmp_path, findings, coverage):  # type: ignore[no-untyped-def]
    inv = collect(write_tree(tmp_path, {"a.py": "x = 1\n"}))
    res = evaluate([_catalog(CONTROLS)], [_scan("bandit", coverage)], findings, inv, EvaluationSettings(asvs_level=2))
    return {r.control_id: r for r in res}


def test_finding_fails_the_controls_that_select_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _run(tmp_path, [_finding("bandit:B608", (89,))], {"bandit:B608": Coverage.EVALUATED})
    assert (r["sql"].status, r["sql"].basis, r["sql"].findings) == (ControlStatus.FAIL, Basis.AUTOMATED, ("bandit:B608",))
    assert r["code"].status is ControlStatus.FAIL
    assert r["cwe"].status is ControlStatus.FAIL  # matched by the finding's CWE tag


def test_cwe_tag_needs_every_rule_that_can_emit_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _run(tmp_path, [], {"bandit:B608": Coverage.EVALUATED})
    # semgrep's SQL rules and bandit's B610/B611 also emit CWE-89 but did not report coverage
    assert r["cwe"].status is ControlStatus.INCONCLUSIVE
    assert "bandit:B610" in r["cwe"].incomplete_rules


def test_clean_evaluated_rules_pass(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _run(tmp_path, [], {"bandit:B608": Coverage.EVALUATED, "bandit:B101": Coverage.EVALUATED})
    assert r["sql"].status is ControlStatus.PASS and r["sql"].evaluated_rules == ("bandit:B608",)


def test_incomplete_evidence_is_inconclusive_never_pass(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _run(tmp_path, [], {"bandit:B608": Coverage.INCOMPLETE})
    assert r["sql"].status is ControlStatus.INCONCLUSIVE
    assert r["sql"].incomplete_rules == ("bandit:B608",)


def test_missing_coverage_counts_as_incomplete(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _run(tmp_path, [], {})
    assert r["sql"].status is ControlStatus.INCONCLUSIVE


def test_nothing_to_look_at_is_manual_not_pass(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _run(tmp_path, [], {"bandit:B608": Coverage.NO_INPUT})
    assert r["sql"].status is ControlStatus.MANUAL and r["sql"].basis is Basis.NONE


def test_attest_only_level_and_applicability(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _run(tmp_path, [], {"bandit:B608": Coverage.EVALUATED})
    assert r["attest"].status is ControlStatus.MANUAL and "people" in r["attest"].reason
    assert r["l3"].status is ControlStatus.NOT_APPLICABLE and "level 3" in r["l3"].reason
    assert r["tf"].status is ControlStatus.NOT_APPLICABLE and "no Terraform" in r["tf"].reason


def test_readiness_formula_excludes_not_applicable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cat = _catalog(CONTROLS)
    r = _run(tmp_path, [], {"bandit:B608": Coverage.EVALUATED, "bandit:B101": Coverage.EVALUATED})
    [rd] = readiness([cat], list(r.values()))
    assert (rd.passed, rd.denominator, rd.not_applicable) == (2, 4, 2)
    assert rd.formula == "pass / (controls - not_applicable) = 2 / (6 - 2) = 50.0%"


def _result(key: str, status: ControlStatus, basis: Basis) -> ControlResult:
    cat, cid = key.split(":")
    return ControlResult(cat, cid, "t", status, basis, "r")


def test_derivation_follows_edge_types() -> None:
    results = [
        _result("a:fail", ControlStatus.FAIL, Basis.AUTOMATED),
        _result("a:autopass", ControlStatus.PASS, Basis.AUTOMATED),
        _result("a:attested", ControlStatus.PASS, Basis.ATTESTED),
        _result("b:from-subset-fail", ControlStatus.MANUAL, Basis.NONE),
        _result("b:from-superset-fail", ControlStatus.MANUAL, Basis.NONE),
        _result("b:from-auto-superset-pass", ControlStatus.MANUAL, Basis.NONE),
        _result("b:from-attested-superset-pass", ControlStatus.MANUAL, Basis.NONE),
        _result("b:from-equal-pass", ControlStatus.MANUAL, Basis.NONE),
        _result("b:intersect", ControlStatus.MANUAL, Basis.NONE),
        _result("b:direct", ControlStatus.PASS, Basis.AUTOMATED),
    ]
    edges = [
        Edge("a:fail", "b:from-subset-fail", "subset", "", "x"),
        Edge("a:fail", "b:from-superset-fail", "superset", "", "x"),
        Edge("a:autopass", "b:from-auto-superset-pass", "superset", "", "x"),
        Edge("a:attested", "b:from-attested-superset-pass", "superset", "", "x"),
        Edge("a:autopass", "b:from-equal-pass", "equal", "", "x"),
        Edge("a:fail", "b:intersect", "intersect", "", "x"),
        Edge("a:fail", "b:direct", "equal", "", "x"),
    ]
    out = {r.key: r for r in derive(results, edges)}
    assert out["b:from-subset-fail"].status is ControlStatus.FAIL
    assert out["b:from-subset-fail"].basis is Basis.DERIVED
    assert out["b:from-subset-fail"].derived_from == ("a:fail (subset of b:from-subset-fail: fail)",)
    assert out["b:from-superset-fail"].status is ControlStatus.MANUAL
    assert out["b:from-auto-superset-pass"].status is ControlStatus.MANUAL
    assert out["b:from-attested-superset-pass"].status is ControlStatus.PASS
    assert out["b:from-equal-pass"].status is ControlStatus.PASS
    assert out["b:intersect"].status is ControlStatus.MANUAL and out["b:intersect"].related
    assert out["b:direct"].status is ControlStatus.PASS and out["b:direct"].basis is Basis.AUTOMATED


def test_derivation_runs_backwards_with_inverted_relation() -> None:
    results = [_result("a:x", ControlStatus.MANUAL, Basis.NONE), _result("b:y", ControlStatus.FAIL, Basis.AUTOMATED)]
    # a superset of b: b (narrower) failing means a fails too
    out = {r.key: r for r in derive(results, [Edge("a:x", "b:y", "superset", "", "x")])}
    assert out["a:x"].status is ControlStatus.FAIL


def test_derived_statuses_are_not_chained() -> None:
    results = [
        _result("a:x", ControlStatus.FAIL, Basis.AUTOMATED),
        _result("b:y", ControlStatus.MANUAL, Basis.NONE),
        _result("c:z", ControlStatus.MANUAL, Basis.NONE),
    ]
    edges = [Edge("a:x", "b:y", "equal", "", "x"), Edge("b:y", "c:z", "equal", "", "x")]
    out = {r.key: r for r in derive(results, edges)}
    assert out["b:y"].status is ControlStatus.FAIL and out["c:z"].status is ControlStatus.MANUAL
