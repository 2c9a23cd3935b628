"""``client.preview``: the Preview API against FakeIntercom, which answers it as Intercom does
(the Preview-only operations from the Preview description, second-precision contact search)."""

from __future__ import annotations

import pytest

from intercom_async import BadRequestError, Intercom, RequestOptions
from intercom_async.models import Contact, Folder
from intercom_async.search import F
from intercom_async.testing import FakeIntercom

NOON = 1_699_963_200  # 2023-11-14 12:00:00 UTC


def _stamp(fake: FakeIntercom, updates: dict[str, int]) -> dict[str, str]:
    """Give seeded contacts these updated_at values; returns label -> contact id."""
    ids = iter(fake.store.contacts)
    labels: dict[str, str] = {}
    for record in fake.store.contacts.values():
        record["updated_at"] = NOON - 10 * 86_400  # everyone else: long before
    for label, stamp in updates.items():
        contact_id = next(ids)
        fake.store.contacts[contact_id]["updated_at"] = stamp
        labels[label] = contact_id
    return labels


async def test_preview_contact_search_compares_to_the_second() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=12)
        labels = _stamp(
            fake,
            {
                "earlier_that_day": NOON - 100,
                "later_that_day": NOON + 100,
                "next_day": NOON + 86_400,
            },
        )
        by_id = {v: k for k, v in labels.items()}
        query = F("updated_at") > NOON
        async with fake.client() as client:
            numbered = {c.id async for c in client.contacts.search(query=query)}
            preview = {c.id async for c in client.preview.contacts.search(query=query)}
    # The numbered versions match by calendar day: the rest of NOON's day is skipped.
    assert {by_id.get(i) for i in numbered} == {"next_day"}
    # Preview compares to the second: the update later that day is found.
    assert {by_id.get(i) for i in preview} == {"later_that_day", "next_day"}


async def test_every_preview_request_says_preview_unless_the_call_says_otherwise() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=3)
        contact_id = next(iter(fake.store.contacts))
        async with fake.client() as client:
            got = await client.preview.contacts.get(contact_id)
            assert isinstance(got, Contact) and got.id == contact_id
            assert fake.requests[-1].headers["Intercom-Version"] == "Preview"
            await client.contacts.get(contact_id)
            assert fake.requests[-1].headers["Intercom-Version"] == client.version
            await client.preview.contacts.get(contact_id, options=RequestOptions(version="2.14"))
            assert fake.requests[-1].headers["Intercom-Version"] == "2.14"


async def test_preview_only_operations_keep_state_in_the_fake() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        made = await client.preview.folders.create(folder={"name": "Runbooks"})
        assert isinstance(made, Folder) and made.name == "Runbooks"
        assert (await client.preview.folders.get(made.id)).name == "Runbooks"
        listed = [f.id async for f in client.preview.folders.list()]
        assert made.id in listed
        # The numbered API has no folders: Intercom refuses the version, and so does the fake.
        with pytest.raises(BadRequestError) as refused:
            await client.request("GET", "/folders")
        assert refused.value.code == "intercom_version_invalid"


async def test_preview_company_search_finds_companies_with_contacts() -> None:
    async with FakeIntercom() as fake:
        fake.seed(contacts=40, companies=6)
        linked = {ref["id"] for c in fake.store.contacts.values() for ref in c["companies"]["data"]}
        async with fake.client() as client:
            found = [c async for c in client.preview.companies.search(query=F("name") != "")]
    assert {c.id for c in found} == linked
    assert linked  # seeding links some companies to contacts


async def test_the_catalog_upload_is_multipart_form_data() -> None:
    async with FakeIntercom() as fake, fake.client() as client:
        answer = await client.preview.ecommerce_connectors.upload_catalog(
            "5", catalog=("products.json", b'[{"id": "1"}]', "application/json"), finalize="false"
        )
        sent = fake.requests[-1]
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert sent.body == {
        "catalog": {"filename": "products.json", "content": b'[{"id": "1"}]'},
        "finalize": "false",
    }
    assert answer.import_job_id is not None  # either answer of the description decodes


def test_the_preview_namespace_is_made_once_per_client() -> None:
    client = Intercom(token="t")
    assert client.preview is client.preview
    assert client.preview.contacts is client.preview.contacts
    assert type(client.preview.contacts).__name__ == "PreviewContactsResource"
