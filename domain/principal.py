"""Who is calling: a user and their role in each practice they belong to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from denialdesk.domain.roles import Action, Role, may


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    # practice id -> role; `all_practices_role` is set for an admin of every practice.
    roles: dict[int, Role] = field(default_factory=dict)
    all_practices_role: Role | None = None

    def role_in(self, practice_id: int) -> Role | None:
        return self.roles.get(practice_id, self.all_practices_role)

    def sees(self, practice_id: int) -> bool:
        return self.role_in(practice_id) is not None

    def may(self, practice_id: int, action: Action) -> bool:
        role = self.role_in(practice_id)
        return role is not None and may(role, action)

    def may_somewhere(self, action: Action) -> bool:
        """Whether some practice lets this principal `action` (shows or hides a control)."""
        roles = [*self.roles.values(), self.all_practices_role]
        return any(role is not None and may(role, action) for role in roles)

    def practice_ids(self, all_ids: Iterable[int]) -> list[int]:
        """The practices this principal sees, out of every practice id there is."""
        return [pid for pid in all_ids if self.sees(pid)]
