"""The canonical JSON report on the synthetic fixture: golden file and the published schema."""

from __future__ import annotations

import json
from collections.abc import Callable

import jsonschema
from fixture_report import policy_report, synthetic_report

from conftest import REPO_ROOT
from productready.formats import FORMATS


def test_json_golden_and_schema(golden: Callable[[str, str], None]) -> None:
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text())
    for name, report in (("synthetic", synthetic_report()), ("policy", policy_report())):
        text = FORMATS["json"].render(report)
        jsonschema.validate(json.loads(text), schema)
        golden(f"formats/{name}.json", text)
