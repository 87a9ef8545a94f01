import asyncio
import shlex
import subprocess


def archive(name: str) -> None:
    # ruleid: python-subprocess-shell-injection
    subprocess.run(f"tar czf /backups/{name}.tgz /data", shell=True, check=True)


def grep(pattern: str, path: str) -> bytes:
    cmd = "grep " + pattern + " " + path
    # ruleid: python-subprocess-shell-injection
    return subprocess.check_output(cmd, shell=True)


async def convert(src: str) -> None:
    # ruleid: python-subprocess-shell-injection
    proc = await asyncio.create_subprocess_shell("convert " + src + " out.png")
    await proc.wait()


def archive_safe(name: str) -> None:
    # ok: python-subprocess-shell-injection
    subprocess.run(["tar", "czf", f"/backups/{name}.tgz", "/data"], check=True)


def restart() -> None:
    # ok: python-subprocess-shell-injection
    subprocess.run("systemctl restart nginx && systemctl status nginx", shell=True, check=True)


def grep_quoted(pattern: str) -> bytes:
    # ok: python-subprocess-shell-injection
    return subprocess.check_output(shlex.join(["grep", pattern, "/var/log/app.log"]), shell=True)


def grep_no_shell(cmd: list[str]) -> bytes:
    # ok: python-subprocess-shell-injection
    return subprocess.check_output(cmd, shell=False)


def show(path: str) -> None:
    # ok: python-subprocess-shell-injection
    subprocess.run("ls -l " + shlex.quote(path) + " | head", shell=True, check=True)
