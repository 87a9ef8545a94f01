import os
import subprocess

CLEANUP = "rm -rf /tmp/build-cache"


def ping(host: str) -> int:
    # ruleid: python-os-system-injection
    return os.system("ping -c 1 " + host)


def list_dir(path: str) -> str:
    # ruleid: python-os-system-injection
    return os.popen(f"ls -la {path}").read()


def disk_usage(path: str) -> str:
    # ruleid: python-os-system-injection
    return subprocess.getoutput("du -sh %s" % path)  # noqa: UP031


def uptime() -> int:
    # ok: python-os-system-injection
    return os.system("uptime")


def cleanup() -> int:
    # ok: python-os-system-injection
    return os.system(CLEANUP)


def ping_safe(host: str) -> int:
    # ok: python-os-system-injection
    return subprocess.run(["ping", "-c", "1", host], check=False).returncode
