"""One paginator for every list, search and scroll operation.

``Paginator`` is async-iterable over items, iterable page by page with ``.pages()``, and
awaitable for the first page. It follows the operation's pagination style (from
``OPERATIONS``), fetches the next page while the caller works on the current one, and exposes
the cursor to resume from.

Why asyncio tasks and not an anyio task group for the prefetch: an async generator cannot hold
a task group open across ``yield`` (the cancel scope would leak into the consumer). The
prefetch task is owned by the generator instead and always cancelled and awaited in its
``finally``, so no task outlives its iterator; ``async with paginator:`` makes that cleanup
immediate rather than at garbage collection.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
import time
import weakref
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Coroutine, Generator, Mapping
from contextlib import aclosing, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._decode import link_items
from ._operation import Operation
from ._options import RequestOptions
from ._paging import STYLES, items_of
from ._paging import field as _get
from .errors import (
    APIConnectionError,
    APIStatusError,
    DecodeError,
    InternalServerError,
    PaginationError,
)

if TYPE_CHECKING:
    from ._sender import Sender

logger: logging.Logger = logging.getLogger("intercom_async")

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")

# GET /companies and POST /companies/list reach at most this many companies (their
# operations' ``max_items``; kept here for callers that imported it).
COMPANY_LIST_CAP = 10_000
SCROLL_EXPIRY_SECONDS = 60.0
MAX_SCROLL_RESTARTS = 5
# Waiting for another scroll of the app to end: paced tries, 1 s doubling to 10 s, ~70 s in all
# (a scroll expires after about a minute unused).
SCROLL_EXISTS_WAIT = 70.0
SCROLL_EXISTS_STEP = 1.0
SCROLL_EXISTS_CAP = 10.0


class ScrollRestartRequired(PaginationError):
    """The scroll cannot continue (Intercom asked for a restart, a page's answer was lost, or
    the scroll_param expired); only a new scroll from the start can."""


class ScrollExistsError(PaginationError):
    """Another scroll stayed open for the app (``scroll_exists``) longer than we wait."""


@dataclass(frozen=True, slots=True)
class Page(Generic[ItemT, PageT]):
    """One page: its items, the decoded page object, and the cursor of the page after it."""

    items: list[ItemT]
    raw: PageT
    next_cursor: str | int | None
    number: int

    @property
    def total_count(self) -> int | None:
        """The list's ``total_count``, when the response has one."""
        value = _get(self.raw, "total_count")
        return value if isinstance(value, int) else None

    @property
    def pages(self) -> Any:
        """The page's ``pages`` object (paging metadata), if any."""
        return _get(self.raw, "pages")


def _unseen(item: Any, seen_ids: set[object]) -> bool:
    key = _get(item, "id")
    return key is None or key not in seen_ids


def next_cursor(style: str, raw: Any, cursor: str | int | None, items: int) -> str | int | None:
    """The cursor of the page after ``raw`` (None: ``raw`` is the last page). Pure."""
    return STYLES[style].next_after(raw, cursor, items)  # type: ignore[index]


def page_request(
    style: str,
    cursor: str | int | None,
    per_page: int | None,
    query: Mapping[str, Any],
    body: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Query and body that ask for the page at ``cursor``. Pure."""
    return STYLES[style].ask(cursor, per_page, query, body)  # type: ignore[index]


def _is_scroll_exists(error: APIStatusError) -> bool:
    if error.status != 400:
        return False
    return any(
        (e.code or "") == "scroll_exists" or "scroll already exists" in (e.message or "").lower()
        for e in error.errors
    )


def _is_scroll_restart(error: APIStatusError) -> bool:
    text = " ".join(f"{e.code or ''} {e.message or ''}" for e in error.errors).lower()
    if isinstance(error, InternalServerError):
        return "scroll" in text or not error.errors
    return error.status in (400, 404, 410) and "scroll" in text


class Paginator(Generic[ItemT, PageT]):
    """Streams a list operation. Returned by every list, search and scroll method.

    - ``async for item in paginator`` — every item, in order, once;
    - ``async for page in paginator.pages()`` — page by page;
    - ``await paginator`` — the first page only;
    - ``limit=`` caps the items, ``first()`` and ``to_list()`` collect;
    - ``paginator.cursor`` is the cursor after the last completed page: pass it back as
      ``cursor=`` to continue from there;
    - ``prefetch`` pages are fetched ahead (default 1; 0 turns it off).
    """

    def __init__(
        self,
        sender: Sender,
        op: Operation[Any],
        path_params: Mapping[str, object],
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        per_page: int | None = None,
        cursor: str | int | None = None,
        limit: int | None = None,
        prefetch: int = 1,
        scroll_restart: str = "auto",
        options: RequestOptions | None = None,
    ) -> None:
        if op.pagination is None:
            raise TypeError(f"{op.name} is not a list operation")
        if limit is not None and limit < 0:
            raise ValueError("limit must be 0 or more")
        if prefetch < 0:
            raise ValueError("prefetch must be 0 or more")
        if scroll_restart not in ("auto", "raise"):
            raise ValueError("scroll_restart must be 'auto' or 'raise'")
        self._sender = sender
        self._op = op
        self._style = op.pagination
        self._shape = STYLES[op.pagination]
        self._path_params = path_params
        self._query = {k: v for k, v in (query or {}).items() if v is not None}
        self._body = body
        self._per_page = per_page
        self._start = cursor
        self._limit = limit
        # Scroll pages are fetched strictly one after another: the position lives on the server.
        self._prefetch = prefetch if self._shape.prefetch else 0
        self._page_size = per_page
        self._scroll_restart = scroll_restart
        self._options = options
        self.cursor: str | int | None = cursor
        """Where to resume: the cursor after the last page whose items were all consumed."""
        self.pages_fetched: int = 0
        self.restarts: int = 0
        # Weak, so a plain `break` drops the last reference to the iteration and asyncio closes
        # it at once (cancelling its prefetch, releasing the scroll lock) instead of at the next
        # garbage collection.
        self._open: weakref.WeakSet[AsyncGenerator[Any, None]] = weakref.WeakSet()
        # Prefetch tasks of every iteration, so aclose() can stop those whose iteration is
        # already being finalized by asyncio.
        self._prefetching: set[asyncio.Task[Any]] = set()
        self._scroll_issued: dict[object, float] = {}
        # A page of an open scroll is not safe to resend: Intercom keeps the position, so the
        # same scroll_param after a lost answer returns the page after it. Sent as a
        # non-idempotent request, the retry rules resend it only after a 429 (not processed)
        # or a connection that never reached the server; any other failure ends the scroll.
        self._scroll_page_options = dataclasses.replace(
            options or RequestOptions(), idempotent=False
        )
        self._scroll_exists_since: float | None = None
        self._scroll_exists_tries = 0
        self._decode_as: Any = op.response_type

    def __repr__(self) -> str:
        return f"Paginator({self._op.name}, style={self._style}, cursor={self.cursor!r})"

    # -- public API -------------------------------------------------------------------------

    def as_dicts(self) -> Paginator[dict[str, Any], dict[str, Any]]:
        """The same listing with every item as the JSON object Intercom sent (every field)."""
        clone: Paginator[dict[str, Any], dict[str, Any]] = copy.copy(self)  # type: ignore[arg-type]
        clone._decode_as = dict[str, Any]
        clone._open = weakref.WeakSet()
        clone._prefetching = set()
        clone._scroll_issued = {}
        return clone

    def __await__(self) -> Generator[Any, None, Page[ItemT, PageT]]:
        return self._first_page().__await__()

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._track(self._items())

    def pages(self) -> AsyncIterator[Page[ItemT, PageT]]:
        """Iterate page by page; each page holds its items, its metadata and the next cursor."""
        return self._track(self._pages())

    async def first(self) -> ItemT | None:
        """The first item, or None for an empty list (fetches one page)."""
        items = self._items()
        async with aclosing(items):
            async for item in items:
                return item
        return None

    async def to_list(self) -> list[ItemT]:
        """Every item (bounded by ``limit``) in a list."""
        return [item async for item in self._items()]

    async def __aenter__(self) -> Paginator[ItemT, PageT]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop every open iteration now: cancels the prefetch, frees its slot and connection."""
        while self._open:
            await self._open.pop().aclose()
        tasks = list(self._prefetching)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task

    # -- internals --------------------------------------------------------------------------

    def _track(self, generator: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
        self._open.add(generator)
        return generator

    async def _first_page(self) -> Page[ItemT, PageT]:
        return await self._fetch(self._start, number=1)

    async def _fetch(self, cursor: str | int | None, number: int) -> Page[ItemT, PageT]:
        if self._style == "scroll" and cursor is not None:
            issued = self._scroll_issued.get(cursor)
            if issued is not None and time.monotonic() - issued > SCROLL_EXPIRY_SECONDS:
                raise ScrollRestartRequired(
                    f"the scroll_param is {time.monotonic() - issued:.0f}s old and Intercom "
                    f"expires it after about {SCROLL_EXPIRY_SECONDS:.0f}s: the consumer was too "
                    "slow. Process scroll pages faster (or collect them first) and scroll again"
                )
        cap = self._op.max_items
        size = self._page_size or 0
        if cap is not None and isinstance(cursor, int) and (cursor - 1) * size >= cap:
            self._past_the_cap(cap)
        query, body = self._shape.ask(cursor, self._per_page, self._query, self._body)
        raw = await self._sender.call(
            self._op,
            self._path_params,
            params=query,
            json=body,
            options=self._scroll_page_options
            if self._style == "scroll" and cursor
            else self._options,
            decode_as=self._decode_as,
        )
        self.pages_fetched += 1
        key = self._op.items_key or "data"
        # A few lists answer a top-level array rather than an object holding one.
        listed = items_of(raw, key)
        link_items(raw, key, listed)
        items = [item for item in listed if item is not None]
        following = self._shape.next_after(raw, cursor, len(items))
        self._sender.report_page(self._op.name, number, len(items))
        if cap is not None:
            size = _get(_get(raw, "pages"), "per_page")
            self._page_size = size if isinstance(size, int) and size > 0 else self._page_size
        if self._style == "scroll" and following is not None:
            self._scroll_issued[following] = time.monotonic()
        return Page(items=items, raw=raw, next_cursor=following, number=number)

    async def _pages(self) -> AsyncGenerator[Page[ItemT, PageT], None]:
        # Inner generators are closed explicitly: leaving one to the garbage collector would
        # leave its prefetch task running after the caller stopped iterating.
        inner = self._scroll_pages() if self._style == "scroll" else self._follow(self._start)
        async with aclosing(inner):
            async for page in inner:
                yield page

    async def _follow(self, start: str | int | None) -> AsyncGenerator[Page[ItemT, PageT], None]:
        """Pages from ``start`` on, ``prefetch`` pages ahead, guarding against loops."""
        ahead: deque[asyncio.Task[Page[ItemT, PageT]]] = deque()
        seen: set[object] = {start} if start is not None else set()

        def schedule(after: asyncio.Task[Page[ItemT, PageT]] | None, number: int) -> None:
            async def fetch_following() -> Page[ItemT, PageT]:
                assert after is not None
                previous = await asyncio.shield(after)
                if previous.next_cursor is None:
                    return previous
                return await self._fetch(previous.next_cursor, number)

            ahead.append(self._prefetch_task(fetch_following()))

        try:
            page = await self._fetch(start, 1)
            while True:
                cursor = page.next_cursor
                if cursor is not None and self._shape.cursor_advances:
                    # (An unchanged scroll_param is normal: it names the scroll, not a page.)
                    if cursor in seen:
                        raise PaginationError(
                            f"{self._op.name}: the next-page cursor {cursor!r} does not advance; "
                            "stopping instead of looping forever"
                        )
                    seen.add(cursor)
                    if self._prefetch and not ahead:
                        ahead.append(self._prefetch_task(self._fetch(cursor, page.number + 1)))
                    while self._prefetch and len(ahead) < self._prefetch:
                        schedule(ahead[-1], page.number + len(ahead) + 1)
                yield page
                self.cursor = cursor
                if cursor is None:
                    total, cap = page.total_count, self._op.max_items
                    if cap is not None and total is not None and total > cap:
                        # Intercom serves nothing past the cap: say so instead of ending silently.
                        self._past_the_cap(cap)
                    return
                page = (
                    await ahead.popleft() if ahead else await self._fetch(cursor, page.number + 1)
                )
        finally:
            for task in ahead:
                task.cancel()
            for task in ahead:
                with suppress(asyncio.CancelledError, Exception):
                    await task

    def _prefetch_task(
        self, fetch: Coroutine[Any, Any, Page[ItemT, PageT]]
    ) -> asyncio.Task[Page[ItemT, PageT]]:
        task = asyncio.ensure_future(fetch)
        self._prefetching.add(task)
        task.add_done_callback(self._prefetching.discard)
        return task

    async def _scroll_pages(self) -> AsyncGenerator[Page[ItemT, PageT], None]:
        """Scroll with one scroll per client; a lost page restarts the scroll (de-duplicated)."""
        seen_ids: set[object] = set()
        # One scroll per app: held for the whole scroll, restarts included.
        async with self._sender.scroll_lock():
            start = self._start
            while True:
                try:
                    pages = self._follow(start)
                    async with aclosing(pages):
                        async for page in pages:
                            fresh = [i for i in page.items if _unseen(i, seen_ids)]
                            seen_ids.update(_get(i, "id") for i in fresh)
                            yield Page(fresh, page.raw, page.next_cursor, page.number)
                    return
                except ScrollExistsError:
                    raise
                except APIStatusError as error:
                    if _is_scroll_exists(error):
                        await self._wait_for_other_scroll(error)
                        start = None
                        continue
                    if not (_is_scroll_restart(error) or error.status >= 500):
                        raise
                    self._restart_or_raise(error, len(seen_ids))
                    start = None
                except (APIConnectionError, DecodeError) as error:
                    # The answer to a page was lost: its position on the server is gone.
                    self._restart_or_raise(error, len(seen_ids))
                    start = None

    def _past_the_cap(self, cap: int) -> None:
        beyond = self._op.beyond_max_items
        raise PaginationError(
            f"{self._op.method} {self._op.path} reaches at most {cap:,} items"
            + (f"; iterate client.{beyond}() to get every one" if beyond else "")
        )

    def _restart_or_raise(self, error: BaseException, yielded: int) -> None:
        if self._scroll_restart == "raise" or self.restarts >= MAX_SCROLL_RESTARTS:
            raise ScrollRestartRequired(
                f"the scroll cannot continue ({type(error).__name__}: {error}); Intercom keeps "
                "a scroll's position on its side, so a lost page cannot be asked for again. "
                f"{yielded} companies were already yielded; scroll again from the start"
            ) from error
        self.restarts += 1
        logger.info("restarting the companies scroll after %s", type(error).__name__)
        self._sender.report_scroll_restart(self._op.name, type(error).__name__, self.restarts)

    async def _wait_for_other_scroll(self, error: APIStatusError) -> None:
        """Another scroll is open for the app: wait, paced, until it ends or expires."""
        now = time.monotonic()
        if self._scroll_exists_since is None:
            self._scroll_exists_since = now
            self._scroll_exists_tries = 0
        waited = now - self._scroll_exists_since
        left = SCROLL_EXISTS_WAIT - waited
        if left <= 0:
            raise ScrollExistsError(
                f"another companies scroll is open for this app (Intercom answered "
                f"scroll_exists for {waited:.0f}s); it ends when its owner finishes or "
                f"after about a minute unused. Wait for it, or run one scroll at a time"
            ) from error
        pause = min(SCROLL_EXISTS_STEP * 2**self._scroll_exists_tries, SCROLL_EXISTS_CAP, left)
        self._scroll_exists_tries += 1
        logger.info(
            "another companies scroll is open for this app; trying again in %.1fs "
            "(giving up in %.0fs)",
            pause,
            left,
        )
        await asyncio.sleep(pause)

    async def _items(self) -> AsyncGenerator[ItemT, None]:
        if self._limit == 0:
            return
        count = 0
        pages = self._pages()
        async with aclosing(pages):
            async for page in pages:
                for item in page.items:
                    yield item
                    count += 1
                    if self._limit is not None and count >= self._limit:
                        return


__all__ = [
    "COMPANY_LIST_CAP",
    "Page",
    "Paginator",
    "ScrollExistsError",
    "ScrollRestartRequired",
    "next_cursor",
    "page_request",
]
