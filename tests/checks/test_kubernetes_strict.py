"""Kubernetes checks added for parity with checkov's stricter rules: digests, pull policy, Secrets as
files, added capabilities, high UIDs, the default ServiceAccount, hostPort, RBAC escalation grants
and NGINX snippet annotations, plus what they change in Helm template neutralisation."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationError

from conftest import REPO_ROOT
from productready import inventory
from productready.checks import CHECK_KINDS
from productready.checks.base import ParseFailure
from productready.checks.kubernetes import CapabilitiesAddedParams, default_pull_policy, parse_helm_template
from productready.checks.rulesets import Check, load_checks
from productready.config import load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner

RULESET = REPO_ROOT / "rulesets" / "kubernetes.yaml"


class _KubernetesOnly(ChecksScanner):
    def checks(self) -> list[Check]:
        return load_checks(CHECK_KINDS, [RULESET])


SCANNER = _KubernetesOnly()


def _scan(tmp_path: Path, files: dict[str, str], check: str) -> list[tuple[str, int, str]]:
    root = tmp_path / "repo"
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text), encoding="utf-8")
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = SCANNER.run(ctx, only=[check])
    assert dict(res.coverage)[f"checks:{check}"] is Coverage.EVALUATED, res.skipped
    return [(f.location.path, f.location.line, f.message) for f in res.findings]


def _pod(containers: str, pod_security: str = "") -> str:
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" + pod_security + "  containers:\n" + containers


# --------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "policy"),
    [("app", "Always"), ("app:latest", "Always"), ("app:1.2", "IfNotPresent"), ("app@sha256:ab", "IfNotPresent"),
     ("app:1.2@sha256:ab", "IfNotPresent"), ("registry:5000/app", "Always"), ("app:LATEST", "IfNotPresent")],
)
def test_default_pull_policy_follows_kubernetes(image: str, policy: str) -> None:
    assert default_pull_policy(image) == policy


def test_image_pull_policy_exempts_digests_and_reads_defaults(tmp_path: Path) -> None:
    containers = (
        "    - {name: a, image: 'app:1.2'}\n"  # default IfNotPresent
        "    - {name: b, image: 'app:1.2', imagePullPolicy: Never}\n"
        "    - {name: c, image: 'app:1.2', imagePullPolicy: Always}\n"
        "    - {name: d, image: 'app:latest'}\n"  # default Always (image-pinned reports the tag)
        "    - {name: e, image: 'app:1.2@sha256:0123', imagePullPolicy: IfNotPresent}\n"
    )
    hits = _scan(tmp_path, {"pod.yaml": _pod(containers)}, "kubernetes.image-pull-policy-always")
    assert hits == [
        ("pod.yaml", 6, "container 'a' in Pod 'p' does not set imagePullPolicy, so Kubernetes uses IfNotPresent "
                        "for image 'app:1.2' (not pinned by digest); required: Always"),
        ("pod.yaml", 7, "container 'b' in Pod 'p' sets imagePullPolicy: Never for image 'app:1.2' (not pinned by digest); required: Always"),
    ]


def test_image_digest_reports_tags_only(tmp_path: Path) -> None:
    containers = "    - {name: a, image: 'app:1.2'}\n    - {name: b, image: 'app@sha256:0123'}\n"
    hits = _scan(tmp_path, {"pod.yaml": _pod(containers)}, "kubernetes.image-digest")
    assert hits == [("pod.yaml", 6, "container 'a' in Pod 'p' uses image 'app:1.2' without an @sha256 digest")]


# --------------------------------------------------------------------------------------------
# Containers
# --------------------------------------------------------------------------------------------


def test_secrets_as_env_are_reported_and_config_maps_are_not(tmp_path: Path) -> None:
    containers = """\
        - name: a
          image: app:1
          env:
            - {name: DB_HOST, valueFrom: {configMapKeyRef: {name: settings, key: host}}}
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
          envFrom:
            - configMapRef: {name: settings}
            - secretRef: {name: keys}
    """
    hits = _scan(tmp_path, {"pod.yaml": _pod(textwrap.indent(textwrap.dedent(containers), "    "))}, "kubernetes.secrets-as-files")
    assert hits == [
        ("pod.yaml", 10, "container 'a' in Pod 'p': env DB_PASSWORD reads key 'password' of the 'db' Secret instead of a mounted file"),
        ("pod.yaml", 13, "container 'a' in Pod 'p' loads every key of the 'keys' Secret into its environment (envFrom.secretRef)"),
    ]


def test_any_added_capability_is_reported(tmp_path: Path) -> None:
    containers = (
        "    - name: a\n      image: app:1\n      securityContext:\n        capabilities:\n"
        "          drop: [ALL]\n          add: [cap_net_bind_service, CHOWN]\n"
    )
    hits = _scan(tmp_path, {"pod.yaml": _pod(containers)}, "kubernetes.no-added-capabilities")
    assert sorted(m for *_, m in hits) == [
        "container 'a' in Pod 'p' adds capability CHOWN", "container 'a' in Pod 'p' adds capability NET_BIND_SERVICE",
    ]


def test_capabilities_added_needs_forbidden_or_allowed() -> None:
    with pytest.raises(ValidationError, match="give 'forbidden' capabilities or an 'allowed' list"):
        CapabilitiesAddedParams()
    assert CapabilitiesAddedParams(allowed=[]).allowed == []


def test_high_uid_inherits_overrides_and_rejects_non_integers(tmp_path: Path) -> None:
    pod_sc = "  securityContext:\n    runAsUser: 10001\n"
    containers = (
        "    - {name: a, image: 'app:1'}\n"
        "    - {name: b, image: 'app:1', securityContext: {runAsUser: 999}}\n"
        "    - {name: c, image: 'app:1', securityContext: {runAsUser: '20000'}}\n"
    )
    files = {
        "pod.yaml": _pod(containers, pod_sc),
        # pod unset, every container high: passes; pod unset and one container unset: one finding for the pod
        "ok.yaml": _pod("    - {name: a, image: 'app:1', securityContext: {runAsUser: 10000}}\n").replace("name: p", "name: ok"),
        "unset.yaml": _pod("    - {name: a, image: 'app:1', securityContext: {runAsUser: 10000}}\n    - {name: b, image: 'app:1'}\n")
        .replace("name: p", "name: unset"),
    }
    hits = _scan(tmp_path, files, "kubernetes.run-as-high-uid")
    assert hits == [
        ("pod.yaml", 9, "container 'b' in Pod 'p' sets securityContext.runAsUser: 999; required: securityContext.runAsUser >= 10000"),
        ("pod.yaml", 10, "container 'c' in Pod 'p' sets securityContext.runAsUser: 20000; required: securityContext.runAsUser >= 10000"),
        ("unset.yaml", 5, "Pod 'unset' sets no securityContext.runAsUser >= 10000 in the pod securityContext and container(s) 'b' do not set it"),
    ]


def test_host_port_zero_is_unset(tmp_path: Path) -> None:
    containers = "    - name: a\n      image: app:1\n      ports:\n        - {containerPort: 80, hostPort: 0}\n        - {containerPort: 81, hostPort: 8081}\n"
    hits = _scan(tmp_path, {"pod.yaml": _pod(containers)}, "kubernetes.no-host-port")
    assert hits == [("pod.yaml", 10, "container 'a' in Pod 'p' binds port 8081 on the node (ports[1].hostPort)")]


# --------------------------------------------------------------------------------------------
# RBAC and ServiceAccounts
# --------------------------------------------------------------------------------------------

ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: {kind}
metadata:
  name: r
rules:
{rules}"""


@pytest.mark.parametrize(
    ("kind", "rules", "check", "expected"),
    [
        ("Role", '  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n', "kubernetes.rbac-no-secret-read",
         ["Role 'r' rule 1 allows (through '*'): read every Secret (get, list or watch without resourceNames)"]),
        ("Role", '  - apiGroups: [""]\n    resources: [secrets]\n    resourceNames: [one]\n    verbs: [get, list]\n',
         "kubernetes.rbac-no-secret-read", []),
        ("Role", '  - apiGroups: [""]\n    resources: ["*/exec"]\n    verbs: [Create]\n', "kubernetes.rbac-no-escalation",
         ["Role 'r' rule 1 allows (through '*'): run commands in pods or through the kubelet (pods/exec, pods/attach, nodes/proxy)"]),
        # webhook configurations are cluster-scoped: a Role cannot grant them
        ("Role", '  - apiGroups: [admissionregistration.k8s.io]\n    resources: [mutatingwebhookconfigurations]\n    verbs: [patch]\n',
         "kubernetes.rbac-no-escalation", []),
        # approving a CSR takes both the approval subresource and the signer
        ("ClusterRole", '  - apiGroups: [certificates.k8s.io]\n    resources: [certificatesigningrequests/approval]\n    verbs: [update]\n',
         "kubernetes.rbac-no-escalation", []),
        ("ClusterRole",
         '  - apiGroups: [certificates.k8s.io]\n    resources: [certificatesigningrequests/approval]\n    verbs: [update]\n'
         '  - apiGroups: [certificates.k8s.io]\n    resources: [signers]\n    verbs: [approve]\n',
         "kubernetes.rbac-no-escalation", ["ClusterRole 'r' rule 1 allows: approve CertificateSigningRequests"]),
        ("ClusterRole", '  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [clusterroles]\n    verbs: [bind, escalate]\n',
         "kubernetes.rbac-no-escalation",
         ["ClusterRole 'r' rule 1 allows: bind roles it does not hold; escalate roles beyond its own rights"]),
        ("Role", '  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [roles]\n    verbs: [get, list, watch]\n',
         "kubernetes.rbac-no-escalation", []),
    ],
)
def test_rbac_grants(tmp_path: Path, kind: str, rules: str, check: str, expected: list[str]) -> None:
    hits = _scan(tmp_path, {"rbac.yaml": ROLE.format(kind=kind, rules=rules)}, check)
    assert [m for *_, m in hits] == expected


def test_default_service_account(tmp_path: Path) -> None:
    files = {
        "k8s/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: a\nautomountServiceAccountToken: true\n",
        "k8s/binding.yaml": (
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\n"
            "subjects:\n  - {kind: Group, name: default}\n  - {kind: ServiceAccount, name: default, namespace: a}\n"
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"
        ),
        # a kustomize patch of the default ServiceAccount that does not touch the token setting
        "overlay/kustomization.yaml": "resources: [../k8s]\npatches:\n  - path: sa-patch.yaml\n",
        "overlay/sa-patch.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: a\n  labels: {team: x}\n",
    }
    hits = _scan(tmp_path, files, "kubernetes.default-service-account-not-used")
    assert hits == [
        ("k8s/binding.yaml", 7, "ClusterRoleBinding 'b' grants ClusterRole 'view' to the default ServiceAccount of namespace 'a': "
                                "every pod that names no ServiceAccount gets these rights"),
        ("k8s/sa.yaml", 6, "ServiceAccount 'default' sets automountServiceAccountToken to true"),
    ]


def test_snippet_annotations_only_on_ingresses(tmp_path: Path) -> None:
    files = {
        "ing.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n"
                    "    nginx.org/server-snippets: 'return 403;'\n    nginx.ingress.kubernetes.io/ssl-redirect: 'true'\n",
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    x/config-snippet: a\n",
    }
    hits = _scan(tmp_path, files, "kubernetes.ingress-no-config-snippets")
    assert hits == [("ing.yaml", 6, "Ingress 'i' sets the configuration snippet annotation nginx.org/server-snippets")]


# --------------------------------------------------------------------------------------------
# Helm: placeholders these checks depend on
# --------------------------------------------------------------------------------------------

POD = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (POD + "      image: app:1.2\n      imagePullPolicy: {{ .Values.pullPolicy }}\n", 7, "'imagePullPolicy' is set by a template"),
        (POD + "      image: app:1.2\n      ports:\n        {{- toYaml .Values.ports | nindent 8 }}\n", 8,
         "inserts YAML at 'spec.containers.0.ports'"),
        (POD + "      image: app:1.2\n      envFrom:\n        {{- toYaml .Values.envFrom | nindent 8 }}\n", 8,
         "inserts YAML at 'spec.containers.0.envFrom'"),
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n  - kind: ServiceAccount\n"
         "    name: {{ include \"x.serviceAccountName\" . }}\nroleRef: {kind: Role, name: r}\n", 5, "may render as 'default'"),
        ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n  {{- toYaml .Values.subjects | nindent 2 }}\n"
         "roleRef: {kind: Role, name: r}\n", 4, "inserts YAML at 'subjects'"),
    ],
)
def test_helm_placeholders_the_new_checks_depend_on(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ParseFailure) as err:
        parse_helm_template(text, "templates/x.yaml")
    assert fragment in err.value.message
    assert err.value.line == line


def test_helm_placeholders_that_do_not_matter_to_the_new_checks() -> None:
    text = (
        POD + "      image: app:1.2@sha256:0123\n      imagePullPolicy: {{ .Values.pullPolicy }}\n"
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nsubjects:\n  - kind: User\n"
        "    name: {{ .Values.user }}\nroleRef: {kind: Role, name: r}\n"
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec:\n  ingress:\n    - ports:\n"
        "        {{- toYaml .Values.ports | nindent 8 }}\n"
    )
    assert [d.data["kind"] for d in parse_helm_template(text, "t.yaml")] == ["Pod", "RoleBinding", "NetworkPolicy"]
