"""CI integrations: the GitHub composite action, the pre-commit hooks, the GitLab template and the
Dockerfile that packages productready.

The action's ``run:`` steps and the hooks' entries are executed here, locally, the way the runner and
pre-commit would run them (bash with the runner's flags, the environment the runner sets, this
virtualenv's ``productready`` on PATH). Only ``uses:`` steps (setup-python, upload-sarif) are skipped;
their pins and conditions are checked statically.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO_ROOT
from productready.formats import FORMATS

ACTION = REPO_ROOT / "action.yml"
HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"
GITLAB = REPO_ROOT / "examples" / "ci" / "gitlab-ci.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
EXAMPLES = REPO_ROOT / "examples"
BIN = Path(sys.executable).parent  # this virtualenv: its python, pip and productready

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _env(**extra: str) -> dict[str, str]:
    """The environment a CI job would give productready: this venv first on PATH, no PRODUCTREADY_* overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODUCTREADY_") and k != "SOURCE_DATE_EPOCH"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def _git_copy(example: str, dest: Path) -> Path:
    """A copy of an example product as a fresh git work tree (files added, nothing committed)."""
    shutil.copytree(EXAMPLES / example, dest)
    for argv in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(argv, cwd=dest, check=True, capture_output=True, timeout=60)
    return dest


# --------------------------------------------------------------------------- GitHub action runner


@dataclass
class ActionRun:
    code: int
    outputs: dict[str, str]
    summary: str
    context: dict[str, str]
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    log: str = ""


def _parse_github_output(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIM`` blocks, as the runner reads $GITHUB_OUTPUT."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : j])
            i = j + 1
            continue
        if line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def _expand(text: str, context: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        expr = m.group(1)
        if expr in context:
            return context[expr]
        if expr.startswith("steps."):
            return ""  # an output a step did not set evaluates to the empty string
        raise AssertionError(f"the test cannot evaluate ${{{{ {expr} }}}}")

    return EXPRESSION.sub(one, text)


def run_action(
    workspace: Path, tmp: Path, inputs: dict[str, str], *, only: set[str] | None = None, path_prefix: Path | None = None
) -> ActionRun:
    """Run action.yml's run: steps in order, as the runner would for a composite action."""
    action = _yaml(ACTION)
    declared: dict[str, Any] = action["inputs"]
    assert set(inputs) <= set(declared), f"unknown inputs {sorted(set(inputs) - set(declared))}"
    context = {f"inputs.{k}": str(inputs.get(k, spec.get("default", ""))) for k, spec in declared.items()}
    context["github.action_path"] = str(REPO_ROOT)
    context["github.workspace"] = str(workspace)
    tmp.mkdir(parents=True, exist_ok=True)
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    context["runner.temp"] = str(runner_temp)
    summary = tmp / "step-summary.md"
    summary.write_text("", encoding="utf-8")
    base = _env(
        GITHUB_ACTIONS="true",
        CI="true",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_ACTION_PATH=str(REPO_ROOT),
        GITHUB_STEP_SUMMARY=str(summary),
        RUNNER_TEMP=str(runner_temp),
        # The install step must find productready already installed here: never reach an index.
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    if path_prefix is not None:
        base["PATH"] = f"{path_prefix}{os.pathsep}{base['PATH']}"
    run = ActionRun(code=0, outputs={}, summary="", context=context)
    for i, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {i}")
        if "uses" in step:
            run.skipped.append(step["uses"])
            continue
        if only is not None and step.get("id") not in only:
            continue
        assert "if" not in step, f"{name}: the test does not emulate if: on run steps"
        assert step.get("shell") == "bash", f"{name}: shell must be bash"
        output_file = tmp / f"github-output-{i}"
        output_file.write_text("", encoding="utf-8")
        env = dict(base)
        env.update({k: _expand(str(v), context) for k, v in (step.get("env") or {}).items()})
        env["GITHUB_OUTPUT"] = str(output_file)
        script = tmp / f"step-{i}.sh"
        script.write_text(_expand(step["run"], context), encoding="utf-8")
        # The runner's command for shell: bash.
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        run.ran.append(name)
        run.log += f"== {name} (exit {proc.returncode})\n{proc.stdout}{proc.stderr}"
        if "id" in step:
            for key, value in _parse_github_output(output_file).items():
                context[f"steps.{step['id']}.outputs.{key}"] = value
        if proc.returncode != 0:
            run.code = proc.returncode  # a failing step fails the action; later steps without if: are skipped
            break
    run.outputs = {k: _expand(str(spec["value"]), context) for k, spec in action.get("outputs", {}).items()}
    run.summary = summary.read_text(encoding="utf-8")
    return run


# --------------------------------------------------------------------------- action: static


def _action_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _yaml(ACTION)["runs"]["steps"]
    return steps


def test_action_is_a_composite_action_with_the_documented_interface() -> None:
    action = _yaml(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {k: v.get("default") for k, v in inputs.items()} == {
        "path": ".",
        "fail-on": "high",
        "profile": "",
        "formats": "sarif,markdown,json",
        "output-dir": "productready-report",
        "version": "",
        "python-version": "3.12",
        "upload-sarif": "true",
    }
    assert all(v.get("description") for v in inputs.values())
    assert set(action["outputs"]) == {"exit-code", "report-dir"}
    uses = [s["uses"].split("@")[0] for s in _action_steps() if "uses" in s]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]


def test_action_pins_every_uses_by_commit_sha() -> None:
    raw = ACTION.read_text(encoding="utf-8")
    refs = [s["uses"] for s in _action_steps() if "uses" in s]
    assert refs
    for ref in refs:
        assert SHA_PIN.match(ref), f"{ref} is not pinned by a full commit SHA"
        line = next(ln for ln in raw.splitlines() if ref in ln)
        assert re.search(r"#\s*v\d", line), f"{ref}: keep the version in a comment"


def test_action_never_pastes_expressions_into_scripts() -> None:
    for step in _action_steps():
        if "run" in step:
            assert "${{" not in step["run"], f"{step.get('name')}: pass values through env:, not ${{{{ }}}} in run:"
    # Belt and braces on the raw text: no '${{ inputs.' on any line of a run: block.
    in_run = False
    for line in ACTION.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("run:"):
            in_run, indent = True, len(line) - len(line.lstrip())
            assert "${{" not in stripped
            continue
        if in_run and stripped and len(line) - len(line.lstrip()) <= indent:
            in_run = False
        if in_run:
            assert "${{ inputs." not in line and "${{inputs." not in line, line


def test_action_uploads_sarif_even_when_the_gate_fails() -> None:
    upload = next(s for s in _action_steps() if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert "always()" in upload["if"]
    assert "steps.scan.outputs.sarif-file" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-file }}"
    gate = _action_steps()[-1]
    assert "run" in gate and "PRODUCTREADY_EXIT_CODE" in gate["run"], "the last step exits with the scan's code"


# --------------------------------------------------------------------------- action: executed


@pytest.mark.parametrize(
    ("example", "inputs", "expected_code"),
    [
        ("agrimarket-flawed", {}, 1),
        # Only json asked for: markdown (summary) and sarif (upload-sarif is on) are added by the action.
        ("agrimarket-hardened", {"formats": "json", "output-dir": "out/reports"}, 0),
    ],
    ids=["flawed-gate-fails", "hardened-gate-passes"],
)
def test_action_steps_run_locally(tmp_path: Path, example: str, inputs: dict[str, str], expected_code: int) -> None:
    workspace = _git_copy(example, tmp_path / "workspace")
    # version: a requirement this virtualenv already satisfies, so the real pip install step runs offline.
    run = run_action(workspace, tmp_path / "runner", {"version": "productready", **inputs})

    assert run.code == expected_code, run.log
    assert run.ran == ["Install productready", "Scan", "Write the job summary", "Gate on the scan's exit code"], run.log
    assert len(run.skipped) == 2
    assert run.outputs["exit-code"] == str(expected_code)
    report_dir = Path(run.outputs["report-dir"])
    assert report_dir == (workspace / inputs.get("output-dir", "productready-report")).resolve()

    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["gate"]["passed"] is (expected_code == 0)
    assert report["gate"]["fail_on"] == "high"
    sarif = json.loads((report_dir / "report.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    markdown = (report_dir / "report.md").read_text(encoding="utf-8")
    assert markdown.strip()
    assert run.summary == markdown, "the job summary is the Markdown report"
    # The upload step's condition holds and its file exists.
    assert run.context["steps.scan.outputs.sarif-file"] == str(report_dir / "report.sarif")
    assert f"productready exited with {expected_code}" in run.log


def test_action_without_upload_does_not_offer_a_sarif_file(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    (workspace / "app").mkdir(parents=True)
    (workspace / "app" / "main.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n", encoding="utf-8")
    inputs = {"version": "productready", "formats": "json", "upload-sarif": "false", "fail-on": "none"}
    run = run_action(workspace, tmp_path / "runner", inputs)
    assert run.code == int(run.outputs["exit-code"]), run.log
    report_dir = Path(run.outputs["report-dir"])
    assert not (report_dir / "report.sarif").exists()
    assert run.context.get("steps.scan.outputs.sarif-file", "") == ""
    assert run.summary == (report_dir / "report.md").read_text(encoding="utf-8")


def _pip_argv(tmp_path: Path, version: str) -> list[str]:
    """The pip command line the install step runs, captured by a stand-in python."""
    stub = tmp_path / "stub-bin"
    stub.mkdir()
    record = tmp_path / "argv.json"
    python = stub / "python"
    python.write_text(
        f"#!{sys.executable}\nimport json, sys\nopen({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    python.chmod(0o755)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    run = run_action(workspace, tmp_path / "runner", {"version": version}, only={"install"}, path_prefix=stub)
    assert run.code == 0, run.log
    argv: list[str] = json.loads(record.read_text(encoding="utf-8"))
    return argv


@pytest.mark.parametrize(
    ("version", "requirement"),
    [
        ("", str(REPO_ROOT)),  # default: the action's own checkout (the ref named in uses:)
        ("0.1.0", "productready==0.1.0"),
        ("productready>=0.1,<0.2", "productready>=0.1,<0.2"),
        ("--index-url=https://evil.example/simple", "--index-url=https://evil.example/simple"),
    ],
)
def test_action_install_step_requirement(tmp_path: Path, version: str, requirement: str) -> None:
    argv = _pip_argv(tmp_path, version)
    # After '--' pip takes even a value that looks like an option as a requirement, not as a flag.
    assert argv == ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", "--", requirement]


# --------------------------------------------------------------------------- pre-commit hooks


def _hooks() -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in _yaml(HOOKS)}


def _run_hook(hook_id: str, repo: Path) -> subprocess.CompletedProcess[str]:
    """Run a hook as pre-commit does: entry + args, no file names, at the repository root."""
    hook = _hooks()[hook_id]
    argv = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    return subprocess.run(argv, cwd=repo, env=_env(), capture_output=True, text=True, timeout=900, check=False)


def test_hooks_declare_how_pre_commit_runs_them() -> None:
    hooks = _hooks()
    assert set(hooks) == {"productready", "productready-validate"}
    scan = hooks["productready"]
    assert scan["entry"] == "productready scan --quiet --format json --fail-on high --output-dir .productready-report"
    assert scan["language"] == "python"
    assert scan["pass_filenames"] is False and scan["always_run"] is True
    assert set(scan["stages"]) == {"pre-push", "manual"}
    validate = hooks["productready-validate"]
    assert validate["entry"] == "productready validate"
    assert validate["language"] == "python" and validate["pass_filenames"] is False
    files = re.compile(validate["files"])
    for path in ("productready.yaml", ".productready.yaml", "pyproject.toml", ".productready/waivers.yaml"):
        assert files.search(path), path
    for path in ("src/app.py", "sub/pyproject.toml", "docs/productready.yaml.md"):
        assert not files.search(path), path


@pytest.fixture(scope="module")
def hardened_hook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    repo = _git_copy("agrimarket-hardened", tmp_path_factory.mktemp("hook") / "agrimarket-hardened")
    return repo, _run_hook("productready", repo)


def test_scan_hook_passes_on_the_hardened_twin(hardened_hook: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    repo, proc = hardened_hook
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""  # --quiet
    report = json.loads((repo / ".productready-report" / "report.json").read_text(encoding="utf-8"))
    assert report["gate"]["passed"] is True
    assert report["gate"]["fail_on"] == "high"
    assert not report["gate"]["incomplete"]
    assert report["target"]["source"] == "git"


def test_scan_hook_fails_on_the_flawed_twin(tmp_path: Path) -> None:
    repo = _git_copy("agrimarket-flawed", tmp_path / "agrimarket-flawed")
    proc = _run_hook("productready", repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads((repo / ".productready-report" / "report.json").read_text(encoding="utf-8"))
    assert report["gate"]["passed"] is False
    assert report["gate"]["blocking"]
    assert not report["gate"]["incomplete"]


def test_scan_hook_rerun_does_not_scan_its_own_report(
    hardened_hook: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    repo, first = hardened_hook
    before = json.loads((repo / ".productready-report" / "report.json").read_text(encoding="utf-8"))
    again = _run_hook("productready", repo)
    assert again.returncode == first.returncode
    after = json.loads((repo / ".productready-report" / "report.json").read_text(encoding="utf-8"))
    assert after["findings"] == before["findings"]
    assert after["target"]["files"] == before["target"]["files"]


def test_validate_hook(tmp_path: Path) -> None:
    good = _git_copy("agrimarket-hardened", tmp_path / "good")
    proc = _run_hook("productready-validate", good)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "productready.yaml").write_text("fail_onn: high\n", encoding="utf-8")
    proc = _run_hook("productready-validate", bad)
    assert proc.returncode == 2
    assert "productready.yaml:1: unknown key 'fail_onn'" in proc.stdout + proc.stderr


# --------------------------------------------------------------------------- GitLab template


def test_gitlab_template() -> None:
    doc = _yaml(GITLAB)
    job = doc["productready"]
    assert re.fullmatch(r"python:3\.1[1-9]-slim@sha256:[0-9a-f]{64}", job["image"])
    assert job["allow_failure"] is False
    rules = " ".join(r["if"] for r in job["rules"])
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in rules
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in rules
    script = "\n".join(job["script"])
    formats = re.search(r"--format (\S+)", script)
    assert formats and set(formats.group(1).split(",")) >= {"json", "sarif", "junit", "markdown"}
    assert "--output-dir productready-report" in script
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == f"productready-report/{FORMATS['junit'].filename()}"
    assert "productready-report/" in job["artifacts"]["paths"]
    assert "--" in job["before_script"][-1].split(), "the pip spec is passed after '--'"


# --------------------------------------------------------------------------- Dockerfile


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            op, _, rest = s.partition(" ")
            out.append((op.upper(), rest.strip()))
    return out


def test_dockerfile_is_pinned_non_root_and_builds_what_the_wheel_needs() -> None:
    ins = _dockerfile_instructions()
    froms = [rest.split()[0] for op, rest in ins if op == "FROM"]
    assert froms and all(re.fullmatch(r"python:3\.\d+-slim@sha256:[0-9a-f]{64}", f) for f in froms)
    final = ins[max(i for i, (op, _) in enumerate(ins) if op == "FROM") :]
    users = [rest for op, rest in final if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("ENTRYPOINT", '["productready"]') in final
    assert ("WORKDIR", "/src") in final
    runs = " ".join(rest for op, rest in ins if op == "RUN")
    assert "pip install --no-cache-dir" in runs
    # Every folder the wheel force-includes (pyproject) is copied into the build stage, and
    # .dockerignore (an allow-list) lets it through.
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {src.split("/")[0] for src in wheel["force-include"]} | {p.split("/")[0] for p in wheel["packages"]}
    needed |= {"pyproject.toml", pyproject["project"]["readme"]}
    copied = {
        src.rstrip("/")
        for op, rest in ins
        if op == "COPY" and not rest.startswith("--from")
        for src in rest.split()[:-1]
    }
    assert needed <= copied, f"not copied into the image: {sorted(needed - copied)}"
    allowed = {
        ln.strip()[1:].rstrip("/") for ln in DOCKERIGNORE.read_text(encoding="utf-8").splitlines() if ln.startswith("!")
    }
    assert copied <= allowed, f"copied but excluded by .dockerignore: {sorted(copied - allowed)}"


def test_integration_files_pass_productready_own_checks(tmp_path: Path) -> None:
    """Dogfooding: the checks productready applies to others' Dockerfiles and CI files find nothing here."""
    tree = tmp_path / "tree"
    files = [ACTION, HOOKS, GITLAB, DOCKERFILE, DOCKERIGNORE]
    for f in files:
        dest = tree / f.relative_to(REPO_ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
    out = tmp_path / "out"
    proc = subprocess.run(
        ["productready", "scan", str(tree), "--scanner", "checks", "--format", "json", "-q", "-o", str(out)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report["target"]["artifacts"]) >= {"dockerfile", "github-action", "gitlab-ci"}
    ours = {f.relative_to(REPO_ROOT).as_posix() for f in files}
    flagged = [
        f"{f['rule_id']} {f['location']['path']}:{f['location']['line']} {f['message']}"
        for f in report["findings"]
        if f["location"]["path"] in ours
    ]
    assert flagged == []
