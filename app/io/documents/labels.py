"""The names a scheme gives to people's things: its own name, its departments and roles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.engine.scheme import Scheme

__all__ = ["SchemeLabels"]


@dataclass(frozen=True, slots=True)
class SchemeLabels:
    """The scheme's display name and the labels of its departments and roles; a department
    or role without a label is shown by its name."""

    name: str
    departments: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, scheme: Scheme) -> SchemeLabels:
        departments = {key: d.label for key, d in scheme.departments.items() if d.label}
        roles = {
            (key, name): role.label
            for key, d in scheme.departments.items()
            for name, role in d.roles.items()
            if role.label
        }
        return cls(scheme.name, departments, roles)

    def department(self, key: str) -> str:
        return self.departments.get(key, key)

    def role(self, department: str, role: str) -> str:
        return self.roles.get((department, role), role)
