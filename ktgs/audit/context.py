"""Who is acting, and from where: set per request by the middleware, read by `record()`."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    ip: str | None = None


SYSTEM = Actor(id=None, name="hệ thống")
current_actor: ContextVar[Actor] = ContextVar("ktgs_actor", default=SYSTEM)
