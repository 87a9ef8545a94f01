import os
import stat
from pathlib import Path


def share(path: str) -> None:
    # ruleid: python-insecure-file-permissions
    os.chmod(path, 0o777)


def share_stat(path: str) -> None:
    # ruleid: python-insecure-file-permissions
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IWOTH)


def make_spool(path: Path) -> None:
    # ruleid: python-insecure-file-permissions
    os.makedirs(path, mode=0o776, exist_ok=True)


def relax() -> None:
    # ruleid: python-insecure-file-permissions
    os.umask(0)


def protect(path: str) -> None:
    # ok: python-insecure-file-permissions
    os.chmod(path, 0o600)


def publish(path: Path) -> None:
    # ok: python-insecure-file-permissions
    path.chmod(0o644)


def make_private_dir(path: str) -> None:
    # ok: python-insecure-file-permissions
    os.makedirs(path, mode=0o700, exist_ok=True)


def current_umask() -> int:
    # ok: python-insecure-file-permissions
    old = os.umask(0)
    os.umask(old)
    return old
