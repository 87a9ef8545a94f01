import os
import tempfile


def scratch_path() -> str:
    # ruleid: python-tempfile-mktemp
    return tempfile.mktemp(suffix=".json")


def scratch_in(directory: str) -> str:
    # ruleid: python-tempfile-mktemp
    path = tempfile.mktemp(dir=directory)
    return path


def scratch_file() -> str:
    # ok: python-tempfile-mktemp
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    return path


def scratch_named():
    # ok: python-tempfile-mktemp
    return tempfile.NamedTemporaryFile(suffix=".json", delete=False)
