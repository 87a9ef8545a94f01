"""The 'compose' checks on tricky inputs (syntax variants, anchors, overrides) and on the example products."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import CHECK_KINDS, PARSERS
from productready.checks.base import CheckContext
from productready.checks.compose import PublishedPortParams, all_interfaces, parse_port, published_port
from productready.checks.rulesets import Check, load_checks
from productready.config import data_dir, load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner


class _Topic(ChecksScanner):
    """Only this topic's ruleset, so these tests do not depend on other topics."""

    def checks(self) -> list[Check]:
        return load_checks(CHECK_KINDS, [data_dir("rulesets") / "compose.yaml"])


def _scan(root: Path, only: list[str] | None = None) -> tuple[list[tuple[str, str, int, str]], dict[str, Coverage], list[str]]:
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = _Topic().run(ctx, only=only)
    hits = [(f.rule_id.removeprefix("checks:"), f.location.path, f.location.line, f.message) for f in res.findings]
    return hits, {k.removeprefix("checks:"): v for k, v in res.coverage}, [f"{s.path}: {s.reason}" for s in res.skipped]


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _lines(hits: list[tuple[str, str, int, str]], rule: str) -> list[int]:
    return [line for r, _, line, _ in hits if r == rule]


@pytest.mark.parametrize(
    ("spec", "ip", "host", "first", "last"),
    [
        ("5432", None, None, 5432, 5432),
        (5432, None, None, 5432, 5432),
        ("5432:5432", None, "5432", 5432, 5432),
        ("0.0.0.0:6379:6379/tcp", "0.0.0.0", "6379", 6379, 6379),
        ("127.0.0.1::5432", "127.0.0.1", None, 5432, 5432),
        ("[::1]:5432:5432", "::1", "5432", 5432, 5432),
        ("::1:5432:5432", "::1", "5432", 5432, 5432),
        ("9000-9010:9200-9210", None, "9000-9010", 9200, 9210),
        ({"target": 27017, "published": "27017", "protocol": "tcp"}, None, "27017", 27017, 27017),
        ({"target": 5432, "host_ip": "127.0.0.1"}, "127.0.0.1", None, 5432, 5432),
    ],
)
def test_parse_port(spec: object, ip: str | None, host: str | None, first: int, last: int) -> None:
    pub = parse_port(spec)
    assert pub is not None
    assert (pub.host_ip, pub.host_port, pub.container.start, pub.container.stop - 1) == (ip, host, first, last)


def test_parse_port_rejects_garbage_and_interfaces() -> None:
    pub = parse_port("${WEB_PORT}:80")
    assert pub is not None and pub.host_port == "${WEB_PORT}" and list(pub.container) == [80]
    assert parse_port("abc") is None and parse_port(True) is None and parse_port(["5432"]) is None
    assert all_interfaces(None) and all_interfaces("0.0.0.0") and all_interfaces("::") and all_interfaces("[::]")
    assert not all_interfaces("127.0.0.1") and not all_interfaces("10.0.0.5") and not all_interfaces("::1")


def test_yaml11_sexagesimal_port_is_recovered(tmp_path: Path) -> None:
    # Unquoted 22:22 is the integer 1342 in YAML 1.1; Compose (YAML 1.2) sees the string "22:22".
    root = _repo(tmp_path, {"compose.yaml": "services:\n  ssh:\n    image: sshd:9.6\n    ports:\n      - 22:22\n"})
    inv = inventory.collect(root)
    ctx = CheckContext(root=root.resolve(), inventory=inv, parsers=dict(PARSERS))
    hits = list(published_port.run(ctx, PublishedPortParams(ports={22: "SSH"})))
    assert [(h.path, h.line) for h in hits] == [("compose.yaml", 5)]
    assert "as host port 22 on all host interfaces (\"22:22\")" in hits[0].message


def test_ports_variants(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "docker-compose.yml": """
            services:
              db:
                image: postgres:16.4
                ports:
                  - "127.0.0.1:5432:5432"
                  - 5432
                  - target: 6379
                    published: "6379"
                  - target: 9200
                    host_ip: 127.0.0.1
                  - "8080:8080"
                  - "0.0.0.0:15432:5432"
                expose:
                  - "5432"
            """,
    })
    hits, _, _ = _scan(root, ["compose.db-ports-not-public"])
    assert _lines(hits, "compose.db-ports-not-public") == [6, 7, 12]
    assert hits[0][3].startswith("service 'db' publishes PostgreSQL (container port 5432) on a random host port")
    assert "Redis (container port 6379) as host port 6379" in hits[1][3]


def test_v1_format_anchors_and_merge_keys(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "docker-compose.yml": """
            web:
              image: nginx:1.27
              privileged: true
            worker:
              build: .
              cap_add: [cap_sys_admin, NET_BIND_SERVICE]
            """,
        "deploy/compose.yaml": """
            x-risky: &risky
              privileged: true
              pid: host
            services:
              agent:
                <<: *risky
                image: example/agent:2.0
                security_opt:
                  - apparmor=unconfined
                  - no-new-privileges:true
            """,
    })
    hits, _, _ = _scan(root, [
        "compose.no-privileged", "compose.no-host-namespaces", "compose.no-dangerous-capabilities",
        "compose.no-unconfined-profiles",
    ])
    got = sorted((r, p, line) for r, p, line, _ in hits)
    assert got == [
        ("compose.no-dangerous-capabilities", "docker-compose.yml", 6),
        ("compose.no-host-namespaces", "deploy/compose.yaml", 6),
        ("compose.no-privileged", "deploy/compose.yaml", 6),
        ("compose.no-privileged", "docker-compose.yml", 3),
        ("compose.no-unconfined-profiles", "deploy/compose.yaml", 9),
    ]
    caps = [m for r, _, _, m in hits if r == "compose.no-dangerous-capabilities"]
    assert caps == ["service 'worker' adds the capability cap_sys_admin, which allows escaping or controlling the host"]


def test_docker_socket_mount_forms(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "compose.yml": """
            services:
              a:
                image: portainer/portainer-ce:2.21.4
                volumes:
                  - /var/run/docker.sock:/var/run/docker.sock:ro
                  - //var/run/docker.sock:/tmp/d.sock
                  - /var/run:/host-run
                  - ${XDG_RUNTIME_DIR}/docker.sock:/var/run/docker.sock
                  - type: bind
                    source: /run/docker.sock
                    target: /run/docker.sock
                  - type: volume
                    source: docker.sock
                    target: /data
                  - ./data:/data
                  - /var/lib/app:/var/lib/app
            """,
    })
    hits, _, _ = _scan(root, ["compose.no-docker-socket"])
    assert _lines(hits, "compose.no-docker-socket") == [5, 6, 7, 8, 9]
    assert "(/var/run, which contains /var/run/docker.sock)" in hits[2][3]


def test_environment_secrets_map_and_list_forms(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "docker-compose.yml": """
            services:
              app:
                image: example/app:1.0
                environment:
                  - API_TOKEN=abc123
                  - GITHUB_TOKEN
                  - SESSION_SECRET=${SESSION_SECRET}
                  - DB_PASSWORD_FILE=/run/secrets/db_password
                  - LOG_LEVEL=info
                build:
                  context: .
                  args:
                    NPM_TOKEN: npm_abcdefghijklmnopqrstuvwxyz
              db:
                image: postgres:16.4
                environment:
                  POSTGRES_PASSWORD: "pa$$word"
                  POSTGRES_USER: app
                  MYSQL_ROOT_PASSWORD: 12345
                  REDIS_PASSWORD:
                  KEYCLOAK_ADMIN_PASSWORD: $KC_PASS
            """,
    })
    hits, _, _ = _scan(root, ["compose.no-literal-secrets"])
    assert [(line, m.split(" to a literal")[0]) for _, _, line, m in hits] == [
        (5, "service 'app' sets environment API_TOKEN"),
        (13, "service 'app' sets build.args NPM_TOKEN"),
        (17, "service 'db' sets environment POSTGRES_PASSWORD"),
        (19, "service 'db' sets environment MYSQL_ROOT_PASSWORD"),
    ]
    assert not any(v in m for *_, m in hits for v in ("abc123", "npm_abc", "pa$", "12345"))


def test_required_settings_follow_extends_and_override_files(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "docker-compose.yml": """
            services:
              base:
                image: example/app:1.0
                cap_drop: [ALL]
                read_only: true
              worker:
                extends: base
                command: ["worker"]
              web:
                extends:
                  service: base
                read_only: false
              remote:
                extends:
                  file: common.yml
                  service: app
            """,
        "docker-compose.override.yml": """
            services:
              base:
                deploy:
                  resources:
                    limits:
                      memory: 256M
              debug:
                image: example/debug:1.0
            """,
        "docker-compose.prod.yml": """
            services:
              base:
                image: example/app:1.0
                cap_drop: [ALL]
                read_only: true
            """,
    })
    hits, cov, _ = _scan(root, ["compose.cap-drop-all", "compose.read-only-rootfs", "compose.memory-limit"])
    assert cov["compose.read-only-rootfs"] is Coverage.EVALUATED
    got = sorted((r, p, line) for r, p, line, _ in hits)
    assert got == [
        ("compose.cap-drop-all", "docker-compose.override.yml", 7),  # 'debug' exists only in the override
        ("compose.memory-limit", "docker-compose.override.yml", 7),
        ("compose.memory-limit", "docker-compose.prod.yml", 2),  # the override only applies to docker-compose.yml
        ("compose.memory-limit", "docker-compose.yml", 6),  # worker: extends base from the file, not the override
        ("compose.memory-limit", "docker-compose.yml", 9),
        ("compose.read-only-rootfs", "docker-compose.override.yml", 7),
        ("compose.read-only-rootfs", "docker-compose.yml", 12),  # read_only: false points at the key
    ]


def test_image_tags(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "compose.yaml": """
            services:
              a: {image: redis}
              b: {image: "redis:7.4-alpine"}
              c: {image: "redis:alpine"}
              d: {image: "ghcr.io/example/app:${TAG:-latest}"}
              e: {build: .}
              f: {image: "registry.example.com:5000/app@sha256:5660c2cbfea50c7a9127d17dc4e48543eedd3d7a41a595a2dfa572471e37e64c"}
            """,
    })
    hits, _, _ = _scan(root, ["compose.image-version-tag"])
    assert [(line, m) for _, _, line, m in hits] == [
        (2, "service 'a' image 'redis' has no tag (means 'latest')"),
        (4, "service 'c' image 'redis:alpine' uses the floating tag 'alpine'"),
    ]


def test_unparseable_compose_file_is_skipped_and_incomplete(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "docker-compose.yml": "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
        "docker-compose.prod.yml": "services:\n  web:\n    image: [nginx\n",
    })
    hits, cov, skipped = _scan(root)
    assert len(skipped) == 1 and skipped[0].startswith("docker-compose.prod.yml: cannot parse as yaml (line ")
    assert cov["compose.no-privileged"] is Coverage.INCOMPLETE
    assert ("compose.no-privileged", "docker-compose.yml", 4) in {(r, p, line) for r, p, line, _ in hits}


FLAWED_COMPOSE = {
    ("compose.no-privileged", 7),
    ("compose.no-host-namespaces", 8),
    ("compose.no-docker-socket", 14),
    ("compose.db-ports-not-public", 22),
    ("compose.no-literal-secrets", 26),
    ("compose.image-version-tag", 6),
    ("compose.image-version-tag", 20),
    ("compose.read-only-rootfs", 4),
    ("compose.cap-drop-all", 4),
    ("compose.no-new-privileges", 4),
    ("compose.memory-limit", 4),
    ("compose.read-only-rootfs", 19),
    ("compose.cap-drop-all", 19),
    ("compose.no-new-privileges", 19),
    ("compose.memory-limit", 19),
}


def test_examples_flawed_caught_and_hardened_clean(tmp_path: Path) -> None:
    flawed = tmp_path / "flawed"
    hardened = tmp_path / "hardened"
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-flawed", flawed)
    shutil.copytree(REPO_ROOT / "examples" / "agrimarket-hardened", hardened)
    hits, _, skipped = _scan(flawed)
    assert skipped == []
    found = {(r, line) for r, p, line, _ in hits if p == "docker-compose.yml"}
    assert found == FLAWED_COMPOSE, (FLAWED_COMPOSE - found, found - FLAWED_COMPOSE)
    hits, cov, skipped = _scan(hardened)
    assert skipped == [] and hits == []
    assert set(cov.values()) == {Coverage.EVALUATED}
