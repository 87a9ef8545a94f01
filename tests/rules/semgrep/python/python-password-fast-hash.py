import hashlib
import os


def store_password(password: str) -> str:
    # ruleid: python-password-fast-hash
    return hashlib.sha256(password.encode()).hexdigest()


def legacy_hash(user) -> str:
    # ruleid: python-password-fast-hash
    return hashlib.md5(user.password.encode("utf-8")).hexdigest()


def salted(password: str, salt: bytes) -> bytes:
    h = hashlib.sha512()
    h.update(salt)
    # ruleid: python-password-fast-hash
    h.update(password.encode())
    return h.digest()


def store_password_safe(password: str) -> bytes:
    salt = os.urandom(16)
    # ok: python-password-fast-hash
    return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def scrypt_hash(password: str, salt: bytes) -> bytes:
    # ok: python-password-fast-hash
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def file_digest(content: bytes) -> str:
    # ok: python-password-fast-hash
    return hashlib.sha256(content).hexdigest()
