"""Hand-written msgspec Structs for a contact page: the second, stricter listing baseline.

What a careful engineer writing a bare aiohttp + msgspec loop would decode into: every field a
2.16 contact carries, typed with the plainest msgspec types, and none of the library's
machinery (no ``__dict__``, no kept source, no unions of every version's shapes). Written by
hand from the 2.16 description's Contact schema; they decode the same pages as our models.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Ref(msgspec.Struct):
    type: str | None = None
    id: str | None = None
    url: str | None = None


class RefList(msgspec.Struct):
    type: str | None = None
    data: list[Ref] = []
    url: str | None = None
    total_count: int | None = None
    has_more: bool | None = None


class SocialProfile(msgspec.Struct):
    type: str | None = None
    name: str | None = None
    url: str | None = None


class SocialProfiles(msgspec.Struct):
    type: str | None = None
    data: list[SocialProfile] = []


class Location(msgspec.Struct):
    type: str | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    country_code: str | None = None
    continent_code: str | None = None


class Contact(msgspec.Struct):
    id: str
    type: str | None = None
    workspace_id: str | None = None
    external_id: str | None = None
    role: str | None = None
    email: str | None = None
    email_domain: str | None = None
    phone: str | None = None
    formatted_phone: str | None = None
    name: str | None = None
    avatar: str | None = None
    owner_id: str | None = None
    social_profiles: SocialProfiles | None = None
    has_hard_bounced: bool | None = None
    marked_email_as_spam: bool | None = None
    unsubscribed_from_emails: bool | None = None
    created_at: int | None = None
    updated_at: int | None = None
    signed_up_at: int | None = None
    last_seen_at: int | None = None
    last_replied_at: int | None = None
    last_contacted_at: int | None = None
    last_email_opened_at: int | None = None
    last_email_clicked_at: int | None = None
    language_override: str | None = None
    browser: str | None = None
    browser_version: str | None = None
    browser_language: str | None = None
    os: str | None = None
    location: Location | None = None
    android_app_name: str | None = None
    android_app_version: str | None = None
    android_device: str | None = None
    android_os_version: str | None = None
    android_sdk_version: str | None = None
    android_last_seen_at: int | None = None
    ios_app_name: str | None = None
    ios_app_version: str | None = None
    ios_device: str | None = None
    ios_os_version: str | None = None
    ios_sdk_version: str | None = None
    ios_last_seen_at: int | None = None
    custom_attributes: dict[str, Any] | None = None
    tags: RefList | None = None
    notes: RefList | None = None
    companies: RefList | None = None
    opted_out_subscription_types: RefList | None = None
    opted_in_subscription_types: RefList | None = None
    utm_campaign: str | None = None
    utm_content: str | None = None
    utm_medium: str | None = None
    utm_source: str | None = None
    utm_term: str | None = None
    referrer: str | None = None
    enabled_push_messaging: bool | None = None


class Next(msgspec.Struct):
    page: int | None = None
    starting_after: str | None = None


class Pages(msgspec.Struct):
    type: str | None = None
    next: Next | None = None
    page: int | None = None
    per_page: int | None = None
    total_pages: int | None = None


class ContactList(msgspec.Struct):
    data: list[Contact]
    type: str | None = None
    total_count: int | None = None
    pages: Pages | None = None
