"""The JSON API under /api/v1: one module per resource, gathered here."""

from fastapi import APIRouter

from denialdesk.api import (
    auth,
    authorizations,
    claims,
    decisions,
    lookups,
    remittances,
    tasks,
)

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(lookups.router)
api_router.include_router(claims.router)
api_router.include_router(authorizations.router)
api_router.include_router(tasks.router)
api_router.include_router(decisions.router)
api_router.include_router(remittances.router)
