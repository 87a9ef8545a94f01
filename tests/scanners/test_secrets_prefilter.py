"""secrets scanner prefilter: the cheap probes skip only lines on which nothing could be reported.

Every case runs twice, with the prefilter and with it off (every line searched, as before it
existed), and the two results must be identical; each case also names the finding it must produce,
so a probe that is too narrow fails both ways. Fake credentials are built at test time with the
right shape (never committed), like the ones in test_secrets.py.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import make_ctx
from productready.models import ScanResult
from productready.scanners import secrets as secrets_mod
from productready.scanners.secrets import SecretsScanner

ALNUM = string.ascii_letters + string.digits
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
# Values a reviewer would never mistake for placeholders (no "test", "example", "xxxx", …).
WORDS = ("Orchard-Gate-4417", "Plum-Harbour-2291", "Walnut-Creek-7734", "Cider-Press-6619", "Pear-Orchard-3385")


def _maker(seed: int) -> Any:
    rng = random.Random(seed)

    def r(n: int, alphabet: str = ALNUM) -> str:
        while True:
            out = "".join(rng.choice(alphabet) for _ in range(n))
            low = out.lower()
            if not any(w in low for w in ("test", "fake", "xxxx", "todo", "dummy", "sample", "fixme", "example")):
                return out

    return r


def _jwt(r: Any) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return part({"alg": "HS256", "typ": "JWT"}) + "." + part({"sub": "orchard-admin", "iat": 1700000000}) + "." + r(43, ALNUM + "-_")


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    text: str
    line: int  # where the finding must be
    rule: str


def _cases() -> list[Case]:
    r = _maker(20240917)
    pem_body = "\n".join(r(64, ALNUM + "+/") for _ in range(4))
    long_fill = ",".join(f"k{i}:{i}" for i in range(1200))  # ~9,000 characters of no interest
    c = [
        # known formats, each in a different file style
        Case("pem", "deploy/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n" + pem_body + "\n-----END RSA PRIVATE KEY-----\n", 1, "private-key"),
        Case("pem-in-json", "creds.json", '{\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + r(64) + '\\n-----END PRIVATE KEY-----\\n"\n}\n', 2, "private-key"),
        Case("putty", "keys/host.ppk", "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nPublic-Lines: 1\n" + r(60) + "\n", 1, "private-key"),
        Case("aws-key-id-ini", "config/aws.ini", "[default]\nregion = eu-west-1\naws_access_key_id = " + "AKIA" + r(16, UPPER) + "\n", 3, "aws-access-key"),
        Case("aws-key-id-alone", "ids.txt", "deploy id " + "AKIA" + r(16, UPPER) + " (rotated)\n", 1, "aws-access-key"),
        # only the AWS rule reports this one: "token" is no keyword and the value's entropy is low
        Case("aws-secret-low-entropy", "cfg.py", 'awsToken = "' + ("Qm7" * 14)[:40] + '"\n', 1, "aws-secret-key"),
        Case("aws-secret-yaml", "ci/aws.yml", "env:\n  AWS_SECRET_ACCESS_KEY: \"" + r(40, ALNUM + "/+") + "\"\n", 2, "aws-secret-key"),
        Case("azure-env", ".env", "STORAGE=DefaultEndpointsProtocol=https;AccountName=orchard;AccountKey=" + r(86, ALNUM + "+/") + "==;EndpointSuffix=core.windows.net\n", 1, "azure-storage-key"),
        Case("github-json", "tokens.json", '{"deploy": {"token": "' + "gh" + "s_" + r(36) + '"}}\n', 1, "github-token"),
        Case("gitlab-yaml", "ci/gitlab.yml", "variables:\n  GL: " + "gl" + "pat-" + r(20) + "\n", 2, "gitlab-token"),
        Case("gitlab-runner", "runner.toml", "[[runners]]\n  reg = \"" + "GR1348941" + r(20) + "\"\n", 2, "gitlab-token"),
        Case("slack-upper", "notify.sh", "export HOOK=" + "XOXB-" + r(11, string.digits) + "-" + r(12, string.digits) + "-" + r(24, LOWER) + "\n", 1, "slack-token"),
        Case("slack-webhook", "notify.cfg", "[slack]\nurl = " + "HTTPS://HOOKS.SLACK.COM/services/T" + r(8, UPPER) + "/B" + r(10, UPPER) + "/" + r(24) + "\n", 2, "slack-webhook"),
        Case("stripe-js", "web/pay.js", "const k = '" + "rk_" + "live_" + r(24) + "';\n", 1, "stripe-key"),
        Case("sendgrid-py", "mail.py", "import os\nSG_KEY = '" + "SG." + r(22) + "." + r(43) + "'\n", 2, "sendgrid-key"),
        Case("twilio-account", "sms.py", "ACCOUNT = '" + "AC" + r(32, LOWER) + "'\n", 1, "twilio-key"),
        Case("twilio-ini", "sms.ini", "[twilio]\nsid = " + "SK" + r(32, LOWER) + "\n", 2, "twilio-key"),
        Case("mailchimp-toml", "mc.toml", "[mailchimp]\nkey = \"" + r(32, LOWER) + "-us7\"\n", 2, "mailchimp-key"),
        Case("npm", ".npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + "npm_" + r(36) + "\n", 2, "npm-token"),
        Case("pypi", ".pypirc", "[pypi]\nusername = __token__\nvalue = " + "pypi-AgEIcHlwaS5vcmc" + r(70) + "\n", 3, "pypi-token"),
        Case("openai", "ai.py", "client = Client('" + "sk-" + r(20) + "T3Blbk" + "FJ" + r(20) + "')\n", 1, "openai-key"),
        Case("discord", "bot.py", "run('" + "N" + r(23) + "." + r(6) + "." + r(27) + "')\n", 1, "discord-token"),
        Case("telegram", "bot.yaml", "bot:\n  id: " + r(9, string.digits) + ":" + r(35) + "\n", 2, "telegram-token"),
        Case("square", "pay.rb", "SQ = '" + "sq0csp-" + r(43) + "'\n", 1, "square-oauth-secret"),
        Case("artifactory-token", "art.txt", "artifactory " + "AKC" + r(30) + "\n", 1, "artifactory-token"),
        Case("artifactory", "art.properties", "artifactory.auth: " + "AP" + "B" + r(20) + "\n", 1, "artifactory-token"),
        Case("ibm-iam-upper", "ibm.env", "IBM_CLOUD_IAM_API_KEY: " + r(44, ALNUM + "_-") + "\n", 1, "ibm-cloud-iam-key"),
        Case("ibm-iam-password", "iam.yaml", "ibm_cloud_iam_password: " + r(44, ALNUM + "_-") + "\n", 1, "ibm-cloud-iam-key"),
        Case("ibm-iam-token", "iam.cfg", "iam-token=" + r(44, ALNUM + "_-") + "\n", 1, "ibm-cloud-iam-key"),
        Case("ibm-cos", "cos.py", 'COS_HMAC_SECRET_ACCESS_KEY = "' + r(48, HEX) + '"\n', 1, "ibm-cos-hmac-key"),
        Case("softlayer", "sl.cfg", "SOFTLAYER_API_KEY=" + r(64, LOWER) + "\n", 1, "softlayer-key"),
        Case("softlayer-pwd", "sl.env", "SL_PWD=" + r(64, LOWER) + "\n", 1, "softlayer-key"),
        Case("softlayer-url", "sl.txt", "see https://api.softlayer.com/soap/v3.1/" + r(64, LOWER) + " for the API\n", 1, "softlayer-key"),
        Case("cloudant", "db.ini", "[db]\ncloudant_password = '" + r(64, HEX) + "'\n", 2, "cloudant-credentials"),
        Case("cloudant-pw", "cl.py", "cl_pw = '" + r(64, HEX) + "'\n", 1, "cloudant-credentials"),
        Case("cloudant-api-pass", "cl.yaml", "CL_APIPASS: " + r(24, string.ascii_lowercase) + "\n", 1, "cloudant-credentials"),
        Case("cloudant-url", "db.txt", "https://orchard:" + r(64, HEX) + "@orchard.cloudant.com\n", 1, "cloudant-credentials"),
        Case("jwt-json", "session.json", '{"session": "' + _jwt(r) + '"}\n', 1, "jwt"),
        Case("gcp", "maps.js", "const mapsKey = '" + "AIza" + r(35) + "';\n", 1, "gcp-api-key"),
        Case("url-creds", "compose.yaml", "services:\n  app:\n    environment:\n      DB: POSTGRES://orchard:" + WORDS[0] + "@db:5432/app\n", 4, "url-credentials"),
        # keyword detector: every file-type regex family, cases, languages, styles
        Case("kw-env-upper", "app.env", "DEBUG=0\nDB_PASSWORD=" + WORDS[1] + "\n", 2, "keyword-password"),
        Case("kw-json-camel", "cfg.json", '{\n  "dbPassword": "' + WORDS[2] + '"\n}\n', 2, "keyword-password"),
        Case("kw-yaml-mixed", "app.yaml", "db:\n  PaSsWoRd: " + WORDS[3] + "\n", 2, "keyword-password"),
        Case("kw-ini", "app.ini", "[database]\nhost = db\npassword = " + WORDS[4] + "\n", 3, "keyword-password"),
        Case("kw-py-secret", "settings.py", "CLIENT_SECRET = '" + r(24) + "'\n", 1, "keyword-secret"),
        Case("kw-py-api-key", "client.py", "headers = {'X-Api-Key': 1}\napi_key = \"" + r(26) + "\"\n", 2, "keyword-secret"),
        Case("kw-go", "main.go", "package main\n\nfunc main() {\n\tdbPassword := \"" + WORDS[0] + "\"\n}\n", 4, "keyword-password"),
        Case("kw-c", "auth.c", "static char db_pass[] = \"" + WORDS[1] + "\";\n", 1, "keyword-password"),
        Case("kw-c-index", "auth2.c", "char password[25] = \"" + WORDS[3] + "\",\n  other[2];\n", 1, "keyword-password"),
        Case("kw-cpp", "auth.cpp", "std::string secret(\"" + WORDS[2] + "\");\n", 1, "keyword-secret"),
        Case("kw-compare", "check.py", "if '" + WORDS[3] + "' == user_password:\n    pass\n", 1, "keyword-password"),
        Case("kw-compare-last", "check2.py", "assert '" + WORDS[4] + "' != db_password\n", 1, "keyword-password"),
        Case("kw-semicolon", "conf.js", "private_key \"" + WORDS[4] + "\";\n", 1, "keyword-secret"),
        Case("kw-arrow", "cfg.php", "<?php\n$cfg = ['db_password' => '" + WORDS[0] + "'];\n", 2, "keyword-password"),
        Case("kw-spanish", "ajustes.py", "contraseña = \"" + WORDS[1] + "\"\n", 1, "keyword-password"),
        Case("kw-long-s", "legacy.py", "PA\u017f\u017fWORD = \"" + WORDS[2] + "\"\n", 1, "keyword-password"),  # U+017F matches s under re.I
        Case("kw-kelvin", "legacy2.py", "API_\u212aEY = \"" + WORDS[3] + "\"\n", 1, "keyword-secret"),  # U+212A matches k under re.I
        Case("kw-dotless-i", "legacy3.py", "x = '\u0130\u0131'\nDB_PASS = \"" + WORDS[4] + "\"\n", 2, "keyword-password"),
        Case("kw-k8s", "deploy/app.yaml", "env:\n  - name: DB_PASSWORD\n    value: " + WORDS[0] + "\n", 2, "keyword-password"),
        Case("kw-long-line", "static/app.js", "var c={" + long_fill + ',db_password:"' + WORDS[1] + '",' + long_fill + "};\n", 1, "keyword-password"),
        Case("kw-long-line-window-edge", "static/b.js", "var c={" + long_fill[:4590] + ',SECRET:"' + r(20) + '",' + long_fill + "};\n", 1, "keyword-secret"),
        # entropy detectors
        Case("b64-py", "blob.py", "BLOB = '" + r(40, ALNUM + "+/") + "'\n", 1, "high-entropy-string"),
        # 26 distinct characters: log2(26) = 4.7 bits, above the 4.5 limit with the shortest value that can be
        Case("b64-short", "short.py", "BLOB = '" + "".join(random.Random(4).sample(ALNUM, 26)) + "'\n", 1, "high-entropy-string"),
        Case("hex-js", "sig.js", 'const sig = "' + r(40, HEX) + '";\n', 1, "high-entropy-string"),
        Case("b64-long-line", "static/c.js", "var d={" + long_fill + ',blob:"' + r(40) + '",' + long_fill + "};\n", 1, "high-entropy-string"),
        Case("aws-secret-entropy", "aws_conf.py", "# aws\nsecret = '" + r(40, ALNUM + "/+") + "'\n", 2, "aws-secret-key"),
    ]
    # Line breaks other than "\n" count as lines too (str.splitlines).
    c.append(Case("line-breaks", "breaks.py", "a = 1\r\nb = 2\rc = 3\x0cd = 4\u2028DB_PASSWORD = '" + WORDS[2] + "'\u2029e = 5\n", 5, "keyword-password"))
    c.append(Case("non-ascii-offsets", "i18n.py", "# \u00dcn\u00efc\u00f6d\u00e9 \u0130stanbul \u0131\u0131 \u017f \u212a\n" * 3 + "API_KEY = '" + r(24) + "'\n", 4, "keyword-secret"))
    return c


CASES = _cases()


def _run(root: Path, prefilter: bool, monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    with monkeypatch.context() as m:
        if not prefilter:
            m.setattr(secrets_mod, "_PATTERNS_DIGEST", "off")
        scanner = SecretsScanner()
        return scanner.run(make_ctx(root))


def _decided(res: ScanResult) -> tuple[object, ...]:
    return (res.status, res.reason, res.files_scanned, res.skipped, res.details, res.findings)


def _both(root: Path, monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    fast = _run(root, True, monkeypatch)
    full = _run(root, False, monkeypatch)
    assert _decided(fast) == _decided(full)
    return fast


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))  # byte for byte: no newline translation
    return root


def test_prefilter_is_on_for_the_installed_detect_secrets() -> None:
    det = secrets_mod._load_detectors()
    assert det.prefilter is not None, (
        "detect-secrets' patterns changed: re-derive the probes in secrets.py, then update _PATTERNS_DIGEST"
    )


def test_the_prefilter_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets_mod, "_PATTERNS_DIGEST", "off")
    assert secrets_mod._load_detectors().prefilter is None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_detector_is_reported_with_and_without_the_prefilter(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _write(tmp_path / "repo", {case.path: case.text, "README.md": "nothing here\n"})
    res = _both(repo, monkeypatch)
    found = [(f.location.path, f.location.line, f.rule_id) for f in res.findings]
    assert (case.path, case.line, f"secrets:{case.rule}") in found, found


def test_every_rule_has_a_prefilter_case() -> None:
    named = {c.rule for c in CASES} | {"aws-access-key", "slack-token", "slack-webhook"}
    assert named >= {r.slug for r in secrets_mod.RULES}


def test_all_cases_in_one_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _write(tmp_path / "repo", {c.path: c.text for c in CASES})
    res = _both(repo, monkeypatch)
    assert len(res.findings) >= len(CASES)


def test_allowlist_pragmas_and_long_lines_are_counted_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "a.py": f"DB_PASSWORD = '{WORDS[0]}'  # pragma: allowlist secret\n# pragma: allowlist nextline secret\nSECRET = '{WORDS[1]}'\n",
        "min.js": "var a=" + "1," * 4000 + "2;\n" + "x" * 6000 + "\n",  # long lines with nothing to find
        "data.txt": "y" * 12000,
    }
    res = _both(_write(tmp_path / "repo", files), monkeypatch)
    details = dict(res.details)
    assert details["allowlist_pragmas"] == "2"
    assert details["long_lines"].startswith("3 line(s)")


def test_random_lines_give_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fuzz: lines glued from keywords in any case, operators, quotes and token-shaped values."""
    r = _maker(7)
    rng = random.Random(11)
    names = ["password", "DB_PASS", "secret", "api_key", "ApiKey", "token", "aws_secret", "pwd", "private_key",
             "client_key", "cloudant_password", "softlayer_api_key", "ibm_cloud_iam_key", "cos_secret_access_key",
             "value", "name", "key", "passwd", "auth_key", "my_key_pass", "contrasena", "x"]
    ops = [" = ", "=", ": ", ":", " := ", " == ", " != ", " => ", "(", ".assign(", " ", "[] = ", "[25] = @"]
    quotes = ['"', "'", "`", ""]

    def value() -> str:
        kind = rng.randrange(9)
        if kind == 0:
            return rng.choice(WORDS)
        if kind == 1:
            return r(rng.choice([8, 20, 22, 23, 24, 40, 44, 48, 64]), rng.choice([ALNUM, HEX, LOWER, ALNUM + "+/=", ALNUM + "_-"]))
        if kind == 2:
            return rng.choice(["AKIA", "ghp_", "glpat-", "xoxb-1-", "sk_live_", "SG.", "AC", "AKC", "APA", "eyJ", "AIza", "sq0csp-"]) + r(40)
        if kind == 3:
            return "https://user:" + rng.choice(WORDS) + "@host/x"
        if kind == 4:
            return r(8, HEX) + r(rng.randrange(0, 4), HEX)
        if kind == 5:
            return _jwt(r)
        if kind == 6:
            return "${VAR}"
        if kind == 7:
            return r(9, string.digits) + ":" + r(35)
        return "N" + r(23) + "." + r(6) + "." + r(27)

    def case(word: str) -> str:
        return rng.choice([word, word.upper(), word.title(), word.swapcase()])

    lines = []
    for _ in range(1500):
        q = rng.choice(quotes)
        line = case(rng.choice(names)) + rng.choice(ops) + q + value() + q
        if rng.random() < 0.2:
            line = rng.choice(["", "  ", "- ", '"', "if ", "aws "]) + line + rng.choice(["", ";", ",", ")", "  # note"])
        if rng.random() < 0.05:
            line = "v=" + ",".join(f"z{i}" for i in range(900)) + "," + line
        lines.append(line)
    files: dict[str, str] = {}
    for i, ext in enumerate(["py", "js", "go", "c", "cpp", "yaml", "env", "ini", "json", "txt", "tf", "java", "cs", "toml"]):
        files[f"f{i}.{ext}"] = "\n".join(lines[i::14]) + "\n"
    res = _both(_write(tmp_path / "repo", files), monkeypatch)
    assert len(res.findings) > 200


# ---------------------------------------------------------------------------- the probes' building blocks


def _all_chars() -> str:
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)


def test_fold_keeps_offsets_and_matches_ignorecase() -> None:
    chars = _all_chars()
    folded = secrets_mod._fold(chars)
    assert len(folded) == len(chars)  # one character for one: offsets in the fold are offsets in the text
    for cls in ("[a-z]", "[a-zA-Z0-9_\\-]", "[0-9a-f]"):
        for m in re.finditer(cls, chars, re.IGNORECASE):
            assert re.fullmatch(cls, folded[m.start()]), (cls, hex(ord(m.group())))
    for word in ("password", "secret", "key", "aws", "contraseña"):
        for c in set(re.findall("[" + re.escape(word) + "]", chars, re.IGNORECASE)):
            assert secrets_mod._fold(c) in word, (word, hex(ord(c)))
    breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    assert secrets_mod._fold(breaks) == breaks


def test_long_line_check_never_misses_one() -> None:
    rng = random.Random(3)
    limit = secrets_mod._LONG_LINE
    for _ in range(400):
        parts = [rng.choice("ab c") * rng.randrange(0, 6000) for _ in range(rng.randrange(1, 5))]
        text = rng.choice(["\n", "\r\n", "\r", "\u2028"]).join(parts)
        has_long = any(len(line) > limit for line in text.splitlines())
        if has_long:
            assert secrets_mod._may_have_long_line(text)
    assert not secrets_mod._may_have_long_line(("x" * (limit // 2 - 1) + "\n") * 9)
    assert secrets_mod._may_have_long_line("x" * (limit + 1))
    assert secrets_mod._may_have_long_line("\n" * 2499 + "x" * (limit + 1) + "\n" * 3000)


def test_keyword_precheck_never_rejects_a_match() -> None:
    from detect_secrets.plugins import keyword

    detector = keyword.KeywordDetector()
    families = [getattr(keyword, n) for n in dir(keyword) if n.endswith("_TO_GROUP")]
    rng = random.Random(5)
    words = [*keyword.DENYLIST, "api_key", "apikey", "db_pass", "key_pass", "contraseña", "PASSWORD", "Secret", "pwd"]
    words = [w.replace("_?", rng.choice(["_", ""])) for w in words]
    glue = ["", " ", "=", "==", "!=", "!", ":", ":=", "=>", "(", "(\"", ".assign(\"", "[3]", "[]", "]", "'", '"', "`",
            ";", "@", "x", "_x", "  ", "\t", ",", ")"]
    checked = 0
    for _ in range(20000):
        parts = [rng.choice(glue) for _ in range(rng.randrange(0, 4))]
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(words))
        parts += [rng.choice(glue) for _ in range(rng.randrange(0, 4))]
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(["Orchard-Gate", "v", "abc12345"]))
        s = "".join(parts)
        if any(list(detector.analyze_string(s, denylist_regex_to_group=fam)) for fam in families):
            checked += 1
            assert secrets_mod._keyword_may_match(s), s
    assert checked > 1000


def test_entropy_probe_is_the_detectors_regex_with_a_minimum_length() -> None:
    det = secrets_mod._load_detectors()
    assert det.prefilter is not None
    probe = det.prefilter.entropy
    rng = random.Random(9)
    for plugin in (det.base64, det.hex):
        for _ in range(3000):
            n = rng.randrange(1, 40)
            value = "".join(rng.choice(plugin.charset) for _ in range(n))
            q = rng.choice("'\"")
            line = "x = " + q + value + q
            reportable = len(value) >= 8 and plugin.calculate_shannon_entropy(value) > plugin.entropy_limit
            if reportable:
                assert probe.search(line), (plugin.__class__.__name__, value)
