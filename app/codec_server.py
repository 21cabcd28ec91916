"""The remote codec endpoint for Temporal's Web UI: /codec/decode only.

The UI runs in the browser on another origin (the dev server's UI port), so this answers CORS
for that origin only, with credentials. Payloads carry no practice, so only an admin of every
practice (session cookie or API token) may decrypt: a supervisor of one practice would read all
of them. There is no /codec/encode: the UI does not need it, and it would be an encryption
oracle for anyone allowed to call it.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request, Response
from google.protobuf import json_format
from sqlmodel import Session
from temporalio.api.common.v1 import Payloads

from denialdesk.app.codec import CodecError, EncryptionCodec
from denialdesk.domain.principal import Principal
from denialdesk.domain.roles import Role
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

    @router.options("/codec/decode")
    def preflight(request: Request) -> Response:
        return cors(request, Response(status_code=204))

    @router.post("/codec/decode")
    async def decode(request: Request) -> Response:
        if not _may_read_payloads(request):
            return cors(request, Response("not authorized", status_code=401))
        try:
            payloads = json_format.Parse(
                await request.body(), Payloads(), ignore_unknown_fields=True
            )
            result = Payloads(payloads=await codec.decode(list(payloads.payloads)))
        except (json_format.ParseError, CodecError) as exc:
            return cors(request, Response(f"cannot decode: {exc}", status_code=400))
        body = json_format.MessageToJson(result)
        return cors(request, Response(body, media_type="application/json"))

    return router


def _may_read_payloads(request: Request) -> bool:
    with Session(request.app.state.engine) as db:
        principal = _principal(request, db)
    return principal is not None and principal.all_practices_role is Role.ADMIN


def _principal(request: Request, db: Session) -> Principal | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = user_for_token(db, request.app.state.secret_key, header[7:].strip())
        return load_principal(db, user_id=user.id) if user else None
    return principal_for(request.session, db)
