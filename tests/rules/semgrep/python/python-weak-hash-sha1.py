import hashlib

from Crypto.Hash import SHA1


def fingerprint(data: bytes) -> str:
    # ruleid: python-weak-hash-sha1
    return hashlib.sha1(data).hexdigest()


def mac_input(data: bytes) -> bytes:
    # ruleid: python-weak-hash-sha1
    return SHA1.new(data).digest()


def legacy(data: bytes) -> str:
    # ruleid: python-weak-hash-sha1
    return hashlib.new("sha1", data).hexdigest()


def git_object_id(data: bytes) -> str:
    # ok: python-weak-hash-sha1
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def fingerprint_strong(data: bytes) -> str:
    # ok: python-weak-hash-sha1
    return hashlib.sha3_256(data).hexdigest()
