"""Detection parity: productready's native configuration checks against checkov, per misconfiguration class.

    python benchmarks/vs_checkov.py                     # all Dockerfile/Kubernetes/Terraform fixtures + the examples
    python benchmarks/vs_checkov.py --quick             # 3 fixtures, no examples (smoke run)
    python benchmarks/vs_checkov.py --venv /tmp/ckv --checkov-version 3.2.533 --jobs 2

checkov is installed from PyPI into its own virtualenv (default ``~/.cache/productready-bench/checkov-venv``,
created on first use, reused afterwards); it is never installed into productready's environment.

Corpora, each copied into a temporary tree first:
  * fixtures: ``tests/fixtures/checks/<id>/fail`` of every ``dockerfile.*``, ``kubernetes.*`` and
    ``terraform.*`` check (the pass/ twins are scanned too, for the "suspicious" section only);
  * examples: the Dockerfile (with its .dockerignore), ``deploy/k8s`` and ``deploy/terraform`` of each
    example product in ``examples/``.

checkov runs once over all folders (one ``-d`` per folder; ``--checkov-mode per-folder`` runs one process
per folder instead, slower, same findings) with ``--framework dockerfile,kubernetes,terraform --skip-download``
and no network (BC_SKIP_MAPPING, CKV_SKIP_PACKAGE_UPDATE_CHECK). productready runs once per folder
(``productready scan DIR --scanner checks -q --format json``). Both tools' findings are mapped to
misconfiguration classes through the hand-written CLASSES table below; a checkov id missing from it shows
up as "other: <id> <name>" and counts as a class of its own, so nothing is hidden. A class "found" by a
tool on a folder means at least one finding of that class there.

The acceptance line is "checkov classes missed by productready: N" over the fail/ fixtures. The script
always exits 0 (it is a report) unless a tool could not run (exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "checks"
EXAMPLES = REPO / "examples"
TOPICS = ("dockerfile", "kubernetes", "terraform")
CHECKOV_VERSION = "3.2.533"  # latest 3.2.x; installs and runs on Python 3.11
DEFAULT_VENV = Path("~/.cache/productready-bench/checkov-venv").expanduser()
QUICK = ("dockerfile.non-root-user", "kubernetes.no-privileged-containers", "terraform.s3-public-acl")
CHECKOV_ENV = {
    "BC_SKIP_MAPPING": "TRUE",  # no download of the policy-id mapping
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",  # no PyPI version probe
    "CKV_GITHUB_CONFIG_FETCH_DATA": "FALSE",
    "CKV_GITLAB_CONFIG_FETCH_DATA": "FALSE",
    "BC_ENABLE_PERSIST_GRAPHS": "FALSE",
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "FALSE",
    "PYTHONWARNINGS": "ignore",
}


# ------------------------------------------------------------------------------------ the classes
@dataclass(frozen=True)
class Cls:
    name: str
    kind: str  # sec: a security misconfiguration; strict: a stricter variant of another class; ops: availability, cost, hygiene
    checkov: tuple[str, ...] = ()
    productready: tuple[str, ...] = ()
    # productready checks that necessarily fire wherever this class is present (counted for the class too)
    implied: tuple[str, ...] = ()


def C(name: str, kind: str, checkov: str = "", productready: str = "", implied: str = "") -> Cls:
    return Cls(name, kind, tuple(checkov.split()), tuple(productready.split()), tuple(implied.split()))


# Only ids whose meaning matches the class are listed; a stricter or looser checkov rule gets its own class.
CLASSES: tuple[Cls, ...] = (
    # ----------------------------------------------------------------------------- Dockerfile
    C("docker: runs as root (no USER / last USER root)", "sec", "CKV_DOCKER_3 CKV_DOCKER_8", "dockerfile.non-root-user"),
    C("docker: no HEALTHCHECK", "ops", "CKV_DOCKER_2", "dockerfile.healthcheck"),
    C("docker: base image latest / untagged", "sec", "CKV_DOCKER_7", "dockerfile.base-image-version-tag"),
    C("docker: base image not pinned by digest", "strict", "", "dockerfile.base-image-digest"),
    C("docker: end-of-life base image", "sec", "", "dockerfile.eol-base-image"),
    C("docker: SSH port exposed", "sec", "CKV_DOCKER_1", "dockerfile.no-ssh-port"),
    C("docker: ADD instead of COPY (local files or URL)", "sec", "CKV_DOCKER_4",
      "dockerfile.copy-instead-of-add dockerfile.no-add-url"),
    C("docker: sudo in build steps", "sec", "CKV2_DOCKER_1", "dockerfile.no-sudo"),
    C("docker: curl/wget piped into a shell", "sec", "", "dockerfile.no-curl-pipe-shell"),
    C("docker: secret in ENV/ARG", "sec", "", "dockerfile.no-secrets-in-env"),
    C("docker: whole context copied without .dockerignore", "sec", "", "dockerfile.context-copy-dockerignore"),
    C("docker: apt-get upgrade in image", "ops", "", "dockerfile.no-apt-upgrade"),
    C("docker: apt lists left in layer", "ops", "", "dockerfile.apt-lists-removed"),
    C("docker: apt without --no-install-recommends", "ops", "", "dockerfile.apt-no-install-recommends"),
    C("docker: pip cache left in image", "ops", "", "dockerfile.pip-no-cache-dir"),
    C("docker: package update alone in a RUN", "ops", "CKV_DOCKER_5"),
    C("docker: MAINTAINER (deprecated)", "ops", "CKV_DOCKER_6"),
    C("docker: apt instead of apt-get", "ops", "CKV_DOCKER_9"),
    C("docker: relative WORKDIR", "ops", "CKV_DOCKER_10"),
    C("docker: duplicate FROM alias", "ops", "CKV_DOCKER_11"),
    C("docker: TLS/signature verification disabled in build", "sec",
      "CKV2_DOCKER_2 CKV2_DOCKER_3 CKV2_DOCKER_4 CKV2_DOCKER_5 CKV2_DOCKER_6 CKV2_DOCKER_7 CKV2_DOCKER_8 CKV2_DOCKER_9 "
      "CKV2_DOCKER_10 CKV2_DOCKER_11 CKV2_DOCKER_12 CKV2_DOCKER_13 CKV2_DOCKER_14 CKV2_DOCKER_15 CKV2_DOCKER_16"),
    C("docker: chpasswd in build", "sec", "CKV2_DOCKER_17"),
    # ----------------------------------------------------------------------------- Kubernetes
    C("k8s: privileged container", "sec", "CKV_K8S_2 CKV_K8S_16", "kubernetes.no-privileged-containers"),
    C("k8s: hostPID", "sec", "CKV_K8S_1 CKV_K8S_17", "kubernetes.no-host-pid"),
    C("k8s: hostIPC", "sec", "CKV_K8S_3 CKV_K8S_18", "kubernetes.no-host-ipc"),
    C("k8s: hostNetwork", "sec", "CKV_K8S_4 CKV_K8S_19", "kubernetes.no-host-network"),
    C("k8s: hostPath volume (incl. docker socket)", "sec", "CKV_K8S_27", "kubernetes.no-host-path-volumes"),
    C("k8s: allowPrivilegeEscalation", "sec", "CKV_K8S_5 CKV_K8S_20", "kubernetes.no-privilege-escalation"),
    C("k8s: container may run as root", "sec", "CKV_K8S_6 CKV_K8S_23", "kubernetes.run-as-non-root"),
    C("k8s: low UID (< 10000)", "strict", "CKV_K8S_40", "kubernetes.run-as-high-uid"),
    C("k8s: writable root filesystem", "sec", "CKV_K8S_22", "kubernetes.read-only-root-filesystem"),
    C("k8s: capabilities not dropped (ALL)", "sec", "CKV_K8S_7 CKV_K8S_28 CKV_K8S_36 CKV_K8S_37",
      "kubernetes.capabilities-drop-all"),
    C("k8s: dangerous capability added (SYS_ADMIN, ...)", "sec", "CKV_K8S_39", "kubernetes.no-dangerous-capabilities"),
    C("k8s: any capability added", "strict", "CKV_K8S_25", "kubernetes.no-added-capabilities"),
    C("k8s: no seccomp profile", "sec", "CKV_K8S_31 CKV_K8S_32", "kubernetes.seccomp-profile"),
    # no securityContext at all means runAsNonRoot is unset, which kubernetes.run-as-non-root always reports
    C("k8s: no securityContext", "sec", "CKV_K8S_29 CKV_K8S_30", implied="kubernetes.run-as-non-root"),
    C("k8s: resource limits missing", "ops", "CKV_K8S_11 CKV_K8S_13", "kubernetes.resource-limits"),
    C("k8s: resource requests missing", "ops", "CKV_K8S_10 CKV_K8S_12", "kubernetes.resource-requests"),
    C("k8s: liveness/readiness probes missing", "ops", "CKV_K8S_8 CKV_K8S_9", "kubernetes.health-probes"),
    C("k8s: image tag latest / missing", "sec", "CKV_K8S_14", "kubernetes.image-pinned"),
    C("k8s: image not pinned by digest", "strict", "CKV_K8S_43", "kubernetes.image-digest"),
    C("k8s: imagePullPolicy not Always (digest-pinned images exempt)", "ops", "CKV_K8S_15", "kubernetes.image-pull-policy-always"),
    C("k8s: literal secret in env", "sec", "", "kubernetes.no-secrets-in-env"),
    C("k8s: Secret passed as env var (secretKeyRef)", "strict", "CKV_K8S_35", "kubernetes.secrets-as-files"),
    C("k8s: service-account token automounted", "sec", "CKV_K8S_38", "kubernetes.service-account-token-not-mounted"),
    C("k8s: default service account used", "sec", "CKV_K8S_41 CKV_K8S_42", "kubernetes.default-service-account-not-used"),
    C("k8s: default namespace", "ops", "CKV_K8S_21", "kubernetes.no-default-namespace"),
    C("k8s: no NetworkPolicy", "sec", "CKV2_K8S_6", "kubernetes.network-policy-present"),
    C("k8s: RBAC wildcards", "sec", "CKV_K8S_49", "kubernetes.rbac-no-wildcards"),
    C("k8s: cluster-admin binding", "sec", "", "kubernetes.no-cluster-admin-binding"),
    C("k8s: RBAC escalation grants (bind/escalate/impersonate/pods exec/...)", "sec",
      "CKV2_K8S_1 CKV2_K8S_2 CKV2_K8S_3 CKV2_K8S_4 CKV_K8S_155 CKV_K8S_156 CKV_K8S_157 CKV_K8S_158",
      "kubernetes.rbac-no-escalation"),
    C("k8s: RBAC read access to Secrets", "sec", "CKV2_K8S_5", "kubernetes.rbac-no-secret-read"),
    C("k8s: PodSecurityPolicy allows capabilities (API removed in 1.25)", "ops", "CKV_K8S_24"),
    C("k8s: hostPort", "sec", "CKV_K8S_26", "kubernetes.no-host-port"),
    C("k8s: ingress without TLS", "sec", "", "kubernetes.ingress-tls"),
    C("k8s: ingress HTTPS redirect off", "sec", "", "kubernetes.ingress-https-redirect"),
    C("k8s: database port on LoadBalancer/NodePort", "sec", "", "kubernetes.no-exposed-database-ports"),
    C("k8s: namespace without Pod Security Standard", "sec", "", "kubernetes.namespace-pod-security"),
    C("k8s: NGINX ingress snippet annotations", "sec", "CKV_K8S_152 CKV_K8S_153 CKV_K8S_154", "kubernetes.ingress-no-config-snippets"),
    # ----------------------------------------------------------------------------- Terraform: AWS
    C("aws: static provider credentials", "sec", "CKV_AWS_41", "terraform.provider-credentials"),
    C("tf: literal DB/VM password", "sec", "", "terraform.resource-literal-password"),
    C("aws: S3 public ACL", "sec", "CKV_AWS_20 CKV_AWS_57 CKV2_AWS_43 CKV_AWS_375", "terraform.s3-public-acl"),
    C("aws: S3 public access block incomplete", "sec", "CKV2_AWS_6 CKV_AWS_53 CKV_AWS_54 CKV_AWS_55 CKV_AWS_56",
      "terraform.s3-public-access-block"),
    C("aws: S3 no server-side encryption", "sec", "CKV_AWS_19", "terraform.s3-encryption"),
    C("aws: S3 default encryption not KMS", "strict", "CKV_AWS_145", "terraform.s3-kms-encryption"),
    C("aws: S3 no access logging", "sec", "CKV_AWS_18", "terraform.s3-access-logging"),
    C("aws: S3 no versioning", "ops", "CKV_AWS_21", "terraform.s3-versioning"),
    C("aws: S3 no cross-region replication", "ops", "CKV_AWS_144", "terraform.s3-replication"),
    C("aws: S3 no lifecycle configuration", "ops", "CKV2_AWS_61 CKV_AWS_300", "terraform.s3-lifecycle"),
    C("aws: S3 no event notifications", "ops", "CKV2_AWS_62", "terraform.s3-event-notifications"),
    C("aws: S3 TLS-only bucket policy missing", "sec", "CKV_AWS_379"),
    C("aws: RDS storage not encrypted", "sec", "CKV_AWS_16 CKV_AWS_96", "terraform.rds-encryption"),
    C("aws: RDS publicly accessible", "sec", "CKV_AWS_17", "terraform.rds-not-public"),
    C("aws: RDS automated backups off", "ops", "CKV_AWS_133", "terraform.rds-backups-enabled"),
    C("aws: RDS backup retention < 7 days", "ops", "", "terraform.rds-backup-retention"),
    C("aws: RDS deletion protection off", "ops", "CKV_AWS_293 CKV_AWS_139", "terraform.rds-deletion-protection"),
    C("aws: RDS no final snapshot", "ops", "", "terraform.rds-final-snapshot"),
    C("aws: RDS logs not exported", "sec", "CKV_AWS_129 CKV_AWS_324", "terraform.rds-log-exports"),
    C("aws: DB engine version unsupported/vulnerable", "sec", "CKV_AWS_250 CKV_AWS_388", "terraform.rds-engine-version"),
    C("aws: RDS Postgres query logging off (parameter group)", "sec", "CKV2_AWS_30 CKV2_AWS_27", "terraform.rds-query-logging"),
    C("aws: RDS IAM authentication off", "sec", "CKV_AWS_161 CKV_AWS_162", "terraform.rds-iam-auth"),
    C("aws: RDS auto minor upgrades off", "sec", "CKV_AWS_226", "terraform.rds-auto-minor-upgrade"),
    C("aws: RDS Multi-AZ off", "ops", "CKV_AWS_157", "terraform.rds-multi-az"),
    C("aws: RDS enhanced monitoring off", "ops", "CKV_AWS_118", "terraform.rds-enhanced-monitoring"),
    C("aws: RDS performance insights off", "ops", "CKV_AWS_353", "terraform.rds-performance-insights"),
    C("aws: RDS copy tags to snapshots off", "ops", "CKV2_AWS_60 CKV_AWS_313", "terraform.rds-copy-tags-to-snapshot"),
    C("aws: RDS cluster not encrypted with CMK", "strict", "CKV_AWS_327", "terraform.rds-cluster-cmk"),
    C("aws: RDS cluster not in an AWS Backup plan", "ops", "CKV2_AWS_8", "terraform.rds-cluster-backup-plan"),
    C("aws: DynamoDB no point-in-time recovery", "ops", "CKV_AWS_28 CKV_AWS_165", "terraform.dynamodb-pitr"),
    C("aws: DynamoDB not encrypted with CMK", "strict", "CKV_AWS_119", "terraform.dynamodb-cmk"),
    C("net: SSH/RDP open to the internet", "sec", "CKV_AWS_24 CKV_AWS_25 CKV_GCP_2 CKV_GCP_3 CKV_AZURE_9 CKV_AZURE_10",
      "terraform.sg-admin-ports"),
    C("net: database ports open to the internet", "sec", "", "terraform.sg-database-ports"),
    C("net: all ports open to the internet (ingress)", "sec", "CKV_AWS_277"),
    C("net: port 80 open to the internet", "sec", "CKV_AWS_260"),
    C("net: unrestricted egress", "sec", "CKV_AWS_382", "terraform.sg-unrestricted-egress"),
    C("aws: security group rule without description", "ops", "CKV_AWS_23", "terraform.sg-rule-description"),
    C("aws: security group not attached", "ops", "CKV2_AWS_5", "terraform.sg-attached"),
    C("aws: EBS not encrypted", "sec", "CKV_AWS_3 CKV_AWS_8 CKV_AWS_106 CKV2_AWS_2", "terraform.ebs-encryption"),
    C("aws: EBS not encrypted with CMK", "strict", "CKV_AWS_189", "terraform.ebs-cmk"),
    C("kms: key rotation off", "sec", "CKV_AWS_7 CKV_GCP_43", "terraform.kms-key-rotation"),
    C("aws: KMS key policy not defined", "sec", "CKV2_AWS_64", "terraform.kms-key-policy"),
    C("aws: over-permissive IAM policy (wildcards, escalation, admin)", "sec",
      "CKV_AWS_1 CKV_AWS_49 CKV_AWS_62 CKV_AWS_63 CKV_AWS_107 CKV_AWS_108 CKV_AWS_109 CKV_AWS_110 CKV_AWS_111 "
      "CKV_AWS_274 CKV_AWS_283 CKV_AWS_286 CKV_AWS_287 CKV_AWS_288 CKV_AWS_289 CKV_AWS_290 CKV_AWS_355 CKV_AWS_356 "
      "CKV2_AWS_40 CKV2_AWS_56 CKV_AWS_60 CKV_AWS_61"),
    C("aws: no CloudTrail", "sec", "", "terraform.cloudtrail-present"),
    C("aws: CloudTrail log validation off", "sec", "CKV_AWS_36", "terraform.cloudtrail-log-validation"),
    C("aws: CloudTrail not multi-region", "sec", "CKV_AWS_67", "terraform.cloudtrail-multi-region"),
    C("aws: CloudTrail logging disabled", "sec", "CKV_AWS_251", "terraform.cloudtrail-logging-enabled"),
    C("aws: CloudTrail not encrypted with KMS", "strict", "CKV_AWS_35", "terraform.cloudtrail-kms"),
    C("aws: CloudTrail not sent to CloudWatch Logs", "sec", "CKV2_AWS_10", "terraform.cloudtrail-cloudwatch"),
    C("aws: CloudTrail no SNS topic", "ops", "CKV_AWS_252", "terraform.cloudtrail-sns"),
    C("tls: plain HTTP served (LB/CDN/storage)", "sec",
      "CKV_AWS_2 CKV_AWS_34 CKV2_AWS_20 CKV_AWS_378 CKV2_AWS_72 CKV_AZURE_3", "terraform.https-only"),
    C("tls: TLS < 1.2 accepted", "sec", "CKV_AWS_103 CKV_AWS_174 CKV2_AWS_54 CKV_AZURE_44 CKV_AZURE_52",
      "terraform.tls-min-version"),
    C("aws: CloudFront no WAF", "sec", "CKV_AWS_68", "terraform.cloudfront-waf"),
    # checkov's CKV2_AWS_47 also fails a distribution with no WAFv2 ACL at all, which cloudfront-waf reports
    C("aws: WAF without the known-bad-inputs (Log4j) rule set", "sec", "CKV2_AWS_47 CKV_AWS_192",
      "terraform.waf-known-bad-inputs", implied="terraform.cloudfront-waf"),
    C("aws: CloudFront no access logging", "sec", "CKV_AWS_86", "terraform.cloudfront-access-logging"),
    C("aws: CloudFront no response headers policy", "sec", "CKV2_AWS_32", "terraform.cloudfront-security-headers"),
    C("aws: CloudFront no default root object", "sec", "CKV_AWS_305", "terraform.cloudfront-default-root-object"),
    C("aws: CloudFront no origin failover", "ops", "CKV_AWS_310", "terraform.cloudfront-origin-failover"),
    C("aws: CloudFront no geo restriction", "ops", "CKV_AWS_374", "terraform.cloudfront-geo-restriction"),
    # ----------------------------------------------------------------------------- Terraform: GCP, Azure
    C("gcp: bucket without uniform access", "sec", "CKV_GCP_29", "terraform.gcs-uniform-access"),
    C("gcp: bucket granted to allUsers/allAuthenticatedUsers", "sec", "CKV_GCP_28", "terraform.gcs-public-members"),
    C("gcp: bucket public access prevention not enforced", "sec", "CKV_GCP_114", "terraform.gcs-public-access-prevention"),
    C("gcp: bucket no access logging", "sec", "CKV_GCP_62", "terraform.gcs-access-logging"),
    C("gcp: bucket no versioning", "ops", "CKV_GCP_78", "terraform.gcs-versioning"),
    C("azure: anonymous blob/container access", "sec", "CKV_AZURE_34 CKV_AZURE_190 CKV2_AZURE_8 CKV2_AZURE_47",
      "terraform.azure-storage-public"),
    C("azure: storage public network access", "sec", "CKV_AZURE_59 CKV_AZURE_35"),
    C("azure: storage blob/table/queue logging off", "sec", "CKV2_AZURE_21 CKV2_AZURE_20 CKV_AZURE_33",
      "terraform.azure-storage-logging"),
    C("azure: storage not encrypted with CMK", "strict", "CKV2_AZURE_1"),
    C("azure: storage no private endpoint", "sec", "CKV2_AZURE_33"),
    C("azure: storage soft delete off", "ops", "CKV2_AZURE_38"),
    C("azure: storage Shared Key authorization on", "sec", "CKV2_AZURE_40"),
    C("azure: storage no SAS expiration policy", "sec", "CKV2_AZURE_41"),
    C("azure: storage no geo-replication", "ops", "CKV_AZURE_206"),
)

CKV_CLASS = {cid: c for c in CLASSES for cid in c.checkov}
PR_CLASS = {pid: c for c in CLASSES for pid in c.productready}
assert len(CKV_CLASS) == sum(len(c.checkov) for c in CLASSES), "a checkov id is in two classes"
assert len(PR_CLASS) == sum(len(c.productready) for c in CLASSES), "a productready id is in two classes"
PR_IMPLIED: dict[str, list[Cls]] = defaultdict(list)
for _c in CLASSES:
    for _pid in _c.implied:
        PR_IMPLIED[_pid].append(_c)


# ------------------------------------------------------------------------------------ helpers
class ToolError(RuntimeError):
    pass


@dataclass
class Folder:
    key: str  # e.g. "fixtures/kubernetes.no-host-pid/fail" or "examples/agrimarket-flawed"
    corpus: str  # "fail", "pass" or "examples"
    own_check: str = ""  # the productready check whose fixture this is
    path: Path = field(default=Path())


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0  # user+sys of the tool's reaped process trees
    runs: int = 0


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(argv: list[str], *, timeout: float, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{Path(argv[0]).name} timed out after {timeout:.0f}s: {' '.join(argv[:6])} ...") from exc
    except OSError as exc:
        raise ToolError(f"cannot run {argv[0]}: {exc}") from exc


def json_documents(text: str) -> list[object]:
    """checkov prints one JSON document per -d folder, one after the other."""
    dec, out, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        obj, i = dec.raw_decode(text, i)
        out.append(obj)


# ------------------------------------------------------------------------------------ checkov
def ensure_checkov(venv_dir: Path, version: str, timeout: float) -> Path:
    exe = venv_dir / "bin" / "checkov"
    py = venv_dir / "bin" / "python"
    if exe.exists():
        have = run([str(exe), "--version"], timeout=120, env=checkov_env()).stdout.strip()
        if have == version:
            return exe
        print(f"checkov {have or '?'} in {venv_dir}; installing {version}", flush=True)
    else:
        print(f"creating {venv_dir} and installing checkov=={version} from PyPI (takes a minute or two)", flush=True)
        venv_dir.parent.mkdir(parents=True, exist_ok=True)
        res = run([sys.executable, "-m", "venv", str(venv_dir)], timeout=300)
        if res.returncode:
            raise ToolError(f"could not create the checkov virtualenv {venv_dir}: {res.stderr.strip()[-500:]}")
    if Path(sys.prefix).resolve() == venv_dir.resolve():
        raise ToolError("refusing to install checkov into the environment running this script")
    res = run([str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q", f"checkov=={version}"],
              timeout=timeout)
    if res.returncode or not exe.exists():
        raise ToolError(f"pip install checkov=={version} failed:\n{(res.stdout + res.stderr).strip()[-1500:]}")
    return exe


def checkov_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "CKV_", "CHECKOV_", "PRISMA_"))}
    env.update(CHECKOV_ENV)
    return env


def checkov_argv(exe: Path, dirs: list[Path]) -> list[str]:
    folders = [arg for d in dirs for arg in ("-d", str(d))]
    return [str(exe), *folders, "--framework", "dockerfile,kubernetes,terraform", "--output", "json", "--quiet",
            "--compact", "--skip-download", "--download-external-modules", "false"]


def parse_checkov(stdout: str, root: Path, folders: list[Folder],
                  results: dict[str, set[tuple[str, str]]], parse_errors: dict[str, int]) -> None:
    """Add (check_id, check_name) per folder key. Documents may repeat earlier folders' results
    (checkov 3.2 accumulates its report across -d folders), so this only ever adds to sets."""
    by_path = sorted(((f.path.resolve(), f.key) for f in folders), key=lambda p: -len(p[0].parts))
    try:
        docs = json_documents(stdout)
    except json.JSONDecodeError as exc:
        raise ToolError(f"checkov printed no parsable JSON ({exc}); first bytes: {stdout[:300]!r}") from exc
    for doc in docs:
        for rep in doc if isinstance(doc, list) else [doc]:
            if not isinstance(rep, dict) or "results" not in rep:
                continue
            for fc in rep["results"].get("failed_checks", []):
                path = Path(fc.get("file_abs_path") or "").resolve()
                key = next((k for p, k in by_path if path == p or p in path.parents), None)
                if key is None:
                    raise ToolError(f"checkov reported a file outside the corpus: {path}")
                results[key].add((fc["check_id"], fc.get("check_name", "")))
            n = rep.get("summary", {}).get("parsing_errors", 0)
            if n:
                parse_errors[rep.get("check_type", "?")] = max(parse_errors.get(rep.get("check_type", "?"), 0), n)


def run_checkov(exe: Path, root: Path, folders: list[Folder], mode: str, timeout: float,
                timing: Timing) -> tuple[dict[str, set[tuple[str, str]]], dict[str, int]]:
    results: dict[str, set[tuple[str, str]]] = defaultdict(set)
    parse_errors: dict[str, int] = {}
    batches = [folders] if mode == "batch" else [[f] for f in folders]
    for batch in batches:
        cpu0, t0 = children_cpu(), time.perf_counter()
        res = run(checkov_argv(exe, [f.path for f in batch]), timeout=timeout, env=checkov_env(), cwd=root)
        timing.wall += time.perf_counter() - t0
        timing.cpu += children_cpu() - cpu0
        timing.runs += 1
        if res.returncode not in (0, 1):  # 1: some check failed
            raise ToolError(f"checkov exited {res.returncode}:\n{res.stderr.strip()[-1500:]}")
        parse_checkov(res.stdout, root, batch, results, parse_errors)
    return results, parse_errors


# ------------------------------------------------------------------------------------ productready
def productready_exe() -> Path:
    exe = Path(sys.executable).with_name("productready")
    if exe.exists():
        return exe
    found = shutil.which("productready")
    if not found:
        raise ToolError("productready is not installed in this environment (pip install -e .)")
    return Path(found)


def run_productready(exe: Path, root: Path, folders: list[Folder], jobs: int, timeout: float,
                     timing: Timing) -> tuple[dict[str, set[str]], list[str]]:
    out_root = root / "_productready-out"
    results: dict[str, set[str]] = {}
    notes: list[str] = []

    def one(folder: Folder) -> tuple[str, set[str], list[str], float]:
        out = out_root / folder.key
        t0 = time.perf_counter()
        res = run([str(exe), "scan", str(folder.path), "--scanner", "checks", "-q", "-o", str(out), "--format", "json"],
                  timeout=timeout, cwd=root)
        wall = time.perf_counter() - t0
        report = out / "report.json"
        if not report.exists():
            raise ToolError(f"productready scan {folder.key} exited {res.returncode} without a report:\n"
                            f"{(res.stdout + res.stderr).strip()[-1500:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
        found = {f["rule_id"].removeprefix("checks:") for f in data["findings"] if f.get("scanner") == "checks"}
        extra = []
        for scan in data.get("scans", []):
            if scan.get("scanner") == "checks":
                if scan.get("status") != "ok":
                    raise ToolError(f"productready's checks scanner on {folder.key}: {scan.get('status')} "
                                    f"{scan.get('reason')}")
                extra += [f"{folder.key}: productready skipped {s}" for s in scan.get("skipped", [])]
        return folder.key, {i for i in found if i.split(".")[0] in TOPICS}, extra, wall

    cpu0, t0 = children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for key, found, extra, _ in pool.map(one, folders):
            results[key] = found
            notes += extra
            timing.runs += 1
    timing.wall += time.perf_counter() - t0
    timing.cpu += children_cpu() - cpu0
    return results, notes


# ------------------------------------------------------------------------------------ corpus
def build_corpus(root: Path, quick: bool, with_pass: bool, with_examples: bool) -> list[Folder]:
    folders: list[Folder] = []
    checks = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name.split(".")[0] in TOPICS)
    if quick:
        checks = [c for c in checks if c in QUICK]
    for check in checks:
        for side in ("fail", "pass") if with_pass else ("fail",):
            src = FIXTURES / check / side
            if not src.is_dir():
                continue
            key = f"fixtures/{check}/{side}"
            shutil.copytree(src, root / key)
            folders.append(Folder(key, side, check, root / key))
    if with_examples and not quick:
        for ex in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
            parts = [rel for rel in ("Dockerfile", ".dockerignore", "deploy/k8s", "deploy/terraform") if (ex / rel).exists()]
            if not any(p in parts for p in ("Dockerfile", "deploy/k8s", "deploy/terraform")):
                continue
            key = f"examples/{ex.name}"
            for rel in parts:
                src, dst = ex / rel, root / key / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)
            folders.append(Folder(key, "examples", "", root / key))
    return folders


# ------------------------------------------------------------------------------------ report
def class_of_checkov(cid: str, name: str) -> str:
    c = CKV_CLASS.get(cid)
    return c.name if c else f"other: {cid} {name}"


def class_of_pr(pid: str) -> str:
    c = PR_CLASS.get(pid)
    return c.name if c else f"productready: {pid}"


KIND = {c.name: c.kind for c in CLASSES}
VERDICT = {(True, True): "both", (False, True): "only productready", (True, False): "only checkov",
           (False, False): "neither"}


NAME_WIDTH = 62


def table(title: str, folders: list[Folder], ckv: dict[str, set[tuple[str, str]]],
          pr: dict[str, set[str]]) -> dict[str, tuple[set[str], set[str]]]:
    """Print the class table of one corpus; return {class: (checkov ids, folders)} of the classes checkov
    found and productready never did."""
    keys = [f.key for f in folders]
    ckv_cls: dict[str, set[str]] = defaultdict(set)
    pr_cls: dict[str, set[str]] = defaultdict(set)
    for k in keys:
        for cid, name in ckv.get(k, ()):
            ckv_cls[class_of_checkov(cid, name)].add(k)
        for pid in pr.get(k, ()):
            pr_cls[class_of_pr(pid)].add(k)
            for c in PR_IMPLIED.get(pid, ()):
                if any(CKV_CLASS.get(cid) is c for cid, _ in ckv.get(k, ())):
                    pr_cls[c.name].add(k)
    names = sorted(set(ckv_cls) | set(pr_cls),
                   key=lambda n: (n.startswith(("other:", "productready:")), n.split(":")[0], n))
    w = min(NAME_WIDTH, max([len(n) for n in names] + [30]))
    print(f"\n## {title}: {len(keys)} folders")
    print(f"{'class':<{w}} | kind   | checkov | productready | ckv-only | verdict")
    print(f"{'-' * w}-|--------|---------|--------------|----------|------------------")
    missed: dict[str, tuple[set[str], set[str]]] = {}
    for n in names:
        a, b = ckv_cls.get(n, set()), pr_cls.get(n, set())
        verdict = VERDICT[(bool(a), bool(b))]
        if verdict == "only checkov":
            ids = {cid for k in a for cid, name in ckv.get(k, ()) if class_of_checkov(cid, name) == n}
            missed[n] = (ids, a)
        kind = KIND.get(n, "?")
        label = n if len(n) <= w else n[: w - 3] + "..."
        print(f"{label:<{w}} | {kind:<6} | {len(a):>7} | {len(b):>12} | {len(a - b):>8} | {verdict}")
    counts = defaultdict(int)
    for n in names:
        counts[VERDICT[(bool(ckv_cls.get(n)), bool(pr_cls.get(n)))]] += 1
    print(f"classes: {len(names)}  " + "  ".join(f"{v}: {counts[v]}" for v in ("both", "only productready", "only checkov")))
    return missed


def disagreements(folders: list[Folder], ckv: dict[str, set[tuple[str, str]]], pr: dict[str, set[str]],
                  limit: int) -> None:
    """Per folder: classes both tools cover where checkov fired and productready did not (or the reverse on
    a pass fixture's own class)."""
    rows = []
    for f in folders:
        pr_here = {class_of_pr(p) for p in pr.get(f.key, ())}
        pr_here |= {c.name for p in pr.get(f.key, ()) for c in PR_IMPLIED.get(p, ())}
        for cid, _name in sorted(ckv.get(f.key, ())):
            c = CKV_CLASS.get(cid)
            if c and c.productready and c.name not in pr_here:
                own = f.own_check in c.productready
                rows.append((not own, f.corpus, f.key, cid, c.name, own))
        if f.corpus == "pass" and f.own_check in pr.get(f.key, ()):
            rows.append((False, "pass", f.key, "-", f"productready fires {f.own_check} on its own pass fixture", True))
    print(f"\n## folders where checkov found a class productready covers but productready did not: {len(rows)}")
    if not rows:
        return
    print("(own = the class of the check the fixture was written for)")
    for *_, key, cid, name, own in sorted(rows)[:limit]:
        print(f"  {'OWN ' if own else '    '}{key:<55} {cid:<13} {name}")
    if len(rows) > limit:
        print(f"  ... {len(rows) - limit} more (--show N)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}; no examples")
    ap.add_argument("--venv", type=Path, default=DEFAULT_VENV, help=f"checkov's virtualenv (default {DEFAULT_VENV})")
    ap.add_argument("--checkov-version", default=CHECKOV_VERSION)
    ap.add_argument("--checkov-mode", choices=("batch", "per-folder"), default="batch",
                    help="one checkov process for all folders (default) or one per folder")
    ap.add_argument("--no-pass", action="store_true", help="skip the pass/ fixtures (no 'suspicious' section)")
    ap.add_argument("--no-examples", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="productready scans run in parallel")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds for one checkov run / pip install")
    ap.add_argument("--pr-timeout", type=float, default=300, help="seconds for one productready scan")
    ap.add_argument("--show", type=int, default=40, help="disagreement rows to print")
    ap.add_argument("--keep", action="store_true", help="keep the temporary tree and print its path")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="pr-vs-checkov-"))
    try:
        try:
            ckv_exe = ensure_checkov(args.venv.expanduser(), args.checkov_version, args.timeout)
            ckv_version = run([str(ckv_exe), "--version"], timeout=120, env=checkov_env()).stdout.strip()
            pr_exe = productready_exe()
            pr_version = metadata.version("productready")
            folders = build_corpus(tmp, args.quick, not args.no_pass, not args.no_examples)
            n = defaultdict(int)
            for f in folders:
                n[f.corpus] += 1
            print(f"checkov {ckv_version} ({args.venv}); productready {pr_version} ({pr_exe})")
            print("corpus: " + ", ".join(f"{v} {k}" for k, v in n.items()) + f"; temp tree {tmp}")
            t_ckv, t_pr = Timing(), Timing()
            print(f"running checkov ({args.checkov_mode}) ...", flush=True)
            ckv, ckv_parse_errors = run_checkov(ckv_exe, tmp, folders, args.checkov_mode, args.timeout, t_ckv)
            print(f"running productready ({len(folders)} scans, {args.jobs} at a time) ...", flush=True)
            pr, pr_notes = run_productready(pr_exe, tmp, folders, args.jobs, args.pr_timeout, t_pr)
        except ToolError as exc:
            print(f"\nerror: {exc}", file=sys.stderr)
            return 2

        fail = [f for f in folders if f.corpus == "fail"]
        missed = table("fail/ fixtures (acceptance corpus)", fail, ckv, pr)
        examples = [f for f in folders if f.corpus == "examples"]
        ex_missed = table("examples: Dockerfile, deploy/k8s, deploy/terraform", examples, ckv, pr) if examples else []
        disagreements([f for f in folders if f.corpus != "examples"], ckv, pr, args.show)

        print("\n## timing")
        for name, t in (("checkov", t_ckv), ("productready", t_pr)):
            print(f"{name:<13} {t.runs:>4} runs  wall {t.wall:7.1f} s  cpu {t.cpu:7.1f} s  "
                  f"({t.cpu / max(1, len(folders)):.2f} cpu-s per folder)")
        if t_pr.runs > 1 and args.jobs > 1:
            print(f"(productready wall time is for {args.jobs} scans in parallel)")
        for kind, count in ckv_parse_errors.items():
            print(f"note: checkov reported {count} {kind} parsing error(s)")
        for note in pr_notes:
            print(f"note: {note}")

        def listing(m: dict[str, tuple[set[str], set[str]]]) -> None:
            for kind in ("sec", "strict", "ops", "?"):
                for n in sorted(x for x in m if KIND.get(x, "?") == kind):
                    ids, where = m[n]
                    shown = ", ".join(k.split("/", 1)[1].removesuffix("/fail") for k in sorted(where)[:2])
                    more = f" +{len(where) - 2}" if len(where) > 2 else ""
                    print(f"  [{kind}] {n[:NAME_WIDTH]} -- {' '.join(sorted(ids))} -- {shown}{more}")

        if examples:
            print(f"\nexamples: checkov classes missed by productready: {len(ex_missed)}")
            listing(ex_missed)
        print(f"\ncheckov classes missed by productready: {len(missed)}")
        listing(missed)
        return 0
    finally:
        if args.keep:
            print(f"(kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
