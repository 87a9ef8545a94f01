"""Data residency checks: regions from Terraform, Kubernetes, compose and .env against the allowed list."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO_ROOT, write_tree
from productready import inventory
from productready.checks.residency import cloud_region, endpoint_regions, is_allowed, normalise, parse_env
from productready.config import load_config
from productready.models import Coverage
from productready.scanners import ScanContext
from productready.scanners.checks import ChecksScanner

SCANNER = ChecksScanner()
IDS = [c.spec.id for c in SCANNER.checks() if c.topic == "residency"]
EXAMPLES = REPO_ROOT / "examples"
ALLOWED = "residency:\n  allowed_regions: [me-central-1]\n"


def _run(root: Path) -> tuple[list[tuple[str, str, int, str]], dict[str, Coverage], list[str]]:
    loaded = load_config(root)
    ctx = ScanContext(
        root=root.resolve(), inventory=inventory.collect(root, loaded.config.exclude), config=loaded.config,
        config_dir=root, timeout=60, jobs=1,
    )
    res = SCANNER.run(ctx, only=IDS)
    found = [(f.rule_id.removeprefix("checks:residency."), f.location.path, f.location.line, f.message) for f in res.findings]
    return found, {k.removeprefix("checks:residency."): v for k, v in res.coverage}, [f"{s.path}: {s.reason}" for s in res.skipped]


def _repo(tmp_path: Path, files: dict[str, str], config: str = ALLOWED) -> Path:
    return write_tree(tmp_path / "repo", {"productready.yaml": config, **files})


def _where(found: list[tuple[str, str, int, str]]) -> list[tuple[str, str, int]]:
    return [(rule, path, line) for rule, path, line, _ in found]


# ------------------------------------------------------------------ region helpers


@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("me-central-1", "me-central-1"), ("me-central-1a", "me-central-1"), ("us-gov-west-1", "us-gov-west-1"),
        ("me-central2", "me-central2"), ("me-central2-b", "me-central2"), ("UAE North", "uaenorth"),
        ("westeurope", "westeurope"), ("central", None), ("prod", None), ("eu", None),
    ],
)
def test_cloud_region_maps_zones_and_azure_names(value: str, region: str | None) -> None:
    assert cloud_region(value) == region


def test_endpoint_regions() -> None:
    assert endpoint_regions("agrimarket-db.c9xk2m1qz7ab.us-east-1.rds.amazonaws.com") == ["us-east-1"]
    assert endpoint_regions("https://s3.me-central-1.amazonaws.com/bucket") == ["me-central-1"]
    assert endpoint_regions("https://bucket.s3-eu-west-1.amazonaws.com") == ["eu-west-1"]
    assert endpoint_regions("me-central2-docker.pkg.dev/proj/repo/img:1") == ["me-central2"]
    assert endpoint_regions("api.uaenorth.cloudapp.azure.com") == ["uaenorth"]
    assert endpoint_regions("db.internal:5432") == [] and endpoint_regions("logging.s3.amazonaws.com") == []


def test_allowed_list_accepts_globs_and_display_names() -> None:
    assert is_allowed("me-central-1", ["me-central-1"])
    assert is_allowed("eu-west-3", [normalise("eu-*")])
    assert is_allowed("uaenorth", [normalise("UAE North")])
    assert not is_allowed("us-east-1", ["me-central-1", "uaenorth"])


def test_parse_env() -> None:
    text = "# c\nexport AWS_REGION='me-central-1'\nREGION=eu-west-1  # prod\nBAD LINE\nEMPTY=\n"
    assert parse_env(text) == [(2, "AWS_REGION", "me-central-1"), (3, "REGION", "eu-west-1"), (5, "EMPTY", "")]


# ------------------------------------------------------------------ the example twins


def test_flawed_twin_trips_and_hardened_twin_passes(tmp_path: Path) -> None:
    flawed = tmp_path / "flawed"
    shutil.copytree(EXAMPLES / "agrimarket-flawed", flawed)
    (flawed / "productready.yaml").write_text(ALLOWED, encoding="utf-8")
    found, cov, skipped = _run(flawed)
    assert skipped == []
    assert _where(found) == [
        ("kubernetes-region", "deploy/k8s/deployment.yaml", 31),  # EXPECTED.md res-k8s-db-host
        ("terraform-region", "deploy/terraform/providers.tf", 10),  # EXPECTED.md res-tf-region
    ]
    assert found[1][3] == 'provider "aws" region is \'us-east-1\', outside the allowed regions (me-central-1)'
    assert "AGRIMARKET_DB_HOST" in found[0][3] and "'us-east-1'" in found[0][3]
    assert cov["terraform-region"] is cov["kubernetes-region"] is Coverage.EVALUATED

    hardened = tmp_path / "hardened"
    shutil.copytree(EXAMPLES / "agrimarket-hardened", hardened)
    (hardened / "productready.yaml").write_text(ALLOWED, encoding="utf-8")
    found, cov, skipped = _run(hardened)
    assert found == [] and skipped == []
    assert cov["terraform-region"] is Coverage.EVALUATED and cov["terraform-region-undetermined"] is Coverage.EVALUATED


def test_the_flawed_twin_passes_when_its_region_is_allowed(tmp_path: Path) -> None:
    flawed = tmp_path / "flawed"
    shutil.copytree(EXAMPLES / "agrimarket-flawed", flawed)
    (flawed / "productready.yaml").write_text("residency:\n  allowed_regions: [us-*]\n", encoding="utf-8")
    assert _run(flawed)[0] == []


def test_nothing_is_reported_when_no_allowed_list_is_configured(tmp_path: Path) -> None:
    flawed = tmp_path / "flawed"
    shutil.copytree(EXAMPLES / "agrimarket-flawed", flawed)
    found, cov, _ = _run(flawed)
    assert found == []
    # NOTE: the engine still calls these checks "evaluated" (see the lead's note on NotConfigured).
    assert set(cov) == set(i.removeprefix("residency.") for i in IDS)


# ------------------------------------------------------------------ Terraform


def test_terraform_sources_of_region(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {
        "infra/main.tf": """
            terraform {
              backend "s3" {
                bucket = "state"
                key    = "prod.tfstate"
                region = "eu-west-1"
              }
            }

            provider "aws" {
              region = var.region
            }

            provider "google" {
              project = "orchard"
              zone    = "me-central2-a"
            }

            resource "azurerm_resource_group" "main" {
              name     = "orchard"
              location = "West Europe"
            }

            resource "azurerm_storage_account" "uploads" {
              name                = "orchard"
              resource_group_name = azurerm_resource_group.main.name
              location            = azurerm_resource_group.main.location
            }

            resource "google_storage_bucket" "images" {
              name     = "orchard-images"
              location = "US"
            }

            module "dr" {
              source = "./dr"
              region = "me-central-1"
            }
            """,
        "infra/variables.tf": 'variable "region" {\n  type    = string\n  default = "me-central-1"\n}\n',
        "infra/dev.tfvars": 'region = "us-east-2"\n',
    })
    found, _, skipped = _run(repo)
    assert skipped == []
    assert _where(found) == [
        ("terraform-region", "infra/main.tf", 5),  # backend region
        ("terraform-region", "infra/main.tf", 10),  # var.region: dev.tfvars sets us-east-2 (the default is allowed)
        ("terraform-region", "infra/main.tf", 15),  # google provider zone me-central2-a → region me-central2
        ("terraform-region", "infra/main.tf", 20),  # "West Europe"; the storage account that copies it is not repeated
        ("terraform-region", "infra/main.tf", 31),  # GCS multi-region "US"; the module input me-central-1 is allowed
    ]
    assert found[1][3] == (
        "provider \"aws\" region is 'us-east-2' (from variable 'region' (dev.tfvars), infra/dev.tfvars:1), "
        "outside the allowed regions (me-central-1)"
    )
    assert "zone is 'me-central2-a' (region me-central2)" in found[2][3]
    assert "location is 'West Europe' (region westeurope)" in found[3][3]


def test_terraform_google_provider_zone_maps_to_region(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"main.tf": 'provider "google" {\n  region = "me-central2"\n}\n'},
                 config="residency:\n  allowed_regions: [me-central2]\n")
    assert _run(repo)[0] == []
    repo2 = _repo(tmp_path / "b", {"main.tf": 'resource "google_compute_instance" "vm" {\n  zone = "europe-west4-b"\n}\n'},
                  config="residency:\n  allowed_regions: [me-central2]\n")
    found = _run(repo2)[0]
    assert _where(found) == [("terraform-region", "main.tf", 2)]
    assert "'europe-west4-b' (region europe-west4)" in found[0][3]


def test_terraform_undetermined_regions(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {
        "a/main.tf": 'provider "aws" {\n  region = var.region\n}\n\nvariable "region" {\n  type = string\n}\n',
        "b/main.tf": 'provider "aws" {\n  alias  = "replica"\n  region = lookup(var.regions, "replica")\n}\n',
        "c/main.tf": 'resource "azurerm_resource_group" "main" {\n  name     = "x"\n  location = var.location\n}\n',
        "d/main.tf": (  # the provider's own region: judged at the provider
            'data "aws_region" "current" {}\n\n'
            'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  region = data.aws_region.current.name\n}\n'
        ),
        "e/main.tf": 'provider "aws" {\n  profile = "prod"\n}\n',
    })
    found, _, _ = _run(repo)
    assert _where(found) == [
        ("terraform-region-undetermined", "a/main.tf", 2),
        ("terraform-region-undetermined", "b/main.tf", 3),
        ("terraform-region-undetermined", "c/main.tf", 3),
        ("terraform-region-undetermined", "e/main.tf", 1),
    ]
    assert found[0][3] == 'provider "aws" region cannot be determined (var.region has no default and no tfvars value in a)'
    assert "is computed" in found[1][3]
    assert found[3][3] == 'provider "aws" region cannot be determined (it sets none, so it comes from the environment or CLI profile)'


def test_terraform_without_any_aws_provider_is_undetermined(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {
        "modules/bucket/main.tf": 'variable "name" {\n  type = string\n}\n\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n',
    })
    found, _, _ = _run(repo)
    assert _where(found) == [("terraform-region-undetermined", "modules/bucket/main.tf", 5)]
    assert found[0][3] == (
        'region of resource "aws_s3_bucket" "b" cannot be determined '
        '(no provider "aws" block anywhere sets a region; it comes from the environment)'
    )


def test_unparseable_terraform_is_incomplete_not_clean(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"main.tf": 'provider "aws" {\n  region = "us-east-1"\n', "ok.tf": 'provider "google" {\n  region = "me-central2"\n}\n'})
    found, cov, skipped = _run(repo)
    assert [s for s in skipped if s.startswith("main.tf: cannot parse as hcl")]
    assert cov["terraform-region"] is Coverage.INCOMPLETE
    assert _where(found) == [("terraform-region", "ok.tf", 2)]


# ------------------------------------------------------------------ Kubernetes


def test_kubernetes_sources_of_region(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {
        "k8s/app.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              AWS_REGION: eu-west-1
              FARM_REGION: central
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: regional
            provisioner: ebs.csi.aws.com
            allowedTopologies:
              - matchLabelExpressions:
                  - key: topology.kubernetes.io/zone
                    values: [me-central-1a, us-east-1b]
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: report
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                              - matchExpressions:
                                  - key: topology.kubernetes.io/region
                                    operator: NotIn
                                    values: [us-east-1]
                          preferredDuringSchedulingIgnoredDuringExecution:
                            - weight: 1
                              preference:
                                matchExpressions:
                                  - key: failure-domain.beta.kubernetes.io/region
                                    operator: In
                                    values: [ap-south-1]
                      containers:
                        - name: report
                          image: registry.example/report:1.0.0
            """,
    })
    found, _cov, skipped = _run(repo)
    assert skipped == []
    assert _where(found) == [
        ("kubernetes-region", "k8s/app.yaml", 6),  # ConfigMap AWS_REGION (FARM_REGION=central is no cloud region)
        ("kubernetes-region", "k8s/app.yaml", 17),  # StorageClass topology us-east-1b (NotIn is not a placement)
        ("kubernetes-region", "k8s/app.yaml", 44),  # preferred affinity
    ]
    assert "StorageClass 'regional': allowedTopologies topology.kubernetes.io/zone is 'us-east-1b' (region us-east-1)" in found[1][3]
    assert "preferred node affinity" in found[2][3]


def test_helm_template_region_is_undetermined(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {
        "chart/Chart.yaml": "apiVersion: v2\nname: orchard\nversion: 1.0.0\n",
        "chart/templates/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}
            spec:
              selector:
                matchLabels:
                  app: orchard
              template:
                metadata:
                  labels:
                    app: orchard
                spec:
                  nodeSelector:
                    topology.kubernetes.io/region: {{ .Values.region }}
                  containers:
                    - name: web
                      image: registry.example/orchard:1.4.2
            """,
    })
    found, _cov, skipped = _run(repo)
    assert _where(found) == [("kubernetes-region-undetermined", "chart/templates/deployment.yaml", 15)], skipped
    assert "{{…}}" in found[0][3]


# ------------------------------------------------------------------ compose and .env


def test_compose_interpolation_from_the_project_env(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {
        "deploy/docker-compose.yml": """
            services:
              worker:
                image: registry.example/worker:1.0.0
                environment:
                  - AWS_DEFAULT_REGION=${AWS_REGION}
                  - GOOGLE_CLOUD_REGION=${GCP_REGION-me-central2}
                  - AZURE_LOCATION=${AZ_LOCATION:-UAE North}
                  - PRICE=$$5
                  - QUEUE_URL=https://sqs.${QUEUE_REGION}.amazonaws.com/1234/jobs
              api:
                image: registry.example/api:1.0.0
                environment:
                  CDK_DEFAULT_REGION: ${DEPLOY_REGION}
            """,
        "deploy/.env": "AWS_REGION=me-central-1\nQUEUE_REGION=eu-north-1\n",
        "deploy/.env.example": "AWS_REGION=${YOUR_REGION}\nS3_REGION=us-west-2\n",
    }, config="residency:\n  allowed_regions: [me-central-1, me-central2]\n")
    found, _cov, skipped = _run(repo)
    assert skipped == []
    assert _where(found) == [
        ("compose-env-region", "deploy/.env", 2),  # QUEUE_REGION
        ("compose-env-region", "deploy/.env.example", 2),  # templates are judged for known regions; line 1 is a placeholder
        ("compose-env-region", "deploy/docker-compose.yml", 7),  # AZURE_LOCATION's default "UAE North"
        ("compose-env-region", "deploy/docker-compose.yml", 9),  # the SQS endpoint after interpolation
        ("compose-env-region-undetermined", "deploy/docker-compose.yml", 13),  # ${DEPLOY_REGION}: no value, no default
    ]
    # line 5: ${AWS_REGION} comes from deploy/.env (me-central-1); line 6: the default me-central2; line 8: $$ is a literal $
    assert "QUEUE_URL points at an endpoint whose region is 'eu-north-1'" in found[3][3]
    assert found[4][3] == (
        "service 'api': environment CDK_DEFAULT_REGION cannot be determined "
        "(${DEPLOY_REGION} is set neither in the .env beside it nor by a default)"
    )


def test_env_file_business_values_are_not_regions(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {".env": "DEFAULT_REGION=central\nREGION=north\nUPLOAD_LOCATION=/srv/uploads\nAWS_REGION=me-central-1\n"})
    found, cov, _ = _run(repo)
    assert found == [] and cov["compose-env-region"] is Coverage.EVALUATED
