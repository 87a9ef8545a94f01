"""Build the vulnerability database shipped in the package from the PyPA advisory database.

    python tools/build_vulndb.py [PATH-TO-advisory-database/vulns]

Default input: ../shared/osv/pypa-advisory-database (OSV YAML, CC-BY 4.0, "PyPA Advisory Database").
Output: src/productready/deps/data/pypi-osv.json.gz (deterministic: same input, same bytes).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from productready.deps.vulndb import SHIPPED, VulnDB, build, iter_osv_files  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "osv" / "pypa-advisory-database"
SOURCE = "PyPA Advisory Database (github.com/pypa/advisory-database, CC-BY 4.0), commit 3ccb6125"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT
    if not folder.is_dir():
        print(f"error: {folder}: no such folder", file=sys.stderr)
        return 2
    data = build(iter_osv_files(folder), SOURCE)
    SHIPPED.parent.mkdir(parents=True, exist_ok=True)
    SHIPPED.write_bytes(data)
    db = VulnDB.load(SHIPPED)
    print(f"wrote {SHIPPED.relative_to(ROOT)}: {len(db.advisories)} advisories, {db.package_count} packages, "
          f"snapshot {db.snapshot_date}, {len(data) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
