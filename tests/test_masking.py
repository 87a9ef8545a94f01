"""Secret values never reach a report or the terminal."""

from __future__ import annotations

import pytest

from productready.masking import mask_secrets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('SECRET_KEY = "s3cr3t-value-123456"', 'SECRET_KEY = "s3c****"'),
        ("password: hunter2hunter2", "password: hun****"),
        ("DB_PASSWORD=supersecretpw", "DB_PASSWORD=sup****"),
        ("aws_key = AKIAIOSFODNN7EXAMPLE", "aws_key = AKI****"),
        ("url = 'postgres://app:pa55word@db:5432/x'", "url = 'postgres://app:****@db:5432/x'"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token ghp****"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----",
         "-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----"),
    ],
)
def test_masks_secret_values(text: str, expected: str) -> None:
    assert mask_secrets(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'SECRET_KEY = os.environ["SECRET_KEY"]',
        "password = getenv('DB_PASSWORD')",
        "x = compute(a, b)",
        "token: ${{ secrets.DEPLOY_TOKEN }}",
    ],
)
def test_leaves_references_alone(text: str) -> None:
    assert mask_secrets(text) == text


def test_boolean_and_switch_values_are_not_masked() -> None:
    # a setting named like a secret ("auth", "token") with an on/off value hides nothing
    assert mask_secrets("iam_database_authentication_enabled = false") == "iam_database_authentication_enabled = false"
    assert mask_secrets("auth_token: true") == "auth_token: true"
    assert "hunter2" not in mask_secrets('password = "hunter2hunter2"')


def test_the_quick_no_secret_check_never_changes_the_result() -> None:
    # mask_secrets skips the substitutions when one combined search finds nothing: over every
    # 5-line window of the test fixtures and examples (secrets of every kind included) it must
    # give exactly what running every substitution gives
    from pathlib import Path

    from productready.masking import _mask_all

    root = Path(__file__).resolve().parent.parent
    windows = 0
    for base in (root / "tests" / "fixtures", root / "examples"):
        for f in sorted(base.rglob("*")):
            try:
                lines = f.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for i in range(0, len(lines), 3):
                text = "\n".join(lines[i:i + 5])
                assert mask_secrets(text) == _mask_all(text), f"{f}:{i + 1}"
                windows += 1
    assert windows > 5000
