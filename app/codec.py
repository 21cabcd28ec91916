"""AES-256-GCM payload codec with a key ring, and the data converter that uses it.

Workflow inputs, results and failure details carry PHI, and the Temporal server (and its Web UI)
must only ever see ciphertext. Each encoded payload names the key that encrypted it, so keys can
rotate: the first key of the ring encrypts, every key still in the ring decrypts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class CodecError(ValueError):
    """A payload that cannot be decrypted; the message names the key id, never the content."""


class EncryptionCodec(PayloadCodec):
    def __init__(self, key_ring: Mapping[str, bytes]) -> None:
        if not key_ring:
            raise ValueError("the key ring holds no key")
        for kid, key in key_ring.items():
            if len(key) != 32:
                raise ValueError(f"key {kid!r} must be 32 bytes (AES-256)")
        self._ciphers = {kid: AESGCM(key) for kid, key in key_ring.items()}
        self.active_key_id = next(iter(key_ring))

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(payload) for payload in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        kid = self.active_key_id
        nonce = os.urandom(NONCE_BYTES)
        # The key id is authenticated too, so relabelling a payload with another key id fails.
        sealed = self._ciphers[kid].encrypt(nonce, payload.SerializeToString(), kid.encode())
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID: kid.encode()},
            data=nonce + sealed,
        )

    def _decrypt(self, payload: Payload) -> Payload:
        # Payloads written before encryption was switched on (or by the server itself) stay
        # readable; everything this codec writes is encrypted.
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        kid = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise CodecError(
                f"payload was encrypted with key id {kid!r}, which is not in "
                "DENIALDESK_PAYLOAD_KEYS; add that key back to the ring to read it"
            )
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            clear = cipher.decrypt(nonce, sealed, kid.encode())
        except InvalidTag:
            raise CodecError(
                f"payload encrypted with key id {kid!r} failed authentication "
                "(tampered with, or a different key under the same id)"
            ) from None
        return Payload.FromString(clear)


def data_converter(key_ring: Mapping[str, bytes]) -> DataConverter:
    """The converter every client and worker uses: encrypted payloads and failure details."""
    return DataConverter(
        payload_codec=EncryptionCodec(key_ring),
        # Moves failure messages and stack traces into an encoded attribute, so exception
        # texts (which may quote patient data) are encrypted like any payload.
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
