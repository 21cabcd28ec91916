"""The payload codec: AES-256-GCM, key id in metadata, key rotation, failures encrypted."""

import asyncio

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError

from denialdesk.app.codec import ENCODING, KEY_ID, CodecError, EncryptionCodec, data_converter

OLD = bytes(range(32))
NEW = bytes(range(100, 132))
SECRET = b'{"patient": "Rivera, Ana", "dob": "1984-02-29"}'


def clear_payload() -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=SECRET)


def encode(codec: EncryptionCodec, payload: Payload) -> Payload:
    return asyncio.run(codec.encode([payload]))[0]


def decode(codec: EncryptionCodec, payload: Payload) -> Payload:
    return asyncio.run(codec.decode([payload]))[0]


def test_round_trip_hides_the_content():
    codec = EncryptionCodec({"k1": OLD})
    sealed = encode(codec, clear_payload())
    assert b"Rivera" not in sealed.SerializeToString()
    assert b"json/plain" not in sealed.SerializeToString()  # metadata is encrypted too
    assert decode(codec, sealed) == clear_payload()


def test_each_payload_names_its_key_and_uses_a_fresh_nonce():
    codec = EncryptionCodec({"k1": OLD})
    first, second = asyncio.run(codec.encode([clear_payload(), clear_payload()]))
    assert first.metadata["encoding"] == ENCODING
    assert first.metadata[KEY_ID] == b"k1"
    assert first.data != second.data


def test_rotation_first_key_encrypts_old_keys_still_decrypt():
    written_before = encode(EncryptionCodec({"k1": OLD}), clear_payload())
    rotated = EncryptionCodec({"k2": NEW, "k1": OLD})
    assert decode(rotated, written_before) == clear_payload()
    assert encode(rotated, clear_payload()).metadata[KEY_ID] == b"k2"


def test_unknown_key_id_is_a_clear_error():
    written_before = encode(EncryptionCodec({"k1": OLD}), clear_payload())
    with pytest.raises(CodecError, match="key id 'k1'.*not in DENIALDESK_PAYLOAD_KEYS"):
        decode(EncryptionCodec({"k2": NEW}), written_before)


def test_tampered_ciphertext_fails_authentication():
    codec = EncryptionCodec({"k1": OLD})
    sealed = encode(codec, clear_payload())
    data = bytearray(sealed.data)
    data[-1] ^= 0x01
    sealed.data = bytes(data)
    with pytest.raises(CodecError, match="failed authentication"):
        decode(codec, sealed)


def test_relabelled_key_id_fails_even_with_the_same_key():
    codec = EncryptionCodec({"k1": OLD, "k0": OLD})
    sealed = encode(codec, clear_payload())
    sealed.metadata[KEY_ID] = b"k0"  # the key id is authenticated data
    with pytest.raises(CodecError, match="k0"):
        decode(codec, sealed)


def test_payloads_that_were_never_encrypted_pass_through():
    assert decode(EncryptionCodec({"k1": OLD}), clear_payload()) == clear_payload()


@pytest.mark.parametrize("ring", [{}, {"short": b"x" * 16}])
def test_bad_key_ring_is_refused(ring):
    with pytest.raises(ValueError):
        EncryptionCodec(ring)


def test_failure_message_and_stack_trace_are_encrypted():
    converter = data_converter({"k1": OLD})
    failure = Failure()
    try:
        raise ApplicationError("claim for Rivera, Ana denied", type="Denied")
    except ApplicationError as exc:
        asyncio.run(converter.encode_failure(exc, failure))
    wire = failure.SerializeToString()
    assert b"Rivera" not in wire
    assert b"test_codec.py" not in wire  # the stack trace travels encrypted as well
    assert failure.encoded_attributes.metadata[KEY_ID] == b"k1"
    decoded = asyncio.run(converter.decode_failure(failure))
    assert isinstance(decoded, ApplicationError)
    assert decoded.message == "claim for Rivera, Ana denied"
