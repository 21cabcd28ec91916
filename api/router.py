"""The JSON API under /api/v1: one module per resource, gathered here."""

from fastapi import APIRouter

from denialdesk.api import auth, lookups

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(lookups.router)
