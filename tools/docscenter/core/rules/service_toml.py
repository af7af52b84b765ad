"""``service_toml``: what is wrong in each service's ``service.toml`` (found when it is read,
see :func:`docscenter.core.services.load_service`)."""

from __future__ import annotations

from ..findings import Finding, Subtype
from ..index import CenterIndex

SUBTYPES = (Subtype.service_toml,)


def check(index: CenterIndex) -> list[Finding]:
    """One finding per problem of every service's metadata."""
    return [Finding(meta.name, index.center.relative(problem.path), problem.line,
                    Subtype.service_toml, f"{problem.field}: {problem.message}")
            for meta in index.services for problem in meta.problems]
