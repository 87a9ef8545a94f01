from Crypto.Cipher import ARC4, ChaCha20
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms


def stream(key: bytes):
    # ruleid: python-weak-cipher-rc4
    return ARC4.new(key)


def stream_cryptography(key: bytes):
    # ruleid: python-weak-cipher-rc4
    return Cipher(algorithms.ARC4(key), mode=None)


def stream_modern(key: bytes, nonce: bytes):
    # ok: python-weak-cipher-rc4
    return ChaCha20.new(key=key, nonce=nonce)


def stream_modern_cryptography(key: bytes, nonce: bytes):
    # ok: python-weak-cipher-rc4
    return Cipher(algorithms.ChaCha20(key, nonce), mode=None)
