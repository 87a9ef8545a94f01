from Crypto.Cipher import AES, DES, DES3
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def legacy_des(key: bytes, iv: bytes):
    # ruleid: python-weak-block-cipher
    return DES.new(key, DES.MODE_CBC, iv)


def legacy_3des(key: bytes, iv: bytes):
    # ruleid: python-weak-block-cipher
    return DES3.new(key, DES3.MODE_CBC, iv)


def legacy_3des_cryptography(key: bytes, iv: bytes):
    # ruleid: python-weak-block-cipher
    return Cipher(algorithms.TripleDES(key), modes.CBC(iv))


def modern(key: bytes, nonce: bytes):
    # ok: python-weak-block-cipher
    return AES.new(key, AES.MODE_GCM, nonce=nonce)


def modern_cryptography(key: bytes, nonce: bytes):
    # ok: python-weak-block-cipher
    return Cipher(algorithms.AES(key), modes.GCM(nonce))
