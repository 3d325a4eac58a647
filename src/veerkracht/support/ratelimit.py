"""Rate limits for forum posts: a brake on spam and on runaway scripts.

Counters live in the cache (local memory in the embedded mode, Redis in production,
so the limits hold across processes there). Per user:

- at most ``FORUM_THREADS_PER_HOUR`` new threads (default 5) and
  ``FORUM_REPLIES_PER_HOUR`` replies (default 20) per rolling hour window;
- at least ``FORUM_MIN_INTERVAL_SECONDS`` (default 15) between two posts of any kind.

Moderators are not limited. Settings are read with ``getattr(settings, ...)`` so that
none of them has to be set. The forum services call `forum_rate_check` before storing
anything and `forum_rate_count` once the post is created.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

THREAD = "thread"
REPLY = "reply"

WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class RateLimit:
    """Which limit was reached, and after how many seconds a post will be accepted again."""

    kind: str  # "thread", "reply" or "interval"
    limit: int
    retry_after: int


def _limit(kind: str) -> int:
    if kind == THREAD:
        return int(getattr(settings, "FORUM_THREADS_PER_HOUR", 5))
    return int(getattr(settings, "FORUM_REPLIES_PER_HOUR", 20))


def min_interval() -> int:
    return int(getattr(settings, "FORUM_MIN_INTERVAL_SECONDS", 15))


def _count_key(user_id: int, kind: str) -> str:
    return f"veerkracht:forum-rate:{kind}:{user_id}"


def _last_key(user_id: int) -> str:
    return f"veerkracht:forum-rate:last:{user_id}"


def forum_rate_check(user: Any, kind: str) -> RateLimit | None:
    """The limit this user would break by posting now (None: posting is allowed)."""
    interval = min_interval()
    if interval > 0 and cache.get(_last_key(user.pk)) is not None:
        return RateLimit(kind="interval", limit=interval, retry_after=interval)
    limit = _limit(kind)
    if int(cache.get(_count_key(user.pk, kind), 0)) >= limit:
        return RateLimit(kind=kind, limit=limit, retry_after=WINDOW_SECONDS)
    return None


def forum_rate_count(user_id: int, kind: str) -> None:
    """Count one post of this kind."""
    key = _count_key(user_id, kind)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS)
    interval = min_interval()
    if interval > 0:
        cache.set(_last_key(user_id), 1, timeout=interval)
