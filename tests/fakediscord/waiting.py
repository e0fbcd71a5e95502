"""Event-based waiting: each change in the fake wakes the waiters to re-check their condition."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0


class Changes:
    """A broadcast 'something changed' signal. Cheap to fire from synchronous code."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def fire(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def until(
        self,
        condition: Callable[[], T | None],
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        what: str = "a condition",
        describe: Callable[[], str] | None = None,
    ) -> T:
        """Return `condition()` once it is truthy; raise AssertionError after `timeout` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = condition()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                detail = f"\n{describe()}" if describe else ""
                raise AssertionError(f"timed out after {timeout:g}s waiting for {what}{detail}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                continue
