import paramiko
from paramiko import AutoAddPolicy


def connect(host: str) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    # ruleid: python-paramiko-auto-add-host-key
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host)
    return client


def connect_imported(host: str) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    # ruleid: python-paramiko-auto-add-host-key
    client.set_missing_host_key_policy(AutoAddPolicy)
    client.connect(host)
    return client


def connect_safe(host: str) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    # ok: python-paramiko-auto-add-host-key
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host)
    return client


def connect_default(host: str) -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    # ok: python-paramiko-auto-add-host-key
    client.load_host_keys("/etc/ssh/ssh_known_hosts")
    client.connect(host)
    return client
