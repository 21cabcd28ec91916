"""The Temporal connection: address, namespace, TLS or API key from settings, payloads encrypted."""

from __future__ import annotations

from temporalio.client import Client

from denialdesk.app.codec import data_converter
from denialdesk.app.settings import Settings


class TemporalUnreachable(Exception):
    """No connection to the Temporal frontend; the message names the address."""


def temporal_address(settings: Settings) -> str:
    """The configured cluster, else the embedded dev server that `denialdesk dev` starts."""
    return settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"


async def connect(settings: Settings) -> Client:
    address = temporal_address(settings)
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    try:
        return await Client.connect(
            address,
            namespace=settings.temporal_namespace,
            data_converter=data_converter(settings.key_ring()),
            # An API key (Temporal Cloud) only travels over TLS.
            tls=settings.temporal_tls or api_key is not None,
            api_key=api_key,
        )
    except RuntimeError as exc:  # the SDK's error for refused connections and TLS failures
        raise TemporalUnreachable(f"cannot connect to Temporal at {address}: {exc}") from exc
