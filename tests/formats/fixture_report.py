"""Synthetic, hand-built Reports for format tests and goldens (stable: no scanners, no clock).

``synthetic_report()`` covers every control status (pass, fail, inconclusive, manual,
not_applicable), every basis (automated, attested, derived, none), every scan status (ok, partial,
failed, skipped), every finding severity, and carries hostile repository text (HTML, Markdown,
script-breaking sequences) in paths, messages, titles and snippets.

Shared by the format helpers: add new functions, never change existing ones.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from productready.controls import ControlResult, Readiness
from productready.models import (
    Basis,
    Confidence,
    ControlStatus,
    Coverage,
    Finding,
    GateResult,
    Inventory,
    InventoryFile,
    Location,
    Report,
    ScanResult,
    ScanStatus,
    Severity,
    SkippedItem,
)

HOSTILE_PATH = "app/<img src=x onerror=alert(1)>.py"
HOSTILE_MESSAGE = (
    'Call to <script>alert("x")</script> with shell=True | pipe `tick` '
    "[click](javascript:alert(1)) <b onmouseover=alert(1)>bold</b> \u2028 & done"
)

CATALOGS: dict[str, tuple[str, str]] = {  # catalog id → (name, framework)
    "iso27001-2022": ("ISO/IEC 27001:2022 Annex A", "ISO 27001"),
    "soc2-2017": ("SOC 2 Trust Services Criteria (2017, points of focus rev. 2022)", "SOC 2"),
    "asvs-5.0.0": ("OWASP ASVS 5.0.0", "OWASP ASVS"),
}


def _finding(
    scanner: str, native: str, sev: Severity, path: str, line: int, title: str, message: str,
    *, snippet: str = "", cwe: tuple[int, ...] = (), fp: str, end_line: int = 0, remediation: str = "",
    help_url: str = "", conf: Confidence = Confidence.HIGH,
) -> Finding:
    return Finding(
        scanner=scanner, rule_id=f"{scanner}:{native}", severity=sev, confidence=conf, title=title, message=message,
        location=Location(path, line, end_line), cwe=cwe, snippet=snippet, remediation=remediation,
        help_url=help_url, fingerprint=fp,
    )


def synthetic_findings() -> tuple[Finding, ...]:
    findings = [
        _finding(
            "bandit", "B602", Severity.HIGH, HOSTILE_PATH, 5, "subprocess call with shell=True", HOSTILE_MESSAGE,
            snippet='    return subprocess.call(cmd, shell=True)  # </script><script>alert(1)</script>\n    # next line',
            cwe=(78,), fp="f0000000000000000001", remediation="Pass a list of arguments and shell=False.",
            help_url="https://bandit.readthedocs.io/en/latest/plugins/b602_subprocess_popen_with_shell_equals_true.html",
        ),
        _finding(
            "semgrep", "python.lang.security.audit.formatted-sql-query", Severity.CRITICAL, "app/listings.py", 42,
            "SQL built from user input", "SQL query built with an f-string from request.args['q']",
            snippet='    sql = f"SELECT * FROM listings WHERE name LIKE \'%{q}%\'"\n    cur.execute(sql)\n    return cur.fetchall()',
            cwe=(89,), fp="f0000000000000000002", end_line=43, remediation="Use bound parameters.",
        ),
        _finding(
            "checks", "secrets.private-key", Severity.CRITICAL, "deploy/id_rsa", 1, "Private key in the repository",
            "A private key is committed", snippet="-----BEGIN RSA PRIVATE KEY-----****", cwe=(321,),
            fp="f0000000000000000003",
        ),
        _finding(
            "pip-audit", "PYSEC-2023-0001", Severity.MEDIUM, "requirements.txt", 3, "flask 2.0.1: PYSEC-2023-0001",
            "flask 2.0.1 has a known vulnerability; fixed in 2.2.5", snippet="flask==2.0.1", cwe=(1395,),
            fp="f0000000000000000004", remediation="Upgrade flask to 2.2.5 or later.",
        ),
        _finding(
            "checks", "containers.user-root", Severity.LOW, "Dockerfile", 0, "Container runs as root",
            "# The image has no USER instruction\n## so it runs as root", fp="f0000000000000000005",
            conf=Confidence.MEDIUM,
        ),
        _finding(
            "checks", "hygiene.security-md", Severity.INFO, "", 0, "No SECURITY.md",
            "The repository has no security policy | contact", fp="f0000000000000000006", conf=Confidence.LOW,
        ),
    ]
    return tuple(sorted(findings, key=Finding.sort_key))


def synthetic_scans(findings: tuple[Finding, ...]) -> tuple[ScanResult, ...]:
    def of(name: str) -> tuple[Finding, ...]:
        return tuple(f for f in findings if f.scanner == name)

    return (
        ScanResult(
            "bandit", ScanStatus.OK, version="1.7.9", argv=("bandit", "-r", "."), files_scanned=12,
            findings=of("bandit"), required=True,
            coverage=(("bandit:B602", Coverage.EVALUATED), ("bandit:B105", Coverage.EVALUATED)),
        ),
        ScanResult(
            "semgrep", ScanStatus.PARTIAL, reason="2 file(s) could not be parsed", version="1.80.0",
            files_scanned=10, required=True, findings=of("semgrep"),
            skipped=(SkippedItem("app/broken.py", "syntax error at line 3"), SkippedItem(HOSTILE_PATH, "timeout")),
            coverage=(("semgrep:python.lang.security.audit.formatted-sql-query", Coverage.INCOMPLETE),),
        ),
        ScanResult(
            "pip-audit", ScanStatus.FAILED, reason="could not reach the vulnerability service <https://osv.dev>",
            version="2.7.3", required=True, findings=of("pip-audit"),
            coverage=(("pip-audit:vulns", Coverage.INCOMPLETE),),
        ),
        ScanResult(
            "checks", ScanStatus.OK, version="0.1.0", files_scanned=30, findings=of("checks"), required=True,
            coverage=(("checks:secrets.private-key", Coverage.EVALUATED),),
        ),
        ScanResult(
            "trivy", ScanStatus.SKIPPED, reason="no container images to scan", applicable=False, required=False,
        ),
    )


def synthetic_controls() -> tuple[ControlResult, ...]:
    C, S, B = ControlResult, ControlStatus, Basis
    return (
        C("iso27001-2022", "A.5.1", "Policies for information security", S.MANUAL, B.NONE,
          "needs an attestation: policies are documents", has_automated_evidence=False),
        C("iso27001-2022", "A.8.8", "Management of technical vulnerabilities", S.INCONCLUSIVE, B.AUTOMATED,
          "evidence incomplete: 1 rule(s) from pip-audit could not look at everything",
          incomplete_rules=("pip-audit:vulns",), has_automated_evidence=True),
        C("iso27001-2022", "A.8.9", "Configuration management", S.FAIL, B.AUTOMATED,
          "1 finding(s) from checks:containers.user-root", findings=("f0000000000000000005",),
          evaluated_rules=("checks:containers.user-root",), has_automated_evidence=True),
        C("iso27001-2022", "A.8.28", "Secure coding", S.FAIL, B.AUTOMATED,
          "3 finding(s) from bandit:B602, checks:secrets.private-key, semgrep:python.lang.security.audit.formatted-sql-query",
          findings=("f0000000000000000001", "f0000000000000000002", "f0000000000000000003"),
          evaluated_rules=("bandit:B602", "checks:secrets.private-key"),
          incomplete_rules=("semgrep:python.lang.security.audit.formatted-sql-query",), has_automated_evidence=True),
        C("iso27001-2022", "A.7.4", "Physical security monitoring", S.NOT_APPLICABLE, B.NONE,
          "excluded by profile hub-level-2: the product runs in a managed cloud"),
        C("soc2-2017", "CC1.1", "Integrity and ethical values", S.PASS, B.ATTESTED,
          "attested by cto@example.com on 2024-05-01 (expires 2025-05-01)"),
        C("soc2-2017", "CC6.1", "Logical access security", S.FAIL, B.DERIVED,
          "derived from iso27001-2022:A.8.28 (equal, fail)", derived_from=("iso27001-2022:A.8.28 (equal, fail)",),
          findings=("f0000000000000000001",), has_automated_evidence=True),
        C("soc2-2017", "CC7.1", "Detection and monitoring of vulnerabilities", S.PASS, B.AUTOMATED,
          "2 rule(s) from bandit, checks ran over the repository and found nothing",
          evaluated_rules=("bandit:B105", "checks:secrets.private-key"), has_automated_evidence=True),
        C("soc2-2017", "CC8.1", "Change management", S.PASS, B.DERIVED,
          "derived from iso27001-2022:A.8.32 (equal, pass)", derived_from=("iso27001-2022:A.8.32 (equal, pass)",),
          related=("iso27001-2022:A.8.9 fails (intersecting control): review",), has_automated_evidence=True),
        C("asvs-5.0.0", "V1.2.5", "The application protects against OS command injection", S.FAIL, B.AUTOMATED,
          "1 finding(s) from bandit:B602", findings=("f0000000000000000001",), evaluated_rules=("bandit:B602",),
          has_automated_evidence=True),
        C("asvs-5.0.0", "V1.2.4", "Parameterized queries protect against SQL injection", S.INCONCLUSIVE,
          B.AUTOMATED, "evidence incomplete: 1 rule(s) from semgrep could not look at everything",
          incomplete_rules=("semgrep:python.lang.security.audit.formatted-sql-query",), has_automated_evidence=True),
        C("asvs-5.0.0", "V3.4.1", "Strict-Transport-Security header", S.NOT_APPLICABLE, B.NONE,
          "ASVS level 2 requirement; the target is level 1"),
    )


def readiness_of(controls: tuple[ControlResult, ...]) -> tuple[Readiness, ...]:
    out = []
    for cat, (name, framework) in CATALOGS.items():
        rs = [c for c in controls if c.catalog == cat]
        applicable = [c for c in rs if c.status is not ControlStatus.NOT_APPLICABLE]

        def count(status: ControlStatus, basis: Basis | None = None, rs: list[ControlResult] = rs) -> int:
            return sum(1 for r in rs if r.status is status and (basis is None or r.basis is basis))

        out.append(
            Readiness(
                catalog=cat, name=name, framework=framework, total=len(rs),
                not_applicable=count(ControlStatus.NOT_APPLICABLE), passed=count(ControlStatus.PASS),
                passed_automated=count(ControlStatus.PASS, Basis.AUTOMATED),
                passed_attested=count(ControlStatus.PASS, Basis.ATTESTED),
                passed_derived=count(ControlStatus.PASS, Basis.DERIVED),
                failed=count(ControlStatus.FAIL), inconclusive=count(ControlStatus.INCONCLUSIVE),
                manual=count(ControlStatus.MANUAL),
                with_automated_evidence=sum(1 for r in applicable if r.has_automated_evidence),
                attest_only=sum(1 for r in applicable if not r.has_automated_evidence),
            )
        )
    return tuple(out)


def synthetic_inventory() -> Inventory:
    files = (
        InventoryFile("Dockerfile", 120, "", frozenset({"dockerfile"})),
        InventoryFile(HOSTILE_PATH, 80, "python"),
        InventoryFile("app/listings.py", 2048, "python"),
        InventoryFile("deploy/id_rsa", 1679, ""),
        InventoryFile("requirements.txt", 64, "", frozenset({"python-manifest"})),
    )
    return Inventory("demo-shop", files, (SkippedItem("assets/big.bin", "larger than 1 MiB"),), is_git=True)


def _gate(**kw: Any) -> GateResult:
    """A GateResult for whichever model is installed (``reasons`` became ``blockers`` with verdicts)."""
    names = {f.name for f in fields(GateResult)}
    if "reasons" not in names and "reasons" in kw:
        kw["blockers"] = kw.pop("reasons")
    return GateResult(**{k: v for k, v in kw.items() if k in names})


def synthetic_report() -> Report:
    findings = synthetic_findings()
    controls = synthetic_controls()
    gate = _gate(
        passed=False, fail_on="high", verdict="not_ready", profile="hub-level-2",
        blocking=("f0000000000000000001", "f0000000000000000002", "f0000000000000000003"),
        incomplete=("pip-audit", "semgrep"),
        reasons=(
            "required scanner 'pip-audit' is failed: could not reach the vulnerability service <https://osv.dev>",
            "required scanner 'semgrep' is partial: 2 file(s) could not be parsed",
            "3 finding(s) at or above severity 'high'",
        ),
        conditions=("2 control(s) inconclusive: their evidence is incomplete",),
    )
    return Report(
        schema_version=1, tool_version="0.1.0", target=synthetic_inventory(), scans=synthetic_scans(findings),
        findings=findings, gate=gate,
        settings={"profile": "hub-level-2", "fail_on": "high", "asvs_level": 1, "config_file": "productready.yaml"},
        controls=controls, readiness=readiness_of(controls), unmapped=("f0000000000000000006",),
        generated_at="2024-06-01T12:00:00Z",
    )


# ---------------------------------------------------------------- governance (not in Report yet)


@dataclass(frozen=True)
class GovernedReport(Report):
    """A Report with the governance fields a later issue adds (read defensively by renderers)."""

    verdict: Any = None
    waivers: tuple[Any, ...] = ()
    attestations: tuple[Any, ...] = ()
    suppressions: tuple[Any, ...] = ()


def governed_report() -> GovernedReport:
    base = synthetic_report()
    governance = ("verdict", "waivers", "attestations", "suppressions")
    fields = {k: getattr(base, k) for k in base.__dataclass_fields__ if k not in governance}
    return GovernedReport(
        **fields,
        verdict={"status": "not_ready", "blockers": ["3 blocking finding(s)", "required scanner pip-audit failed"]},
        waivers=(
            {"rule": "bandit:B105", "path": "tests/**", "reason": "test fixtures <b>only</b>", "owner": "dev@example.com",
             "expires": "2025-01-31", "state": "active"},
            {"fingerprint": "f0000000000000000004", "reason": "upgrade planned", "owner": "ops@example.com",
             "expires": "2024-01-01", "state": "expired"},
        ),
        attestations=(
            {"control": "soc2-2017:CC1.1", "statement": "Code of conduct signed by all staff", "owner": "cto@example.com",
             "date": "2024-05-01", "expires": "2025-05-01", "state": "valid",
             "evidence": [{"path": "docs/coc.pdf", "sha256": "ab" * 32}]},
        ),
        suppressions=(
            {"scanner": "bandit", "rule": "B101", "path": "app/<i>x</i>.py", "line": 9, "marker": "# nosec",
             "reason": ""},
        ),
    )


# ---------------------------------------------------------------- large reports (benchmarks, truncation)


def large_report(n_findings: int = 50_000) -> Report:
    """``synthetic_report()`` blown up to ``n_findings`` findings spread over its failing controls."""
    base = synthetic_report()
    template = base.findings
    sevs = list(Severity)
    findings = []
    for i in range(n_findings):
        t = template[i % len(template)]
        findings.append(
            replace(
                t, severity=sevs[i % len(sevs)], location=Location(f"src/module_{i // 50:04d}.py", 1 + i % 50),
                message=f"{t.message} #{i}", fingerprint=f"L{i:019d}",
            )
        )
    findings.sort(key=Finding.sort_key)
    fps = tuple(f.fingerprint for f in findings)
    controls = tuple(
        replace(c, findings=fps[k::4]) if c.status is ControlStatus.FAIL else c
        for k, c in enumerate(base.controls)
    )
    scans = tuple(
        replace(s, findings=tuple(f for f in findings if f.scanner == s.scanner)) for s in base.scans
    )
    blocking = tuple(f.fingerprint for f in findings if f.severity.rank >= Severity.HIGH.rank)
    return replace(
        base, findings=tuple(findings), controls=controls, scans=scans,
        gate=replace(base.gate, blocking=blocking), unmapped=(),
    )


# ---------------------------------------------------------------- hostile text (escaping tests)

NASTY_PATH = "<img src=x onerror=alert(1)>.py"
NASTY_MESSAGE = "end of CDATA ]]> then <![CDATA[ x ]]> & control \x00\x01\x08\x0b\x0c\x1b\x7f chars\r\nnext \ud800 line"


def nasty_report() -> Report:
    """``synthetic_report()`` whose bandit finding has a hostile path, a message with ``]]>``, CDATA,
    control characters, CR/LF and a lone surrogate, a formula-like title and snippet, and whose
    partial scanner gives a reason with control characters."""
    base = synthetic_report()
    first = next(f for f in base.findings if f.rule_id == "bandit:B602")
    nasty = replace(
        first,
        title="=HYPERLINK(\"http://evil.example\",\"click\")",
        message=NASTY_MESSAGE,
        snippet="+cmd|' /C calc'!A0\n\x1b[31mred\x1b[0m ]]>",
        remediation="@SUM(1+1) then -2+3",
        location=Location(NASTY_PATH, 3, 4, 7),
    )
    findings = tuple(sorted((nasty, *(f for f in base.findings if f is not first)), key=Finding.sort_key))
    scans = tuple(
        replace(s, reason="parse error \x07 at ]]> <b>x</b>", findings=tuple(f for f in findings if f.scanner == s.scanner))
        if s.status is ScanStatus.PARTIAL
        else replace(s, findings=tuple(f for f in findings if f.scanner == s.scanner))
        for s in base.scans
    )
    return replace(base, findings=findings, scans=scans)


# ---------------------------------------------------------------- governance with the real model classes


def policy_report() -> Report:
    """``synthetic_report()`` with a policy verdict, triage states, waivers, attestations and inline
    suppressions built from the pipeline's own classes (``triage`` / ``attestations``)."""
    from productready.attestations import AttestationResult
    from productready.triage import Suppression, WaiverResult

    base = synthetic_report()
    gate = replace(
        base.gate,
        verdict="not_ready",
        blockers=(
            *base.gate.reasons,
            "waiver W-2 (fingerprint f0000000000000000004) expired on 2024-01-01; owner ops@example.com",
            "inline suppression at app/<i>x</i>.py:9 (nosec) has no reason",
            "attestation A-2 for iso27001-2022:A.5.1: expired on 2024-04-01",
        ),
        conditions=("1 baselined finding(s) at or above 'high' remain to fix", "1 finding(s) waived"),
    )
    return replace(
        base,
        gate=gate,
        triage={"f0000000000000000004": "waived", "f0000000000000000005": "baselined", "f0000000000000000006": "suppressed"},
        waivers=(
            WaiverResult(
                id="W-1", status="active", reason="test fixtures <b>only</b>", owner="dev@example.com",
                expires="2025-01-31", scope="rule bandit:B105 in tests/**", matched=("f0000000000000000001",),
                expiring_soon=True,
            ),
            WaiverResult(
                id="W-2", status="expired", reason="upgrade planned", owner="ops@example.com", expires="2024-01-01",
                scope="fingerprint f0000000000000000004", matched=("f0000000000000000004",),
                problem="expired on 2024-01-01",
            ),
        ),
        suppressions=(
            Suppression(path="app/<i>x</i>.py", line=9, kind="nosec", rules=("B101",), reason="", accepted=False,
                        problem="has no reason"),
            Suppression(path="app/listings.py", line=12, kind="nosemgrep", rules=(), reason="reviewed | safe",
                        accepted=True),
        ),
        attestations=(
            AttestationResult(
                id="A-1", controls=("soc2-2017:CC1.1",), status="valid", reason="", owner="cto@example.com", role="CTO",
                date="2024-05-01", expires="2025-05-01", statement="Code of conduct signed by all staff",
            ),
            AttestationResult(
                id="A-2", controls=("iso27001-2022:A.5.1",), status="expired", reason="expired on 2024-04-01",
                owner="ciso@example.com", role="CISO", date="2023-04-01", expires="2024-04-01",
                statement="Policies approved by management <script>x</script>",
            ),
        ),
    )
