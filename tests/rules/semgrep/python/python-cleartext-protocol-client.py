import ftplib
import telnetlib

import paramiko


def upload(host: str, user: str, password: str) -> None:
    # ruleid: python-cleartext-protocol-client
    ftp = ftplib.FTP(host)
    ftp.login(user, password)


def switch_console(host: str):
    # ruleid: python-cleartext-protocol-client
    return telnetlib.Telnet(host, 23, timeout=10)


def upload_tls(host: str, user: str, password: str) -> None:
    # ok: python-cleartext-protocol-client
    ftp = ftplib.FTP_TLS(host)
    ftp.login(user, password)
    ftp.prot_p()


def upload_sftp(host: str) -> paramiko.SSHClient:
    # ok: python-cleartext-protocol-client
    client = paramiko.SSHClient()
    client.connect(host)
    return client
