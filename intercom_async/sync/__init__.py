"""Bulk sync: partitioned, incremental, resumable exports.

    state = SyncState.load("intercom-state.json")
    export = Export(client, "contacts", state=state)
    async for batch in export:
        write(batch.items)
        export.checkpoint()          # resumable from here
    export.finish()                  # the next run reads only what changed

Contacts, conversations and tickets are read as concurrent searches over disjoint
``created_at`` ranges (``_partitions``, planned from the data by ``_plan``); companies by the
list, or the scroll past 10,000; the rest by their list. See docs/sync.md.
"""

from ._export import DEFAULT_LOOKBACK, RESOURCES, Batch, Export, PartitionProgress, export_items
from ._partitions import Partition, query_for
from ._plan import SEARCHED, ExportPlan, plan_export
from ._state import SyncState

__all__ = [
    "DEFAULT_LOOKBACK",
    "RESOURCES",
    "SEARCHED",
    "Batch",
    "Export",
    "ExportPlan",
    "Partition",
    "PartitionProgress",
    "SyncState",
    "export_items",
    "plan_export",
    "query_for",
]
