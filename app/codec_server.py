"""The remote codec endpoint for Temporal's Web UI: /codec/decode and /codec/encode.

The UI runs in the browser on another origin (the dev server's UI port), so this answers CORS
for that origin only, with credentials: a supervisor or admin logged in to denialdesk (session
cookie) or holding an API token can read the decrypted payloads; nobody else can.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request, Response
from google.protobuf import json_format
from sqlmodel import Session
from temporalio.api.common.v1 import Payloads

from denialdesk.app.codec import CodecError, EncryptionCodec
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Action, may
from denialdesk.store.tokens import user_for_token
from denialdesk.store.users import load_principal
from denialdesk.web.session import principal_for

ALLOWED_HEADERS = "Content-Type, X-Namespace, Authorization"


def ui_origins(ui_port: int) -> frozenset[str]:
    return frozenset({f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}"})


def codec_router(codec: EncryptionCodec, origins: Iterable[str]) -> APIRouter:
    allowed = frozenset(origins)
    router = APIRouter(include_in_schema=False)

    def cors(request: Request, response: Response) -> Response:
        origin = request.headers.get("origin")
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response.headers["Vary"] = "Origin"
        return response

    @router.options("/codec/{operation}")
    def preflight(operation: str, request: Request) -> Response:
        return cors(request, Response(status_code=204))

    @router.post("/codec/{operation}")
    async def transcode(operation: str, request: Request) -> Response:
        if operation not in ("encode", "decode"):
            return cors(request, Response(status_code=404))
        if not _may_read_payloads(request):
            return cors(request, Response("not authorized", status_code=401))
        try:
            payloads = json_format.Parse(
                await request.body(), Payloads(), ignore_unknown_fields=True
            )
            work = codec.encode if operation == "encode" else codec.decode
            result = Payloads(payloads=await work(list(payloads.payloads)))
        except (json_format.ParseError, CodecError) as exc:
            return cors(request, Response(f"cannot {operation}: {exc}", status_code=400))
        body = json_format.MessageToJson(result)
        return cors(request, Response(body, media_type="application/json"))

    return router


def _may_read_payloads(request: Request) -> bool:
    with Session(request.app.state.engine) as db:
        principal = _principal(request, db)
    if principal is None:
        return False
    roles = [*principal.roles.values(), principal.all_practices_role]
    return any(role is not None and may(role, Action.MANAGE_WORK) for role in roles)


def _principal(request: Request, db: Session) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(db, request.app.state.secret_key, header[7:].strip())
        return load_principal(db, user_id=user.id) if user else None
    return principal_for(request.session, db)
