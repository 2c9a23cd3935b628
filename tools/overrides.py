"""Hand-kept inputs of the generator: names, pagination styles and fixes for real responses.

The generated modules are never edited by hand; anything the spec gets wrong or leaves unsaid
is said here, next to the reason.
"""

from __future__ import annotations

# Operations the seed documents have that later versions dropped: (version, method, path).
# They are generated as deprecated methods sent with the last version that had them.
DROPPED_OPERATIONS: list[tuple[str, str, str]] = [
    ("2.11", "post", "/conversations/{conversation_id}/run_assignment_rules"),
    ("2.15", "post", "/custom_channel_events/notify_new_conversation"),
    ("2.15", "post", "/custom_channel_events/notify_new_message"),
    ("2.15", "post", "/custom_channel_events/notify_quick_reply_selected"),
    ("2.15", "post", "/custom_channel_events/notify_attribute_collected"),
]

DROPPED_IN = {"2.11": "2.12", "2.15": "2.16"}

# Pagination style per list operation (../shared/api-notes.md, "Pagination shapes").
PAGINATION: dict[tuple[str, str], str] = {
    ("get", "/contacts"): "cursor",
    ("get", "/conversations"): "cursor",
    ("get", "/macros"): "cursor",
    ("get", "/data_connectors"): "cursor",
    ("get", "/messages/status"): "cursor",
    ("post", "/contacts/search"): "search",
    ("post", "/companies/search"): "search",  # Preview only
    ("post", "/conversations/search"): "search",
    ("post", "/tickets/search"): "search",
    ("get", "/companies"): "page",
    ("post", "/companies/list"): "page",
    ("get", "/articles"): "page",
    ("get", "/help_center/collections"): "page",
    ("get", "/internal_articles"): "page",
    ("get", "/news/news_items"): "page",
    ("get", "/news/newsfeeds"): "page",
    ("get", "/contacts/{contact_id}/notes"): "page",
    ("get", "/companies/{company_id}/contacts"): "page",
    ("get", "/calls"): "page",
    ("get", "/admins/activity_logs"): "page",
    ("get", "/conversations/deleted"): "page",
    ("get", "/companies/scroll"): "scroll",
    ("get", "/contacts/{id}/merge_history"): "next_cursor",
    ("get", "/events"): "next_url",
    ("get", "/content/search"): "next_url",
    ("get", "/audiences"): "top_level_page",
    ("get", "/content_snippets"): "top_level_page",
    ("get", "/admins"): "unpaginated",
    ("get", "/teams"): "unpaginated",
    ("get", "/segments"): "unpaginated",
    ("get", "/tags"): "unpaginated",
    ("get", "/data_attributes"): "unpaginated",
    ("get", "/subscription_types"): "unpaginated",
    ("get", "/ticket_types"): "unpaginated",
    ("get", "/help_center/help_centers"): "unpaginated",
    ("get", "/brands"): "unpaginated",
}

# Lists Intercom caps (it serves nothing past the cap), and the operation that reaches past it
# (../shared/api-notes.md: "at most 10,000 companies reachable").
MAX_ITEMS: dict[tuple[str, str], tuple[int, str]] = {
    ("get", "/companies"): (10_000, "companies.scroll"),
    ("post", "/companies/list"): (10_000, "companies.scroll"),
}

# Query or body parameters a paginator manages itself (the caller passes `cursor=` instead).
PAGING_PARAMS = frozenset({"page", "starting_after", "scroll_param", "cursor", "pagination"})

# The array that holds a list's items, where it is not `data`.
ITEMS_KEY: dict[tuple[str, str], str] = {
    ("get", "/conversations"): "conversations",
    ("post", "/conversations/search"): "conversations",
    ("post", "/tickets/search"): "tickets",
    ("get", "/messages/status"): "events",
    ("get", "/admins/activity_logs"): "activity_logs",
    ("get", "/conversations/deleted"): "conversations",
    ("get", "/events"): "events",
    ("get", "/admins"): "admins",
    ("get", "/teams"): "teams",
    ("get", "/segments"): "segments",
}

# Resource attribute per tag, where the tag's snake_case name is not the natural one.
RESOURCE_FOR_TAG: dict[str, str] = {
    "Data Events": "events",
    "Conversations Attributes": "conversation_attributes",
}

# Resources nested under another's path (or reached by a path their tag does not name): the
# path prefix, and the dotted resource whose methods its operations become.
SUB_RESOURCES: dict[str, str] = {
    "/help_center/help_centers": "help_center",
    "/help_center/collections": "help_center.collections",
    "/help_center/help_centers/{help_center_id}/redirects": "help_center.redirects",
    "/news/news_items": "news.items",
    "/news/newsfeeds": "news.feeds",
    "/office_hours_schedules/{office_hours_schedule_id}/office_hours_exceptions": (
        "office_hours.exceptions"
    ),
    "/ai/content_import_sources": "ai_content.import_sources",
    "/ai/external_pages": "ai_content.external_pages",
    "/conversations/attributes": "conversation_attributes",
}

# Method names: "resource.method" (or "resource.sub.method") for operations whose derived
# name would read badly. Keyed by (method, path).
NAMES: dict[tuple[str, str], str] = {
    ("get", "/me"): "admins.me",
    ("put", "/admins/{admin_id}/away"): "admins.set_away",
    ("post", "/admins/activity_logs/search"): "admins.search_activity_logs",
    ("get", "/companies"): "companies.retrieve",
    ("post", "/companies"): "companies.create_or_update",
    ("get", "/companies/scroll"): "companies.scroll",
    ("post", "/contacts/{contact_id}/companies"): "contacts.attach_company",
    ("delete", "/contacts/{contact_id}/companies/{company_id}"): "contacts.detach_company",
    ("post", "/contacts/{contact_id}/subscriptions"): "contacts.attach_subscription",
    ("delete", "/contacts/{contact_id}/subscriptions/{subscription_id}"): (
        "contacts.detach_subscription"
    ),
    ("post", "/contacts/{contact_id}/tags"): "contacts.attach_tag",
    ("delete", "/contacts/{contact_id}/tags/{tag_id}"): "contacts.detach_tag",
    ("post", "/contacts/{contact_id}/notes"): "contacts.create_note",
    ("get", "/contacts/find_by_external_id/{external_id}"): "contacts.get_by_external_id",
    ("get", "/contacts/{id}/banners"): "contacts.list_banners",
    ("post", "/contacts/{id}/banners/{view_id}/dismiss"): "contacts.dismiss_banner",
    ("post", "/conversations/{conversation_id}/tags"): "conversations.attach_tag",
    ("delete", "/conversations/{conversation_id}/tags/{tag_id}"): "conversations.detach_tag",
    ("post", "/conversations/{conversation_id}/parts"): "conversations.manage",
    ("post", "/conversations/{conversation_id}/customers"): "conversations.attach_contact",
    ("delete", "/conversations/{conversation_id}/customers/{contact_id}"): (
        "conversations.detach_contact"
    ),
    ("post", "/conversations/{conversation_id}/convert"): "conversations.convert_to_ticket",
    ("post", "/conversations/attributes/{id}/options"): "conversation_attributes.create_option",
    ("post", "/articles/{article_id}/tags"): "articles.attach_tag",
    ("delete", "/articles/{article_id}/tags/{id}"): "articles.detach_tag",
    ("get", "/articles/{id}/draft"): "articles.get_draft",
    ("put", "/articles/{id}/draft"): "articles.stage_draft",
    ("post", "/articles/{id}/draft/publish"): "articles.publish_draft",
    ("post", "/internal_articles/{internal_article_id}/tags"): "internal_articles.attach_tag",
    ("delete", "/internal_articles/{internal_article_id}/tags/{id}"): (
        "internal_articles.detach_tag"
    ),
    ("post", "/content_snippets/{content_snippet_id}/tags"): "content_snippets.attach_tag",
    ("delete", "/content_snippets/{content_snippet_id}/tags/{id}"): "content_snippets.detach_tag",
    ("post", "/tickets/{ticket_id}/tags"): "tickets.attach_tag",
    ("delete", "/tickets/{ticket_id}/tags/{tag_id}"): "tickets.detach_tag",
    ("post", "/tickets/{ticket_id}/linked_conversations"): "tickets.link_conversation",
    ("delete", "/tickets/{ticket_id}/linked_conversations/{id}"): "tickets.unlink_conversation",
    ("post", "/tickets/enqueue"): "tickets.enqueue_create",
    ("post", "/companies/{company_id}/notes"): "companies.create_note",
    ("get", "/companies/{company_id}/notes"): "companies.list_notes",
    ("get", "/export/reporting_data/{job_identifier}"): "reporting_data_export.get_status",
    ("get", "/export/reporting_data/get_datasets"): "reporting_data_export.list_datasets",
    ("get", "/download/reporting_data/{job_identifier}"): "reporting_data_export.download",
    ("post", "/export/content/data"): "data_export.create",
    ("get", "/export/content/data/{job_identifier}"): "data_export.get",
    ("post", "/export/cancel/{job_identifier}"): "data_export.cancel",
    ("get", "/download/content/data/{job_identifier}"): "data_export.download",
    ("get", "/jobs/status/{job_id}"): "jobs.get_status",
    ("get", "/messages/whatsapp/status"): "messages.get_whatsapp_status",
    ("get", "/messages/status"): "messages.list_statuses",
    ("post", "/phone_call_redirects"): "switch.create_phone_redirect",
    ("get", "/calls/{call_id}/recording"): "calls.get_recording",
    ("get", "/calls/{call_id}/transcript"): "calls.get_transcript",
    ("post", "/fin_voice/register"): "calls.register_fin_voice",
    ("get", "/fin_voice/collect/{id}"): "calls.get_fin_voice",
    ("get", "/fin_voice/external_id/{external_id}"): "calls.get_fin_voice_by_external_id",
    ("get", "/fin_voice/phone_number/{phone_number}"): "calls.get_fin_voice_by_phone_number",
    ("get", "/fin_voice/conversation/{conversation_id}"): ("calls.list_fin_voice_by_conversation"),
    ("get", "/teams/{team_id}/metrics"): "teams.get_metrics",
    ("post", "/ticket_types/{ticket_type_id}/attributes"): "ticket_type_attributes.create",
    ("put", "/ticket_types/{ticket_type_id}/attributes/{attribute_id}"): (
        "ticket_type_attributes.update"
    ),
    ("get", "/visitors"): "visitors.get",
    ("put", "/visitors"): "visitors.update",
    ("post", "/custom_object_instances/{custom_object_type_identifier}"): (
        "custom_object_instances.create_or_update"
    ),
    ("get", "/custom_object_instances/{custom_object_type_identifier}"): (
        "custom_object_instances.list"
    ),
    ("delete", "/custom_object_instances/{custom_object_type_identifier}"): (
        "custom_object_instances.delete_by_external_id"
    ),
    ("post", "/events/summaries"): "events.create_summaries",
    ("get", "/ip_allowlist"): "ip_allowlist.get",
    ("put", "/ip_allowlist"): "ip_allowlist.update",
    ("post", "/fin/csat"): "fin_agent.submit_csat",
    ("get", "/export/workflows/{id}"): "workflows.export",
    # Preview only (client.preview...): bulk jobs, merge preview, Fin and conversation parts.
    ("post", "/companies/bulk"): "companies.bulk_create",
    ("put", "/companies/bulk"): "companies.bulk_update",
    ("post", "/companies/bulk/delete"): "companies.bulk_delete",
    ("get", "/companies/bulk/{id}"): "companies.get_bulk_job",
    ("post", "/contacts/bulk"): "contacts.bulk_create",
    ("put", "/contacts/bulk"): "contacts.bulk_update",
    ("post", "/contacts/bulk/delete"): "contacts.bulk_delete",
    ("get", "/contacts/bulk/{id}"): "contacts.get_bulk_job",
    ("post", "/contacts/merge/preview"): "contacts.preview_merge",
    (
        "put",
        "/conversations/{conversation_id}/conversation_parts/{id}",
    ): "conversations.update_part",
    ("post", "/ecommerce/connectors/{id}/catalog"): "ecommerce_connectors.upload_catalog",
    ("post", "/fin/capabilities"): "fin_agent.list_capabilities",
    ("post", "/fin/procedures/{procedure_id}/run"): "fin_agent.run_procedure",
}

# Schemas that must also hold another schema's fields. GET /events is declared to answer event
# summaries, but without summary=true it answers whole events (event_name, created_at,
# metadata, ...): one item model takes both, so neither shape loses a field.
SCHEMA_MERGES: dict[str, tuple[str, ...]] = {
    "data_event_summary_item": ("data_event",),
}

# Field types that real responses break (users' reports). (schema, field) -> annotation.
FIELD_TYPES: dict[tuple[str, str], str] = {
    # admin avatar arrives as {"image_url": ...} as well as a URL string.
    ("admin", "avatar"): "str | dict[str, Any]",
    # Events carry metadata values of any JSON type.
    ("data_event", "metadata"): "dict[str, Any]",
}

# Lists that real Intercom answers as a top-level JSON array of the items, though the
# description declares an object holding them (issue reports of real responses).
ARRAY_RESPONSES = frozenset({("get", "/away_status_reasons")})

# Fields whose values are free-form JSON wherever they appear.
FREE_FORM_FIELDS = frozenset({"custom_attributes", "metadata"})

# Natural-key upserts and read-only POSTs: safe to retry (../shared/api-notes.md).
IDEMPOTENT_POSTS = frozenset(
    {
        "/contacts/search",
        "/conversations/search",
        "/tickets/search",
        "/companies/list",
        "/admins/activity_logs/search",
        "/calls/search",
        "/companies/search",
        "/companies",
        "/tags",
        "/custom_object_instances/{custom_object_type_identifier}",
        "/ai/external_pages",
    }
)
