import hashlib

from cryptography.hazmat.primitives import hashes


def etag(body: bytes) -> str:
    # ruleid: python-weak-hash-md5
    return hashlib.md5(body).hexdigest()


def token_digest(token: str) -> str:
    # ruleid: python-weak-hash-md5
    return hashlib.new("MD5", token.encode()).hexdigest()


def signer_hash():
    # ruleid: python-weak-hash-md5
    return hashes.Hash(hashes.MD5())


def cache_key(body: bytes) -> str:
    # ok: python-weak-hash-md5
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def etag_strong(body: bytes) -> str:
    # ok: python-weak-hash-md5
    return hashlib.sha256(body).hexdigest()


def by_name(body: bytes) -> str:
    # ok: python-weak-hash-md5
    return hashlib.new("sha512", body).hexdigest()
