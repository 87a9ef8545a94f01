from Crypto.Cipher import AES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def encrypt_block(key: bytes, data: bytes) -> bytes:
    # ruleid: python-cipher-ecb-mode
    return AES.new(key, AES.MODE_ECB).encrypt(data)


def encryptor(key: bytes):
    # ruleid: python-cipher-ecb-mode
    return Cipher(algorithms.AES(key), modes.ECB()).encryptor()


def encrypt_gcm(key: bytes, nonce: bytes, data: bytes) -> bytes:
    # ok: python-cipher-ecb-mode
    return AES.new(key, AES.MODE_GCM, nonce=nonce).encrypt(data)


def encryptor_cbc(key: bytes, iv: bytes):
    # ok: python-cipher-ecb-mode
    return Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
