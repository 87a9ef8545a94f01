"""One sorted walk of the target repository → ``Inventory``.

Where the target is a git work tree the file list comes from ``git ls-files``
(tracked plus untracked-not-ignored); otherwise from a plain walk that skips
VCS and tool folders. Symlinks are never followed out of the root, and large,
binary or special files are recorded as skipped with the reason.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from .models import Inventory, InventoryFile, SkippedItem

_LANGUAGES = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".tsx": "typescript",
    ".go": "go", ".java": "java", ".kt": "kotlin", ".rb": "ruby", ".php": "php", ".rs": "rust",
    ".cs": "csharp", ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".swift": "swift",
    ".sh": "shell", ".bash": "shell",
    ".tf": "terraform", ".tfvars": "terraform", ".hcl": "hcl",
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml",
    ".html": "html", ".htm": "html", ".sql": "sql",
}

# Folders a plain walk does not descend into (git work trees list files themselves).
_SKIP_DIRS = {
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".venv", "venv", ".eggs", "site-packages", ".terraform",
}

_K8S_API = re.compile(r"(?m)^apiVersion:\s*[\"']?[\w./-]+")
_K8S_KIND = re.compile(r"(?m)^kind:\s*[\"']?[A-Z]\w+")
_SHEBANG_PY = re.compile(rb"^#![^\n]*python")

SECRET_FILE_PATTERNS = (
    "*.pem", "*.key", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "*.p12", "*.pfx", "*.jks",
    "*.keystore", "*.ppk", ".htpasswd", ".netrc", ".pgpass", "credentials.json",
)


# one compiled pattern instead of an fnmatch call per pattern per file (names are lower-cased first)
_SECRET_FILE = re.compile("|".join(fnmatch.translate(p) for p in SECRET_FILE_PATTERNS))
_REQUIREMENTS = re.compile(fnmatch.translate("requirements*.txt"))
_CONSTRAINTS = re.compile(fnmatch.translate("constraints*.txt"))
_COMPOSE = re.compile(fnmatch.translate("docker-compose*.y*ml") + "|" + fnmatch.translate("compose*.y*ml"))

NOT_UTF8 = "file name is not valid UTF-8; not scanned"
TOO_LARGE = "larger than"  # prefix of the size-cap reason


def unread(item: SkippedItem) -> bool:
    """A file that exists but no scanner could read (too large, or a name we cannot pass on)."""
    return item.reason.startswith(TOO_LARGE) or item.reason == NOT_UTF8


def printable_name(rel: str) -> str:
    """A path from the file system as valid UTF-8 text (undecodable bytes shown as \\xNN)."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def collect(root: Path, exclude: Sequence[str] = (), max_file_size: int = 2_000_000) -> Inventory:
    root = root.resolve()
    listed = _git_files(root)
    is_git = listed is not None and len(listed) > 0
    skipped: list[SkippedItem] = []
    if not is_git:
        listed, walk_skipped = _walk(root)
        skipped.extend(walk_skipped)
    assert listed is not None
    files: list[InventoryFile] = []
    inside = _FolderCheck(root)
    for rel in sorted(set(listed)):
        if _excluded(rel, exclude):
            continue
        shown = printable_name(rel)
        if shown != rel:
            skipped.append(SkippedItem(shown, NOT_UTF8))
            continue
        item = _inspect(root, rel, max_file_size, inside)
        if isinstance(item, SkippedItem):
            skipped.append(item)
        else:
            files.append(item)
    return Inventory(root_name=root.name, files=tuple(files), skipped=tuple(sorted(skipped)), is_git=is_git)


def _git_files(root: Path) -> list[str] | None:
    """Files git lists under ``root``, or None when ``root`` is not in a work tree."""
    if not _inside_git(root):
        return None
    argv = [
        "git", "-c", "core.fsmonitor=false", "-c", "core.quotepath=off",
        "ls-files", "-z", "--cached", "--others", "--exclude-standard",
    ]
    try:
        proc = subprocess.run(argv, cwd=root, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    names = proc.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return [n for n in names if n]


def _inside_git(root: Path) -> bool:
    return any((parent / ".git").exists() for parent in (root, *root.parents))


def _walk(root: Path) -> tuple[list[str], list[SkippedItem]]:
    out: list[str] = []
    skipped: list[SkippedItem] = []
    base = str(root)
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        rel_dir = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else rel_dir + "/"
        keep = []
        for d in sorted(dirnames):
            rel = prefix + d
            full = os.path.join(dirpath, d)
            if d in _SKIP_DIRS or os.path.exists(os.path.join(full, "pyvenv.cfg")):
                skipped.append(SkippedItem(rel + "/", "tool, VCS or virtual-environment folder"))
            elif os.path.islink(full):
                out.append(rel)  # inspected (and refused or skipped) like a file
            else:
                keep.append(d)
        dirnames[:] = keep
        out.extend(prefix + f for f in filenames)
    return out, skipped


def _excluded(rel: str, patterns: Iterable[str]) -> bool:
    parts = rel.split("/")
    for pat in patterns:
        p = pat.rstrip("/")
        if fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p + "/*"):
            return True
        # a pattern naming a folder excludes everything below it
        for i in range(1, len(parts)):
            if fnmatch.fnmatchcase("/".join(parts[:i]), p):
                return True
    return False


class _FolderCheck:
    """Whether a folder inside the root resolves to a place inside the root, memoised per folder
    (one ``realpath`` per folder instead of one per file)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = str(root)
        self.base_slash = self.base.rstrip(os.sep) + os.sep
        self.known: dict[str, bool | None] = {"": True}

    def __call__(self, folder: str) -> bool | None:
        """True inside, False outside, None cannot resolve."""
        if folder not in self.known:
            try:
                real = os.path.realpath(os.path.join(self.base, folder), strict=True)
                self.known[folder] = real == self.base or real.startswith(self.base_slash)
            except (OSError, RuntimeError):
                self.known[folder] = None
        return self.known[folder]


def _inspect(root: Path, rel: str, max_size: int, inside: _FolderCheck | None = None) -> InventoryFile | SkippedItem:
    full = os.path.join(str(root), rel)  # strings, not Path objects: this runs for every file
    try:
        st = os.lstat(full)
    except OSError:
        return SkippedItem(rel, "listed but missing from the work tree")
    if stat.S_ISLNK(st.st_mode):
        try:
            target = Path(full).resolve(strict=True)
        except (OSError, RuntimeError):
            return SkippedItem(rel, "broken symlink")
        if not target.is_relative_to(root):
            return SkippedItem(rel, "symlink points outside the repository; not followed")
        return SkippedItem(rel, "symlink inside the repository; its target is scanned at its own path")
    if not stat.S_ISREG(st.st_mode):
        return SkippedItem(rel, "not a regular file")
    # A parent folder may itself be a symlink out of the root (the file itself is not a symlink here).
    where = (inside or _FolderCheck(root))(rel.rpartition("/")[0])
    if where is None:
        return SkippedItem(rel, "cannot resolve path")
    if not where:
        return SkippedItem(rel, "inside a symlinked folder that points outside the repository; not followed")
    if st.st_size > max_size:
        return SkippedItem(rel, f"{TOO_LARGE} {max_size} bytes")
    try:
        with open(full, "rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        return SkippedItem(rel, f"cannot read: {exc.strerror}")
    if b"\0" in head:
        return SkippedItem(rel, "binary file")
    language = _language(rel, head)
    kinds = _kinds(rel, Path(full), head, language) if language == "yaml" else _kinds(rel, None, head, language)
    return InventoryFile(path=rel, size=st.st_size, language=language, kinds=frozenset(kinds))


def language_of(rel: str) -> str:
    """The language a path would be classified as (for files that were not read)."""
    return _language(rel, b"")


def _language(rel: str, head: bytes) -> str:
    name = rel.rpartition("/")[2]
    if name.endswith(".tf.json"):
        return "terraform"
    suffix = os.path.splitext(name)[1]
    suffix = "" if suffix == "." else suffix  # as PurePosixPath.suffix: "a." has none
    lang = _LANGUAGES.get(suffix.lower(), "")
    if not lang and not suffix and _SHEBANG_PY.match(head):
        return "python"
    if name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or suffix == ".dockerfile":
        return "dockerfile"
    return lang


def _kinds(rel: str, full: Path | None, head: bytes, language: str) -> set[str]:
    """``full`` is needed (and given) only for YAML files."""
    parts = tuple(rel.split("/"))
    name = parts[-1]
    lower = name.lower()
    kinds: set[str] = set()
    if language == "python" and (
        any(part in ("tests", "test", "testing") for part in parts[:-1])
        or lower.startswith("test_") or lower.endswith("_test.py") or lower == "conftest.py"
    ):
        kinds.add("python-test")
    if (
        _REQUIREMENTS.match(lower)
        # constraints files: only where pip users keep them (not e.g. docs/ref/constraints.txt)
        or (_CONSTRAINTS.match(lower) and (len(parts) == 1 or parts[-2] in ("requirements", "constraints")))
        or (len(parts) > 1 and parts[-2] == "requirements" and lower.endswith(".txt"))
        or lower in ("pyproject.toml", "setup.py", "setup.cfg", "pipfile")
    ):
        kinds.add("python-manifest")
    if lower in ("poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock", "package-lock.json", "yarn.lock",
                 "pnpm-lock.yaml", "go.sum", "cargo.lock", "gemfile.lock", "composer.lock") or (
        lower.startswith("pylock.") and lower.endswith(".toml")
    ):
        kinds.add("lockfile")
    if language == "dockerfile":
        kinds.add("dockerfile")
    if language == "yaml" and _COMPOSE.match(lower):
        kinds.add("compose")
    if lower == "chart.yaml":
        kinds.add("helm-chart")
    in_workflows = len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows"
    if language == "yaml" and in_workflows:
        kinds.add("github-actions")
    if lower in ("action.yml", "action.yaml"):
        kinds.add("github-action")
    if lower == ".gitlab-ci.yml" or (language == "yaml" and "gitlab-ci" in lower):
        kinds.add("gitlab-ci")
    if language == "terraform":
        kinds.add("terraform")
    if language == "yaml" and full is not None and not kinds & {"compose", "github-actions", "gitlab-ci", "helm-chart"}:
        if "templates" in parts[:-1] and _in_helm_chart(full):
            kinds.add("helm-template")
        else:
            text = _read_text(full)
            if _K8S_API.search(text) and _K8S_KIND.search(text):
                kinds.add("kubernetes")
    stem = lower.split(".")[0]
    if (stem == "security" and lower.endswith((".md", ".txt", ".rst"))) or lower == "security":
        kinds.add("security-policy")
    if stem in ("license", "licence", "copying"):
        kinds.add("license")
    if name == "CODEOWNERS":
        kinds.add("codeowners")
    if stem == "readme" and len(parts) == 1:
        kinds.add("readme")
    if in_workflows is False and lower in ("dependabot.yml", "dependabot.yaml") and ".github" in parts:
        kinds.add("dependabot")
    if lower in ("renovate.json", "renovate.json5", ".renovaterc", ".renovaterc.json"):
        kinds.add("renovate")
    if lower == ".pre-commit-config.yaml":
        kinds.add("pre-commit")
    if lower == ".gitignore":
        kinds.add("gitignore")
    if lower == ".env" or (lower.startswith(".env.") and len(parts) >= 1):
        kinds.add("env-file")
    if _SECRET_FILE.match(lower):
        kinds.add("secret-file")
    return kinds


def _in_helm_chart(full: Path) -> bool:
    for parent in full.parents:
        if (parent / "Chart.yaml").is_file():
            return True
        if parent.name == "templates":
            continue
        break
    return False


def _read_text(full: Path) -> str:
    try:
        return full.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
