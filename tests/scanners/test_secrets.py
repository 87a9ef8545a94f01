"""secrets scanner: real detection with detect-secrets' detectors, false-positive control, masking."""

from __future__ import annotations

import base64
import json
import random
import shutil
import string
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO_ROOT, CliResult, make_ctx, write_tree
from productready.masking import mask_secrets
from productready.models import Coverage, ScanStatus, Severity
from productready.scanners import SCANNERS
from productready.scanners import secrets as secrets_mod
from productready.scanners.secrets import RULES, SecretsScanner

SECRETS = FIXTURES / "secrets"
EXAMPLES = REPO_ROOT / "examples"

# (path, line, rule) for every finding expected from tests/fixtures/secrets/repo — and nothing else.
EXPECTED_REPO = [
    (".env", 2, "secrets:url-credentials"),
    (".env", 3, "secrets:keyword-password"),
    ("app/settings.py", 5, "secrets:keyword-secret"),
    ("app/settings.py", 6, "secrets:keyword-password"),
    ("app/settings.py", 7, "secrets:high-entropy-string"),
    ("deploy/k8s/deployment.yaml", 12, "secrets:keyword-password"),
    ("deploy/terraform/providers.tf", 3, "secrets:aws-access-key"),
    ("deploy/terraform/providers.tf", 4, "secrets:aws-secret-key"),
    ("docker-compose.yml", 5, "secrets:keyword-password"),
    ("keys/deploy.key", 1, "secrets:private-key"),
]

# Raw values in the fixture repo that must never appear in any output.
REPO_SECRETS = [
    "q7Lx-prod-4c1e9b2a77d04f3e8a6b5c2d1e0f9a8b", "Orchard-Gate-4417", "Zk8rT2vQm9Xw4Lp7Nb3Hc6Jd1Gs5Ye0Ua8Ri2Ko4Wt",
    "Plum-Harbour-2291", "Walnut-Creek-7734", "AKIAZ4QW7RTY2UIO3PLM", "Vb8Nq2Lx5Zr9Kt3Wm7Hp1Yd6Gc4Sf0Ja2Ue8R/5T",
    "Cider-Press-6619", "Pear-Orchard-3385", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
]

FLAWED_SECRETS = [
    "agm-prod-7f3c9e2d41b84a0c9e5d2f6a7b8c1d0e", "Harvest2019!", "agp_live_9fK2mQ7xR4tV1bN8cL3wZ6yH0jD5sG2e",
    "AKIAQ7RZ3AGRIMKT2L5N", "u3Vq8kZp1Xw7NcR4tLm2Yh9Gd5Sb0Jf6Ea8HiKo3", "Tomato-Season-2023",
    "Xy7pQ2rT9vLm4Nc8Ks1Wd3Fh", "MIIEpAIBAAKCAQEAAgriMarketFAKEkey",
]


def _copy(src: Path, tmp_path: Path, name: str = "repo") -> Path:
    dest = tmp_path / name
    shutil.copytree(src, dest)
    return dest


def _found(res: object) -> list[tuple[str, int, str]]:
    return [(f.location.path, f.location.line, f.rule_id) for f in res.findings]  # type: ignore[attr-defined]


def _tokens() -> dict[str, str]:
    """One line per known-format detector, with a deterministic fake value of the right shape.

    Built at test time (never committed) so that no push-protection or secret scanner trips on
    the test suite itself.
    """
    rng = random.Random(20240601)
    alnum = string.ascii_letters + string.digits

    def r(n: int, alphabet: str = alnum) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    lower = string.ascii_lowercase + string.digits
    upper = string.ascii_uppercase + string.digits
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    payload = base64.urlsafe_b64encode(b'{"sub":"orchard-admin","iat":1700000000}').decode().rstrip("=")
    lines = {
        "github-token": "gh = " + "ghp_" + r(36),
        "gitlab-token": "gl = " + "glpat" + "-" + r(20),
        "slack-token": "sl = " + "xoxb-" + r(12, string.digits) + "-" + r(13, string.digits) + "-" + r(24, lower),
        "slack-webhook": "hook = https://hooks.slack.com/services/" + "T" + r(8, upper) + "/B" + r(10, upper) + "/" + r(24),
        "stripe-key": "st = " + "sk_" + "live_" + r(24),
        "sendgrid-key": "sg = SG." + r(22) + "." + r(43),
        "twilio-key": "tw = " + "AC" + r(32, lower),
        "mailchimp-key": "mc = " + r(32, lower) + "-us12",
        "npm-token": "//registry.npmjs.org/:_authToken=" + "npm_" + r(36),
        "pypi-token": "pp = " + "pypi-AgEIcHlwaS5vcmc" + r(70),
        "openai-key": "oa = " + "sk-" + r(20) + "T3Blbk" + "FJ" + r(20),
        "discord-token": "dc = " + "M" + r(23) + "." + r(6) + "." + r(27),
        "telegram-token": "tg = " + r(9, string.digits) + ":" + r(35),
        "square-oauth-secret": "sq = " + "sq0csp-" + r(43),
        "artifactory-token": "art: " + "AKC" + r(20),
        "ibm-cloud-iam-key": 'ibm_cloud_iam_api_key = "' + r(44) + '"',
        "ibm-cos-hmac-key": 'ibm_cos_hmac_secret_access_key = "' + r(48, "0123456789abcdef") + '"',
        "softlayer-key": 'softlayer_api_key = "' + r(64, lower) + '"',
        "cloudant-credentials": 'cloudant_password = "' + r(64, "0123456789abcdef") + '"',
        "gcp-api-key": "gcp = " + "AIza" + r(35),
        "azure-storage-key": "conn = DefaultEndpointsProtocol=https;AccountName=orchard;AccountKey="
        + r(86, alnum + "+/") + "==;EndpointSuffix=core.windows.net",
        "jwt": "jwt = " + header + "." + payload + "." + r(43, alnum + "-_"),
    }
    for text in lines.values():
        low = text.lower()
        assert not any(w in low for w in ("xxxx", "test", "fake", "example", "dummy")), text
    return lines


def _token_value(line: str) -> str:
    """The secret part of a ``_tokens()`` line."""
    for sep in ("AccountKey=", "_authToken=", "= ", ": "):
        if sep in line:
            return line.split(sep, 1)[1].split(";", 1)[0].strip('"')
    raise AssertionError(line)


TOKEN_SLUGS = list(_tokens())


@pytest.fixture(scope="module")
def token_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], object]:
    lines = list(_tokens().values())
    repo = write_tree(tmp_path_factory.mktemp("tokens"), {"config/tokens.txt": "\n".join(lines) + "\n"})
    return repo, lines, SecretsScanner().run(make_ctx(repo))


def test_every_rule_is_declared_with_cwe_and_tag() -> None:
    rules = SecretsScanner().rules()
    assert [r.rule_id for r in rules] == [f"secrets:{r.slug}" for r in RULES]
    assert len({r.rule_id for r in rules}) == len(rules)
    assert all(r.cwe and set(r.cwe) <= {798, 259, 321} and r.tags == ("secrets",) for r in rules)
    assert SCANNERS["secrets"].name == "secrets"
    covered = {*TOKEN_SLUGS, *(rule.removeprefix("secrets:") for _, _, rule in EXPECTED_REPO)}
    assert covered == {r.slug for r in RULES}, "every detector has a test case"


def test_fixture_repo_findings_are_exact(tmp_path: Path) -> None:
    res = SecretsScanner().run(make_ctx(_copy(SECRETS / "repo", tmp_path)))
    assert res.status is ScanStatus.OK, res.reason
    assert _found(res) == EXPECTED_REPO
    by_rule = {f.rule_id: f for f in res.findings}
    key = by_rule["secrets:private-key"]
    assert key.location.end_line == 5 and key.severity is Severity.CRITICAL and key.cwe == (321,)
    assert key.message == "OPENSSH private key committed (lines 1-5)"
    assert by_rule["secrets:aws-secret-key"].message == "hard-coded AWS secret access key assigned to 'secret_key'"
    assert by_rule["secrets:url-credentials"].cwe == (259,)
    entropy = by_rule["secrets:high-entropy-string"]
    assert entropy.confidence.value == "low" and entropy.message.startswith("high-entropy string (base64, ")
    k8s = next(f for f in res.findings if f.location.path == "deploy/k8s/deployment.yaml")
    assert (k8s.location.line, k8s.location.end_line) == (12, 13)  # the env entry: name line to value line
    assert k8s.message == "hard-coded password assigned to 'DB_PASSWORD'"


def test_placeholders_references_and_hash_fields_are_not_flagged(tmp_path: Path) -> None:
    res = SecretsScanner().run(make_ctx(_copy(SECRETS / "repo", tmp_path)))
    flagged = {(p, line) for p, line, _ in _found(res)}
    # settings.py lines 9-19: os.environ, changethis, your-…-here, ${…}, <…>, test…, short, xxxx…, a path, an id
    assert not {("app/settings.py", n) for n in range(9, 20)} & flagged
    assert not any(p in (".env.example", "app/pem_check.py", "keys/server.crt", "docs/README.md", "requirements.txt")
                   for p, _ in flagged)
    assert ("deploy/terraform/providers.tf", 9) not in flagged  # AWS's documented example key
    assert not any(p == "deploy/k8s/deployment.yaml" and line > 13 for p, line in flagged)  # *_FILE, secretKeyRef, secretName
    details = dict(res.details)
    assert details["excluded_files"].startswith("1 ")  # package-lock.json (hash fields and a password field) not searched
    assert "package-lock.json" not in {p for p, _ in flagged}


def test_allowlist_pragmas_are_honoured_and_counted(tmp_path: Path) -> None:
    res = SecretsScanner().run(make_ctx(_copy(SECRETS / "repo", tmp_path)))
    assert not [f for f in res.findings if f.location.path == "app/allowlisted.py"]
    details = dict(res.details)
    assert details["allowlist_pragmas"] == "2"
    assert details["allowlist_pragma_locations"] == "app/allowlisted.py:3,app/allowlisted.py:5"


@pytest.mark.parametrize("slug", TOKEN_SLUGS)
def test_each_known_format_is_detected(slug: str, token_scan: tuple[Path, list[str], object]) -> None:
    _, _lines, res = token_scan
    line_no = TOKEN_SLUGS.index(slug) + 1
    rules_on_line = [r for p, n, r in _found(res) if n == line_no]
    assert rules_on_line == [f"secrets:{slug}"]


def test_known_format_snippets_are_masked(token_scan: tuple[Path, list[str], object]) -> None:
    _, lines, res = token_scan
    assert res.status is ScanStatus.OK  # type: ignore[attr-defined]
    for f in res.findings:  # type: ignore[attr-defined]
        assert f.location.line > 0, f"{f.rule_id}: masking does not cover it, so the scanner unlinked the line"
        line = lines[f.location.line - 1]
        value = _token_value(line)
        masked = mask_secrets(line)
        assert len(value) > 20 and value[4:24] not in masked, (f.rule_id, masked)


def test_examples_flawed_env_is_flagged_and_hardened_template_is_not(tmp_path: Path) -> None:
    flawed = tmp_path / "flawed"
    flawed.mkdir()
    shutil.copy(EXAMPLES / "agrimarket-flawed" / ".env", flawed / ".env")
    res = SecretsScanner().run(make_ctx(flawed))
    assert [(n, r) for _, n, r in _found(res)] == [
        (3, "secrets:keyword-secret"),
        (4, "secrets:url-credentials"),
        (5, "secrets:keyword-secret"),
        (6, "secrets:aws-access-key"),
        (7, "secrets:aws-secret-key"),
        (9, "secrets:keyword-password"),
        (10, "secrets:slack-webhook"),
    ]
    hardened = tmp_path / "hardened"
    hardened.mkdir()
    shutil.copy(EXAMPLES / "agrimarket-hardened" / ".env.example", hardened / ".env.example")
    res = SecretsScanner().run(make_ctx(hardened))
    assert res.status is ScanStatus.OK and res.findings == ()


def test_examples_whole_twins(tmp_path: Path) -> None:
    flawed = SecretsScanner().run(make_ctx(_copy(EXAMPLES / "agrimarket-flawed", tmp_path, "flawed")))
    found = {(p, n) for p, n, _ in _found(flawed)}
    # EXPECTED.md rows with evidence "secrets" (the Kubernetes env entries start one line above the value)
    assert {
        ("Dockerfile", 5), ("docker-compose.yml", 26), ("deploy/k8s/deployment.yaml", 32), ("deploy/k8s/deployment.yaml", 34),
        ("deploy/terraform/providers.tf", 11), ("deploy/terraform/providers.tf", 12), ("deploy/terraform/database.tf", 14),
        ("src/agrimarket/config.py", 9), ("src/agrimarket/db.py", 8), ("deploy/keys/server.pem", 1),
    } <= found
    hardened = SecretsScanner().run(make_ctx(_copy(EXAMPLES / "agrimarket-hardened", tmp_path, "hardened")))
    assert hardened.status is ScanStatus.OK and _found(hardened) == []


def test_messages_never_contain_the_value(tmp_path: Path) -> None:
    res = SecretsScanner().run(make_ctx(_copy(EXAMPLES / "agrimarket-flawed", tmp_path)))
    text = "\n".join(f.message + f.title + f.snippet for f in res.findings)
    assert res.findings and not [s for s in FLAWED_SECRETS if s in text]


def test_report_never_contains_a_secret(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    repo = _copy(SECRETS / "repo", tmp_path)
    shutil.copy(EXAMPLES / "agrimarket-flawed" / ".env", repo / "flawed.env")
    (repo / "config").mkdir()
    (repo / "config" / "tokens.txt").write_text("\n".join(_tokens().values()) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    res = cli("scan", repo, "-o", out, "--scanner", "secrets")
    assert res.code in (0, 1), res.err
    report = res.report(out)
    scan = next(s for s in report["scans"] if s["scanner"] == "secrets")
    assert scan["status"] == "ok"
    findings = [f for f in report["findings"] if f["scanner"] == "secrets"]
    assert len(findings) >= len(EXPECTED_REPO) + len(TOKEN_SLUGS) + 7
    assert all("****" in f["snippet"] for f in findings if f["rule_id"] != "secrets:private-key")
    raw = (out / "report.json").read_text(encoding="utf-8") + res.out + res.err
    token_values = [_token_value(ln)[4:] for ln in _tokens().values()]
    leaked = [s for s in [*REPO_SECRETS, *FLAWED_SECRETS, *token_values] if s in raw]
    assert leaked == []
    json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_undecodable_file_makes_the_run_partial(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"ok.py": 'DB_PASSWORD = "Orchard-Gate-4417"\n'})
    (repo / "legacy.cfg").write_bytes(b"password = 'Caf\xe9-Orchard-9911'\n")
    res = SecretsScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.PARTIAL
    assert res.reason == "1 file(s) could not be searched for secrets"
    assert [(s.path, s.reason) for s in res.skipped] == [("legacy.cfg", "not valid UTF-8 text; not searched for secrets")]
    assert _found(res) == [("ok.py", 1, "secrets:keyword-password")]
    coverage = dict(SecretsScanner().coverage(make_ctx(repo).inventory, res))
    assert coverage["secrets:keyword-password"] is Coverage.INCOMPLETE


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"creds.env": "SMTP_PASSWORD=Walnut-Creek-7734\n"})
    repo = write_tree(tmp_path / "repo", {"app.py": "x = 1\n"})
    (repo / "linked.env").symlink_to(outside / "creds.env")
    (repo / "linked-dir").symlink_to(outside, target_is_directory=True)
    res = SecretsScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.OK and res.findings == ()
    assert res.files_scanned == 1


def test_time_budget_exhausted_fails_closed(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"a.py": 'DB_PASSWORD = "Orchard-Gate-4417"\n', "b.py": "x = 1\n"})
    res = SecretsScanner().run(make_ctx(repo, timeout=0))
    assert res.status is ScanStatus.FAILED
    assert res.reason.startswith("secrets scan timed out after 0s")
    coverage = dict(SecretsScanner().coverage(make_ctx(repo).inventory, res))
    assert set(coverage.values()) == {Coverage.INCOMPLETE}


def test_missing_detect_secrets_fails_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ImportError("No module named 'detect_secrets'", name="detect_secrets")

    monkeypatch.setattr(secrets_mod, "_load_detectors", missing)
    repo = write_tree(tmp_path / "repo", {"a.py": "x = 1\n"})
    res = SecretsScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.FAILED
    assert res.reason == "detect-secrets is not installed (detect_secrets)"


def test_empty_repository_is_not_applicable(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    res = SecretsScanner().run(make_ctx(repo))
    assert res.status is ScanStatus.SKIPPED and not res.applicable


def test_no_network_and_no_global_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plugins' verify() (which calls vendor APIs) is never reached, and detect-secrets' settings stay untouched."""
    import requests
    from detect_secrets.settings import get_settings

    before = get_settings().json()

    def no_network(*_a: object, **_k: object) -> None:
        raise AssertionError("network call")

    monkeypatch.setattr(requests, "get", no_network)
    monkeypatch.setattr(requests, "post", no_network)
    monkeypatch.setattr(requests.Session, "request", no_network)
    repo = write_tree(tmp_path / "repo", {"a.txt": "\n".join(_tokens().values()) + "\n"})
    res = SecretsScanner().run(make_ctx(repo))
    assert len(res.findings) == len(TOKEN_SLUGS)
    assert get_settings().json() == before


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('password := "Orchard-Gate-4417"', "Orchard-Gate-4417"),
        ('if password == "Orchard-Gate-4417":', "Orchard-Gate-4417"),
        ('if ("Orchard-Gate-4417" == db_password) {', "Orchard-Gate-4417"),
        ('char my_password[] = @"Orchard-Gate-4417";', "Orchard-Gate-4417"),
        ('private_key "Orchard-Gate-4417";', "Orchard-Gate-4417"),
        ('std::string secret("Orchard-Gate-4417");', "Orchard-Gate-4417"),
        ('PASSWORD = "correct horse battery"', "correct horse battery"),
        ("contraseña: Orchard-Gate-4417", "Orchard-Gate-4417"),
        ('aws_secret = ENV.fetch("X", "Vb8Nq2Lx5Zr9Kt3Wm7Hp1Yd6Gc4Sf0Ja2Ue8R/5T")', "Vb8Nq2Lx5Zr9Kt3Wm7Hp1Yd6Gc4Sf0Ja2Ue8R/5T"),
        ('blob = "Zk8rT2vQm9Xw4Lp7Nb3Hc6Jd1Gs5Ye0Ua8Ri2Ko4Wt"', "Zk8rT2vQm9Xw4Lp7Nb3Hc6Jd1Gs5Ye0Ua8Ri2Ko4Wt"),
        ("- name: API_TOKEN\n  value: Orchard-Gate-4417", "Orchard-Gate-4417"),
    ],
)
def test_masking_covers_every_keyword_form(line: str, value: str) -> None:
    masked = mask_secrets(line)
    assert value[3:] not in masked and "****" in masked


def test_long_lines_are_searched_without_gaps(tmp_path: Path) -> None:
    filler = ",".join(f"a{i}:{i}" for i in range(2500))  # ~20,000 characters on one line
    line = "var cfg={" + filler[:7001] + ',db_password:"Orchard-Gate-4417",' + filler[7001:] + "};\n"
    repo = write_tree(tmp_path / "repo", {"static/app.js": line})
    res = SecretsScanner().run(make_ctx(repo))
    assert _found(res) == [("static/app.js", 1, "secrets:keyword-password")]
    assert dict(res.details)["long_lines"].startswith("1 line(s)")
