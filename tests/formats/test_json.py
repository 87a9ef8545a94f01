"""The canonical JSON report on the synthetic fixture: golden file and the published schema."""

from __future__ import annotations

import json
from collections.abc import Callable

import jsonschema
from fixture_report import nasty_report, policy_report, synthetic_report

from conftest import REPO_ROOT
from productready.formats import FORMATS


def test_json_golden_and_schema(golden: Callable[[str, str], None]) -> None:
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text())
    for name, report in (("synthetic", synthetic_report()), ("policy", policy_report())):
        text = FORMATS["json"].render(report)
        jsonschema.validate(json.loads(text), schema)
        golden(f"formats/{name}.json", text)


def test_fast_writer_gives_canonical_json_byte_for_byte() -> None:
    """orjson writes the layout of yamlio.canonical_json; what it cannot write falls back to it."""
    from productready.formats.json import report_dict
    from productready.formats.jsonout import canonical_bytes, canonical_text, no_surrogates
    from productready.yamlio import canonical_json

    for report in (synthetic_report(), policy_report(), nasty_report()):
        data = report_dict(report)
        assert canonical_text(data) == canonical_json(data)
        assert canonical_bytes(data, replace_surrogates=True) == no_surrogates(canonical_json(data)).encode("utf-8")
    odd = {"big": 2**70, "keys": {3: "int key"}, "text": "lone \ud800 surrogate"}
    assert canonical_text(odd) == canonical_json(odd)
    assert canonical_bytes(odd, replace_surrogates=True) == no_surrogates(canonical_json(odd)).encode("utf-8")


def test_render_bytes_is_the_rendered_text() -> None:
    for name in ("json", "sarif", "csv", "oscal", "cyclonedx", "junit", "html", "markdown"):
        report = policy_report()
        assert FORMATS[name].render_bytes(report) == FORMATS[name].render(report).encode("utf-8"), name
