"""Kubernetes checks: the example twins, Helm template neutralisation, and tricky manifests."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import CHECK_KINDS
from productready.checks.base import ParseFailure
from productready.checks.kubernetes import image_reference, parse_helm_template
from productready.checks.rulesets import Check, load_checks
from productready.config import load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner

RULESET = REPO_ROOT / "rulesets" / "kubernetes.yaml"
EXAMPLES = REPO_ROOT / "examples"


class _KubernetesOnly(ChecksScanner):
    """The checks scanner restricted to rulesets/kubernetes.yaml (other topics do not matter here)."""

    def checks(self) -> list[Check]:
        return load_checks(CHECK_KINDS, [RULESET])


SCANNER = _KubernetesOnly()

Hit = tuple[str, str, int, str]  # check id, path, line, message


def _scan_dir(root: Path, only: list[str] | None = None) -> tuple[list[Hit], dict[str, Coverage], list[str]]:
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = SCANNER.run(ctx, only=only)
    hits = [(f.rule_id.removeprefix("checks:"), f.location.path, f.location.line, f.message) for f in res.findings]
    cov = {rule.removeprefix("checks:"): c for rule, c in res.coverage}
    return hits, cov, [f"{s.path}: {s.reason}" for s in res.skipped]


def _scan(tmp_path: Path, files: dict[str, str], only: list[str] | None = None) -> tuple[list[Hit], dict[str, Coverage], list[str]]:
    root = tmp_path / "repo"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    return _scan_dir(root, only)


def _ids(hits: list[Hit]) -> set[tuple[str, str, int]]:
    return {(c, p, line) for c, p, line, _ in hits}


# --------------------------------------------------------------------------------------------
# The example twins
# --------------------------------------------------------------------------------------------

FLAWED_EXPECTED = {
    ("network-policy-present", "deploy/k8s/deployment.yaml", 2),
    ("service-account-token-not-mounted", "deploy/k8s/deployment.yaml", 21),
    ("no-host-network", "deploy/k8s/deployment.yaml", 22),
    ("seccomp-profile", "deploy/k8s/deployment.yaml", 23),
    *{(c, "deploy/k8s/deployment.yaml", line) for line in (24, 42) for c in (
        "health-probes", "no-privilege-escalation", "read-only-root-filesystem",
        "resource-limits", "resource-requests", "run-as-non-root",
    )},
    ("image-pinned", "deploy/k8s/deployment.yaml", 25),
    ("no-secrets-in-env", "deploy/k8s/deployment.yaml", 33),
    ("no-secrets-in-env", "deploy/k8s/deployment.yaml", 35),
    ("capabilities-drop-all", "deploy/k8s/deployment.yaml", 37),
    ("no-dangerous-capabilities", "deploy/k8s/deployment.yaml", 38),
    ("image-pinned", "deploy/k8s/deployment.yaml", 43),
    ("capabilities-drop-all", "deploy/k8s/deployment.yaml", 44),
    ("no-privileged-containers", "deploy/k8s/deployment.yaml", 45),
    ("no-host-path-volumes", "deploy/k8s/deployment.yaml", 52),
    ("no-host-path-volumes", "deploy/k8s/deployment.yaml", 56),
    ("ingress-https-redirect", "deploy/k8s/ingress.yaml", 7),
    ("ingress-tls", "deploy/k8s/ingress.yaml", 8),
    ("namespace-pod-security", "deploy/k8s/namespace.yaml", 4),
    ("rbac-no-wildcards", "deploy/k8s/rbac.yaml", 15),
    ("no-cluster-admin-binding", "deploy/k8s/rbac.yaml", 42),
    # the stricter checks (checkov parity): digests, any added capability, UID >= 10000, RBAC grants
    ("image-digest", "deploy/k8s/deployment.yaml", 25),
    ("image-digest", "deploy/k8s/deployment.yaml", 43),
    ("no-added-capabilities", "deploy/k8s/deployment.yaml", 38),
    ("run-as-high-uid", "deploy/k8s/deployment.yaml", 23),
    ("rbac-no-escalation", "deploy/k8s/rbac.yaml", 15),
    ("rbac-no-secret-read", "deploy/k8s/rbac.yaml", 15),
}


def _example(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(EXAMPLES / name / "deploy" / "k8s", root / "deploy" / "k8s", symlinks=True)
    return root


def test_flawed_example_every_planted_kubernetes_flaw_is_caught(tmp_path: Path) -> None:
    hits, cov, skipped = _scan_dir(_example("agrimarket-flawed", tmp_path))
    assert skipped == []
    assert {(f"kubernetes.{c}", p, line) for c, p, line in FLAWED_EXPECTED} == _ids(hits)
    assert all(c is Coverage.EVALUATED for c in cov.values())
    messages = "\n".join(m for *_, m in hits)
    assert "Harvest2019" not in messages and "agp_live" not in messages  # secret values never shown
    assert "env DB_PASSWORD holds a literal value" in messages


def test_hardened_example_triggers_no_kubernetes_check(tmp_path: Path) -> None:
    hits, cov, skipped = _scan_dir(_example("agrimarket-hardened", tmp_path))
    assert skipped == []
    assert hits == []
    assert len(cov) >= 18 and all(c is Coverage.EVALUATED for c in cov.values()), cov


# --------------------------------------------------------------------------------------------
# Helm templates
# --------------------------------------------------------------------------------------------

CHART = """\
apiVersion: v2
name: orders
version: 0.1.0
"""

HELM_DEPLOYMENT = """\
{{- /*
  A hand-written template that neutralises cleanly.
*/ -}}
{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "orders.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "orders.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    metadata:
      labels:
        {{- include "orders.selectorLabels" . | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: api
          image: "{{ .Values.image.repository }}:2.3.1"
          securityContext:
            privileged: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          env:
            - name: ORDERS_DB_PASSWORD
              value: {{ .Values.db.password | quote }}
{{- end }}
"""


def test_helm_template_neutralised_and_checked_with_original_lines(tmp_path: Path) -> None:
    hits, cov, skipped = _scan(
        tmp_path,
        {"charts/orders/Chart.yaml": CHART, "charts/orders/templates/deployment.yaml": HELM_DEPLOYMENT},
        only=["kubernetes.no-privileged-containers", "kubernetes.no-secrets-in-env", "kubernetes.image-pinned", "kubernetes.run-as-non-root"],
    )
    assert skipped == []
    assert _ids(hits) == {
        ("kubernetes.no-privileged-containers", "charts/orders/templates/deployment.yaml", 28),
        ("kubernetes.no-secrets-in-env", "charts/orders/templates/deployment.yaml", 35),
    }
    names = [m for *_, m in hits]
    assert any("Deployment '{{…}}'" in m for m in names), names
    assert any("(set by a template expression)" in m for m in names)
    assert all(c is Coverage.EVALUATED for c in cov.values())


def test_helm_template_whole_document_condition_marks_document_conditional() -> None:
    docs = parse_helm_template(HELM_DEPLOYMENT, "t.yaml")
    assert len(docs) == 1 and docs[0].conditional
    assert docs[0].data["metadata"]["labels"] == {}  # the include was dropped: labels cannot matter
    plain = parse_helm_template("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: x\n", "t.yaml")
    assert not plain[0].conditional


def test_helm_if_before_document_separator_wraps_the_next_document() -> None:
    text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n{{- if .Values.np }}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: b\n{{- end }}\n"
    docs = parse_helm_template(text, "t.yaml")
    assert [d.conditional for d in docs] == [False, True]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      securityContext:\n        {{- toYaml .Values.sc | nindent 8 }}\n",
         7, "inserts YAML at 'spec.containers.0.securityContext'"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      securityContext: {{- toYaml .Values.sc | nindent 8 }}\n",
         6, "inserts YAML"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  securityContext:\n    {{- if .Values.strict }}\n    runAsNonRoot: true\n    {{- end }}\n  containers: []\n",
         6, "'runAsNonRoot' is set only when a template condition holds"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: \"app:{{ .Values.tag }}\"\n",
         6, "image tag is set by a template expression"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: {{ .Values.hostNetwork }}\n",
         4, "'hostNetwork' is set by a template expression"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  {{- if .Values.a }}\n  hostPID: true\n  {{- else }}\n  hostPID: false\n  {{- end }}\n",
         7, "duplicate key 'hostPID'"),
        ("apiVersion: v1\nkind: Pod\n{{- end }}\n", 3, "without an open block"),
        ("{{- if .Values.a }}\napiVersion: v1\nkind: Pod\n", None, "never closed"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {{ if .Values.a }}x{{ end }}\n", 3, "control action inside a YAML line"),
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [{{ .Values.verb }}]\n",
         6, "'verbs' lists a value set by a template expression"),
        ("{{ include \"orders.deployment\" . }}\n", 1, "inserts YAML at 'the top level'"),
        ("apiVersion: v1\nkind: Service\nspec:\n  type: {{ .Values.type }}\n  ports:\n    - port: {{ .Values.port }}\n",
         4, "the Service type is set by a template expression"),
        ("apiVersion: v1\nkind: Pod\nspec:\n  serviceAccountName: {{ include \"x.sa\" . }}\n  containers: []\n",
         4, "ServiceAccount is named by a template expression"),
        ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name\n    }}\n", 4, "spans several lines"),
    ],
)
def test_helm_template_that_cannot_be_judged_is_a_parse_failure(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(ParseFailure) as err:
        parse_helm_template(text, "templates/x.yaml")
    assert fragment in err.value.message
    assert err.value.line == line


def test_helm_values_that_cannot_change_a_verdict_are_accepted() -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  type: ClusterIP\n"
        "  ports:\n    - port: {{ .Values.port }}\n---\napiVersion: v1\nkind: Pod\nspec:\n"
        "  serviceAccountName: {{ .Values.sa }}\n  automountServiceAccountToken: false\n  containers:\n"
        "    - name: a\n      image: \"{{ .Values.registry }}/app:1.2.3\"\n      args:\n        {{- toYaml .Values.args | nindent 8 }}\n"
    )
    docs = parse_helm_template(text, "t.yaml")
    assert [d.data["kind"] for d in docs] == ["Service", "Pod"]
    assert docs[1].data["spec"]["containers"][0]["args"] == {}


def test_helm_define_bodies_and_assignments_are_dropped() -> None:
    text = '{{- define "x.name" -}}\nnot: [valid\n{{- end }}\n{{- $name := "a" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ $name }}\n'
    docs = parse_helm_template(text, "t.yaml")
    assert docs[0].data["kind"] == "ConfigMap"
    assert docs[0].lines.line_of(("metadata", "name")) == 8


def test_helm_template_that_does_not_parse_is_skipped_and_makes_checks_incomplete(tmp_path: Path) -> None:
    hits, cov, skipped = _scan(
        tmp_path,
        {
            "chart/Chart.yaml": CHART,
            "chart/templates/deployment.yaml": """\
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ include "orders.fullname" . }}
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: "nginx:1.27"
                      securityContext:
                        {{- toYaml .Values.securityContext | nindent 12 }}
            """,
            "k8s/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        },
    )
    assert hits == []
    assert len(skipped) == 1 and skipped[0].startswith("chart/templates/deployment.yaml: cannot parse as helm-template (line 12)")
    assert set(cov.values()) == {Coverage.INCOMPLETE}


# --------------------------------------------------------------------------------------------
# Plain manifests: tricky cases
# --------------------------------------------------------------------------------------------


def test_broken_yaml_never_crashes_and_is_incomplete(tmp_path: Path) -> None:
    hits, cov, skipped = _scan(tmp_path, {
        "k8s/broken.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n",
        "k8s/weird.yaml": "apiVersion: v1\nkind: Pod\nspec:\n  containers: 3\n  volumes: {a: 1}\n---\n- just\n- a list\n---\napiVersion: v1\nkind: List\nitems: nope\n",
    })
    # the odd Pod still is a Pod: only the pod-level checks that need no container list fire
    assert {c for c, *_ in hits} == {"kubernetes.network-policy-present", "kubernetes.service-account-token-not-mounted"}
    assert [s.split(":")[0] for s in skipped] == ["k8s/broken.yaml"]
    assert set(cov.values()) == {Coverage.INCOMPLETE}


def test_multi_document_and_list_objects(tmp_path: Path) -> None:
    hits, _, _ = _scan(tmp_path, {"k8s/all.yaml": """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata:
              name: debug
            spec:
              hostPID: true
              containers:
                - name: sh
                  image: busybox
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly
        spec:
          schedule: "0 1 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  hostNetwork: true
                  containers:
                    - name: job
                      image: registry:5000/tools/job:1.0
        """}, only=["kubernetes.no-host-pid", "kubernetes.no-host-network", "kubernetes.image-pinned"])
    assert _ids(hits) == {
        ("kubernetes.no-host-pid", "k8s/all.yaml", 14),
        ("kubernetes.image-pinned", "k8s/all.yaml", 17),
        ("kubernetes.no-host-network", "k8s/all.yaml", 29),
    }
    assert any("Pod 'debug' sets hostPID: true" in m for *_, m in hits)


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: a
      image: app:1
    - name: b
      image: app:1
      securityContext:
        runAsUser: 0
    - name: c
      image: app:1
      securityContext:
        runAsNonRoot: false
  initContainers:
    - name: init
      image: app:1
      securityContext:
        runAsUser: 1000
"""


def test_run_as_non_root_inherits_and_overrides(tmp_path: Path) -> None:
    hits, _, _ = _scan(tmp_path, {"pod.yaml": POD}, only=["kubernetes.run-as-non-root"])
    assert sorted((line, m) for _, _, line, m in hits) == [
        (14, "container 'b' in Pod 'p' runs as root (runAsUser: 0)"),
        (18, "container 'c' in Pod 'p' sets runAsNonRoot: false"),
    ]


def test_uid_zero_at_pod_level_fails_every_container_that_does_not_override(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 0, runAsNonRoot: true}\n  containers:\n    - {name: a, image: 'app:1'}\n"
    hits, _, _ = _scan(tmp_path, {"pod.yaml": text}, only=["kubernetes.run-as-non-root"])
    assert [(line, m) for _, _, line, m in hits] == [(5, "container 'a' in Pod 'p' runs as root (runAsUser: 0)")]


def test_resources_requests_satisfied_by_limits_and_limit_range(tmp_path: Path) -> None:
    files = {
        "k8s/pod.yaml": """\
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: team}
            spec:
              containers:
                - name: a
                  image: app:1
                  resources:
                    limits: {cpu: 500m, memory: 256Mi}
                - name: b
                  image: app:1
            """,
    }
    hits, _, _ = _scan(tmp_path / "1", files, only=["kubernetes.resource-requests", "kubernetes.resource-limits"])
    assert _ids(hits) == {("kubernetes.resource-requests", "k8s/pod.yaml", 10), ("kubernetes.resource-limits", "k8s/pod.yaml", 10)}
    files["k8s/limits.yaml"] = """\
        apiVersion: v1
        kind: LimitRange
        metadata: {name: defaults, namespace: team}
        spec:
          limits:
            - type: Container
              default: {cpu: 500m, memory: 256Mi}
        """
    hits, _, _ = _scan(tmp_path / "2", files, only=["kubernetes.resource-requests", "kubernetes.resource-limits"])
    assert hits == []


def test_kustomize_patches_report_what_they_set_not_what_they_omit(tmp_path: Path) -> None:
    hits, _, _ = _scan(tmp_path, {
        "overlay/kustomization.yaml": "resources: [../base]\npatches:\n  - path: patch.yaml\n",
        "overlay/patch.yaml": """\
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  containers:
                    - name: web
                      securityContext:
                        privileged: true
            """,
    }, only=["kubernetes.no-privileged-containers", "kubernetes.resource-limits", "kubernetes.health-probes", "kubernetes.run-as-non-root"])
    assert _ids(hits) == {("kubernetes.no-privileged-containers", "overlay/patch.yaml", 10)}


def test_env_secret_literals(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: a
              image: app:1
              env:
                - {name: API_TOKEN, value: "tok-123"}
                - {name: API_TOKEN_FILE, value: /run/secrets/token}
                - {name: DB_PASSWORD, value: "$(RAW_DB_PASSWORD)"}
                - {name: SMTP_PASSWORD, value: ""}
                - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: r, key: p}}}
                - {name: JWT_SECRET, valueFrom: {configMapKeyRef: {name: settings, key: jwt}}}
                - {name: LOG_LEVEL, value: debug}
        """
    hits, _, _ = _scan(tmp_path, {"pod.yaml": text}, only=["kubernetes.no-secrets-in-env"])
    assert sorted((line, m) for _, _, line, m in hits) == [
        (9, "container 'a' in Pod 'p': env API_TOKEN holds a literal value"),
        (14, "container 'a' in Pod 'p': env JWT_SECRET is read from ConfigMap 'settings' instead of a Secret"),
    ]


def test_network_policy_per_namespace(tmp_path: Path) -> None:
    deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {n}, namespace: {ns}}}\nspec:\n  template:\n    spec:\n      containers: [{{name: a, image: 'app:1'}}]\n"
    netpol = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: shop}\nspec: {podSelector: {}}\n"
    hits, _, _ = _scan(tmp_path, {
        "a.yaml": deploy.format(n="web", ns="shop"),
        "b.yaml": deploy.format(n="batch", ns="jobs") + "---\n" + deploy.format(n="batch2", ns="jobs"),
        "np.yaml": netpol,
    }, only=["kubernetes.network-policy-present"])
    assert [(p, line, m) for _, p, line, m in hits] == [
        ("b.yaml", 2, "no NetworkPolicy restricts traffic in namespace 'jobs' (workloads: Deployment 'batch', Deployment 'batch2')"),
    ]


def test_probes_only_for_long_running_workloads(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: once}
        spec:
          restartPolicy: Never
          containers: [{name: a, image: "app:1"}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate}
        spec:
          template:
            spec:
              containers: [{name: a, image: "app:1"}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              initContainers: [{name: init, image: "app:1"}]
              containers:
                - name: db
                  image: "postgres:16"
                  readinessProbe: {exec: {command: [pg_isready]}}
        """
    hits, _, _ = _scan(tmp_path, {"w.yaml": text}, only=["kubernetes.health-probes"])
    assert [(line, m) for _, _, line, m in hits] == [(24, "container 'db' in StatefulSet 'db' has no livenessProbe")]


def test_seccomp_unconfined_override_and_pod_level_default(tmp_path: Path) -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seccompProfile: {type: RuntimeDefault}
          containers:
            - name: a
              image: app:1
            - name: b
              image: app:1
              securityContext:
                seccompProfile: {type: Unconfined}
        """
    hits, _, _ = _scan(tmp_path, {"pod.yaml": text}, only=["kubernetes.seccomp-profile"])
    assert [(line, m) for _, _, line, m in hits] == [
        (13, "container 'b' in Pod 'p' sets securityContext.seccompProfile.type: Unconfined; required: seccompProfile.type: RuntimeDefault (or Localhost)"),
    ]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("app", ("app", None, None)),
        ("app:1.2", ("app", "1.2", None)),
        ("registry:5000/team/app", ("registry:5000/team/app", None, None)),
        ("registry:5000/team/app:v1", ("registry:5000/team/app", "v1", None)),
        ("app@sha256:abc", ("app", None, "sha256:abc")),
        ("app:1@sha256:abc", ("app", "1", "sha256:abc")),
    ],
)
def test_image_reference(image: str, expected: tuple[str, str | None, str | None]) -> None:
    assert image_reference(image) == expected


def test_image_pinned_messages(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: nginx}\n    - {name: b, image: 'nginx:LATEST'}\n    - {name: c, image: 'nginx@sha256:0123'}\n"
    hits, _, _ = _scan(tmp_path, {"pod.yaml": text}, only=["kubernetes.image-pinned"])
    assert [(line, m) for _, _, line, m in hits] == [
        (6, "container 'a' in Pod 'p' uses image 'nginx' without a tag or digest (implicitly :latest)"),
        (7, "container 'b' in Pod 'p' uses image 'nginx:LATEST' with the mutable tag 'LATEST'"),
    ]


def test_conditional_network_policy_in_a_chart_does_not_count(tmp_path: Path) -> None:
    deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: app:1\n"
    netpol = "{{- if .Values.networkPolicy.enabled }}\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n{{- end }}\n"
    files = {"c/Chart.yaml": CHART, "c/templates/deploy.yaml": deploy, "c/templates/np.yaml": netpol}
    hits, cov, skipped = _scan(tmp_path / "1", files, only=["kubernetes.network-policy-present"])
    assert skipped == [] and cov["kubernetes.network-policy-present"] is Coverage.EVALUATED
    assert [(p, line, m) for _, p, line, m in hits] == [(
        "c/templates/deploy.yaml", 2,
        "no NetworkPolicy restricts traffic in the target namespace (workloads: Deployment '{{…}}'); "
        "NetworkPolicy 'deny' (c/templates/np.yaml) is rendered only under a template condition",
    )]
    files["c/templates/np.yaml"] = netpol.replace("{{- if .Values.networkPolicy.enabled }}\n", "").replace("{{- end }}\n", "")
    hits, _, _ = _scan(tmp_path / "2", files, only=["kubernetes.network-policy-present"])
    assert hits == []
