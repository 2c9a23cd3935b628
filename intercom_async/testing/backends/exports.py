"""Fake handlers for export jobs: content data exports and reporting data exports.

Intercom runs these as jobs with concurrency limits that are not rate windows: one pending
content export per workspace, five pending reporting exports. Another one answers 429 while
the window still has budget, so waiting for the window does not clear it. A job stays pending
for ``FakeIntercom(export_duration=...)`` seconds (default 0, for tests' sake), then completes
with a download URL.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .._registry import BadInput, handles, ok
from .._store import error

if TYPE_CHECKING:
    from .._ctx import Ctx

# Pending jobs a workspace may hold at once, per kind of export.
PENDING_LIMITS = {"content": 1, "reporting": 5}
_DOWNLOAD_PATHS = {"content": "/download/content/data", "reporting": "/download/reporting_data"}


def _status(ctx: Ctx, job: dict[str, Any]) -> dict[str, Any]:
    """The job as of now: pending until its duration passed, then completed."""
    if (
        job["status"] == "pending"
        and time.monotonic() - job["_started"] >= ctx.fake.export_duration
    ):
        job["status"] = "completed"
        job["download_url"] = (
            f"{ctx.fake.base_url}{_DOWNLOAD_PATHS[job['_kind']]}/{job['job_identifier']}"
        )
        job["download_expires_at"] = str(int(time.time()) + 3600)
    return {k: v for k, v in job.items() if not k.startswith("_")}


def _start(ctx: Ctx, kind: str) -> web.Response:
    store = ctx.store
    pending = [
        j
        for j in store.exports.values()
        if j["_kind"] == kind and _status(ctx, j)["status"] == "pending"
    ]
    limit = PENDING_LIMITS[kind]
    if len(pending) >= limit:
        # Headers still show budget left: this is the job limit, not the window.
        return error(
            429,
            "rate_limit_exceeded",
            f"Exceeded rate limit of {limit} pending {kind} export job(s)",
        )
    job_id = f"{kind[0]}{store.serial('export', store.exports, 1)}"
    store.exports[job_id] = {
        "job_identifier": job_id,
        "status": "pending",
        "download_url": "",
        "download_expires_at": "",
        "_kind": kind,
        "_started": time.monotonic(),
    }
    return ok(_status(ctx, store.exports[job_id]))


def _job(ctx: Ctx, kind: str) -> dict[str, Any]:
    job = ctx.store.exports.get(ctx.params["job_identifier"])
    if job is None or job["_kind"] != kind:
        raise BadInput(error(404, "job_not_found", "Job Not Found"))
    result: dict[str, Any] = job
    return result


def _download(ctx: Ctx, kind: str) -> web.Response:
    job = _status(ctx, _job(ctx, kind))
    if job["status"] != "completed":
        return error(404, "not_found", "The export has not completed")
    return web.Response(
        body=b"conversation_id,received_at\n1,1700000000\n",
        content_type="application/octet-stream",
    )


@handles("data_export.create")
async def create_content_export(ctx: Ctx) -> web.Response:
    return _start(ctx, "content")


@handles("data_export.get")
async def get_content_export(ctx: Ctx) -> web.Response:
    return ok(_status(ctx, _job(ctx, "content")))


@handles("data_export.cancel")
async def cancel_content_export(ctx: Ctx) -> web.Response:
    job = _job(ctx, "content")
    if _status(ctx, job)["status"] == "pending":
        job["status"] = "canceled"
    return ok(_status(ctx, job))


@handles("data_export.download")
async def download_content_export(ctx: Ctx) -> web.Response:
    return _download(ctx, "content")


@handles("reporting_data_export.enqueue")
async def enqueue_reporting_export(ctx: Ctx) -> web.Response:
    return _start(ctx, "reporting")


@handles("reporting_data_export.get_status")
async def get_reporting_export(ctx: Ctx) -> web.Response:
    return ok(_status(ctx, _job(ctx, "reporting")))


@handles("reporting_data_export.download")
async def download_reporting_export(ctx: Ctx) -> web.Response:
    return _download(ctx, "reporting")
