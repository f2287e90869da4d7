"""The write rate limit: at most CITYGRAPH_WRITE_RATE mutations per principal (e.g. "60/minute"), counted
in this process's memory over a moving window (the `limits` package). Memory stays bounded: one window
per principal that wrote within the last period, and only signed-in principals (keys, tokens) write."""

import math
import time
from functools import cache

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from citygraph.auth.principal import Principal

DEFAULT_WRITE_RATE = "60/minute"


class WriteRate:
    def __init__(self, rate: str):
        self.item: RateLimitItem = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def admit(self, who: Principal) -> int | None:
        """None when `who` may write now (the write is counted), else the seconds until it may."""
        key = f"{who.role.value}:{who.name}"
        if self.limiter.hit(self.item, key):
            return None
        reset = self.limiter.get_window_stats(self.item, key).reset_time
        return max(1, math.ceil(reset - time.time()))


@cache
def write_rate(rate: str) -> WriteRate:
    """One limiter per configured rate for the life of the process (every app of a process shares it)."""
    return WriteRate(rate)
