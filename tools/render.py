"""Python and Markdown text for the operation table, the resources and the reference pages."""

from __future__ import annotations

import re
import textwrap

from tools import overrides
from tools.naming import pascal
from tools.operations_gen import Op, path_shape
from tools.spec import HEADER, PREVIEW_VERSION, TARGET_VERSION


def model_expr(annotation: str | None, prefix: str = "m.") -> str:
    """An annotation with model names qualified by the models module."""
    if annotation is None:
        return "None"
    return re.sub(
        r"\b([A-Z][A-Za-z0-9_]*)\b",
        lambda mt: mt.group(1) if mt.group(1) in ("Any", "None") else prefix + mt.group(1),
        annotation,
    )


def loose_expr(annotation: str) -> str:
    """A keyword-argument annotation: a model or a plain dict is accepted wherever a model is."""
    return re.sub(
        r"\b([A-Z][A-Za-z0-9_]*)\b",
        lambda mt: (
            mt.group(1) if mt.group(1) in ("Any", "None") else f"m.{mt.group(1)} | dict[str, Any]"
        ),
        annotation,
    )


def render_operations(ops: list[Op], preview_ops: list[Op]) -> str:
    out = [
        HEADER,
        '"""Every Intercom operation the client knows, keyed by its method name: ``OPERATIONS``'
        " for the\nnumbered API (``client.contacts.get``), ``PREVIEW_OPERATIONS`` for the Preview"
        ' API\n(``client.preview.contacts.get``, named relative to ``client.preview``)."""\n\n',
    ]
    out.append("from __future__ import annotations\n\nfrom typing import Any\n\n")
    out.append("from ._operation import Operation\nfrom .models import _generated as m\n\n")
    for op in [*ops, *preview_ops]:
        ordered = [p for p in op.body_fields if p.required] + [
            p for p in op.body_fields if not p.required
        ]
        cap, beyond = overrides.MAX_ITEMS.get((op.method.lower(), op.override_path), (None, None))
        values: list[tuple[str, str, str]] = [
            # (field, value as written, the dataclass default as written)
            ("name", repr(op.name), ""),
            ("method", repr(op.method), ""),
            ("path", repr(op.path), ""),
            ("operation_id", repr(op.operation_id), ""),
            ("api_version", repr(op.version), ""),
            ("summary", repr(op.summary), ""),
            ("response_type", model_expr(op.response_type), "None"),
            ("request_type", model_expr(op.request_type), "None"),
            ("pagination", repr(op.pagination), "None"),
            ("items_key", repr(op.items_key), "None"),
            ("idempotent", repr(op.idempotent), "False"),
            ("deprecated", repr(op.deprecated), "False"),
            (
                "removed_in",
                repr(overrides.DROPPED_IN.get(op.version) if op.deprecated else None),
                "None",
            ),
            ("path_params", repr(tuple(p.name for p in op.path_params)), "()"),
            ("query_params", repr(tuple(p.name for p in op.query_params)), "()"),
            ("body_params", repr(tuple(p.name for p in ordered)), "()"),
            ("response_kind", repr(op.response_kind), "'json'"),
            ("request_kind", repr(op.request_kind), "'json'"),
            ("max_items", repr(cap), "None"),
            ("beyond_max_items", repr(beyond), "None"),
        ]
        returns = return_annotation(op)
        out.append(f"{handle_name(op)}: Operation[{returns}] = Operation(\n")
        for field, written, default in values:
            # Only what differs from Operation's defaults.
            if written != default:
                out.append(f"    {field}={written},\n")
        out.append(")\n")
    for table, members in (("OPERATIONS", ops), ("PREVIEW_OPERATIONS", preview_ops)):
        out.append(f"\n{table}: dict[str, Operation[Any]] = {{\n")
        for op in members:
            out.append(f"    {op.name!r}: {handle_name(op)},\n")
        out.append("}\n")
    handles = [handle_name(op) for op in [*ops, *preview_ops]]
    names = ", ".join(repr(n) for n in sorted(["OPERATIONS", "PREVIEW_OPERATIONS", *handles]))
    out.append(f'\n__all__ = [{names}, "Any", "Operation"]\n')
    return "".join(out)


def handle_name(op: Op) -> str:
    """The typed handle of an operation in ``intercom_async.operations``: ``CONTACTS_GET``, and
    ``PREVIEW_CONTACTS_GET`` for the Preview API's."""
    prefix = "PREVIEW_" if op.version == PREVIEW_VERSION else ""
    return prefix + op.name.replace(".", "_").upper()


def return_annotation(op: Op) -> str:
    if op.response_kind == "binary":
        return "bytes"
    if op.response_kind == "empty" or op.response_type is None:
        return "None"
    return model_expr(op.response_type)


def shadow_safe(annotation: str) -> str:
    # Resource classes have a method named `list`, which shadows the builtin in annotations.
    return re.sub(r"\blist\[", "builtins.list[", annotation)


def _telling(doc: str | None, name: str) -> str | None:
    """A parameter's description, unless it only repeats the name (``contact_id: contact_id``)."""
    if doc is None or doc.strip().rstrip(".").lower() in (name, name.replace("_", " ")):
        return None
    return doc


def render_method(op: Op) -> str:
    method_name = op.name.rsplit(".", 1)[-1]
    paginated = op.pagination is not None
    managed = overrides.PAGING_PARAMS | ({"per_page"} if paginated else set())
    taken = {"self", "options", "extra_body", "per_page", "cursor", "limit", "prefetch"}
    args: list[str] = ["self"]
    arg_docs: list[tuple[str, str]] = []
    path_map: list[str] = []
    for p in op.path_params:
        args.append(f"{p.py}: {p.annotation}")
        arg_docs.append(
            (p.py, _telling(p.doc, p.name) or f"The ``{p.name}`` in the path (percent-encoded).")
        )
        taken.add(p.py)
        path_map.append(f"{p.name!r}: {p.py}")
    args.append("*")
    query_map: list[str] = []
    for p in op.query_params:
        if paginated and p.name in managed:
            continue
        py = p.py if p.py not in taken else p.py + "_query"
        taken.add(py)
        args.append(f"{py}: {p.annotation} | None = None")
        arg_docs.append(
            (py, _telling(p.doc, p.name) or f"Sent as the ``{p.name}`` query parameter.")
        )
        query_map.append(f"{p.name!r}: {py}")
    body_map: list[str] = []
    fields = [p for p in op.body_fields if p.required] + [
        p for p in op.body_fields if not p.required
    ]
    for p in fields:
        if paginated and p.name in managed:
            continue
        py = p.py if p.py not in taken else p.py + "_"
        taken.add(py)
        literal = p.annotation.startswith("Literal[")
        ann = p.annotation if literal else shadow_safe(loose_expr(p.annotation))
        if op.pagination == "search" and p.name == "query":
            ann = "Query | dict[str, Any]"
        elif op.pagination == "search" and p.name == "sort":
            ann = "Sort | dict[str, Any]"
        if p.required:
            args.append(f"{py}: {ann}")
        else:
            args.append(f"{py}: {ann} | UnsetType | None = UNSET")
        where = f"The ``{p.name}`` field of the body" + ("" if p.required else ", if given")
        arg_docs.append((py, _telling(p.doc, p.name) or where + "."))
        body_map.append(f"{p.name!r}: {py}")
    has_body = op.request_type is not None or op.request_kind == "form"
    if has_body:
        args.append("extra_body: Mapping[str, Any] | None = None")
        arg_docs.append(("extra_body", "Fields the spec does not list, sent as given."))
    streaming = paginated and op.pagination != "unpaginated"
    if streaming:
        if op.pagination != "scroll":
            args.append("per_page: int | None = None")
            arg_docs.append(("per_page", "Items per page (Intercom allows at most 150)."))
        args.append("cursor: str | int | None = None")
        arg_docs.append(("cursor", "Resume after this cursor (a paginator's ``.cursor``)."))
    if paginated:
        args.append("limit: int | None = None")
        arg_docs.append(("limit", "Stop after this many items."))
    if streaming:
        args.append("prefetch: int = 1")
        arg_docs.append(("prefetch", "Pages fetched ahead where that is safe (0: none)."))
    if op.pagination == "scroll":
        args.append('scroll_restart: Literal["auto", "raise"] = "auto"')
        arg_docs.append(
            ("scroll_restart", '"auto" restarts a scroll whose page was lost; "raise" raises.')
        )
    args.append("options: RequestOptions | None = None")
    arg_docs.append(("options", "Timeout, version, headers and retries for this call."))
    if paginated:
        page_type = model_expr(op.response_type)
        returns = shadow_safe(f"Paginator[{model_expr(op.item_type)}, {page_type}]")
    else:
        returns = shadow_safe(return_annotation(op))
    doc = op.summary.rstrip(".") + "."
    if op.description and op.description.rstrip(".") != op.summary.rstrip("."):
        doc += "\n\n" + _wrap(op.description, "        ")
    doc += f"\n\n        ``{op.method} {op.path}``"
    if op.deprecated:
        dropped = overrides.DROPPED_IN[op.version]
        doc += (
            f"\n\n        Deprecated: removed from the API in version {dropped}; sent with"
            f" ``Intercom-Version: {op.version}``."
        )
    if streaming:
        doc += (
            f"\n\n        Streams every item ({op.pagination} pagination): ``async for`` the items,"
            " ``.pages()`` page by page, or ``await`` the first page. ``cursor`` resumes from"
            " a paginator's ``.cursor``."
        )
    elif paginated:
        doc += "\n\n        Iterate the items with ``async for``, or ``await`` the whole list."
    if op.name in ("companies.list", "companies.retrieve"):
        doc += (
            "\n\n        Intercom reaches at most 10,000 companies this way; iterating past that"
            " raises ``PaginationError``. Use ``client.companies.scroll()`` for every company."
        )
    doc += "\n\n        Args:\n" + "\n".join(
        _wrap(f"{name}: {text}", "            ", first="            ") for name, text in arg_docs
    )
    if paginated:
        shown = f"A ``Paginator`` of ``{model_expr(op.item_type).replace('m.', '')}``"
        doc += f"\n\n        Returns:\n            {shown} (no request is sent until it is read)."
    elif returns != "None":
        answered = returns.replace("m.", "")
        doc += f"\n\n        Returns:\n            The ``{answered}`` Intercom answers."
    raises = (
        "IntercomError: ``APIStatusError`` subclasses for an error answer (``NotFoundError``,"
        " ``RateLimitError``...), ``APIConnectionError`` or ``APITimeoutError`` when no"
        " answer arrived."
    )
    doc += "\n\n        Raises:\n" + _wrap(raises, "            ", first="            ")
    call = [f"ops.{handle_name(op)}"]
    call.append("{" + ", ".join(path_map) + "}")
    if query_map:
        call.append("query={" + ", ".join(query_map) + "}")
    if has_body:
        kind = "form" if op.request_kind == "form" else "body"
        call.append(kind + "={" + ", ".join(body_map) + "}")
        call.append("extra_body=extra_body")
    if paginated:
        if streaming:
            if op.pagination != "scroll":
                call.append("per_page=per_page")
            call += ["cursor=cursor", "prefetch=prefetch"]
        call.append("limit=limit")
        if op.pagination == "scroll":
            call.append("scroll_restart=scroll_restart")
        call.append("options=options")
        lines = [f"    def {method_name}({', '.join(args)}) -> {returns}:\n"]
        lines.append(f'        """{doc}\n        """\n')
        lines.append(f"        return self._paginate({', '.join(call)})\n")
        return "".join(lines)
    call.append("options=options")
    lines = [f"    async def {method_name}({', '.join(args)}) -> {returns}:\n"]
    lines.append(f'        """{doc}\n        """\n')
    invocation = f"await self._call({', '.join(call)})"
    if returns == "None":
        lines.append(f"        {invocation}\n")
    else:
        lines.append(f"        return {invocation}\n")
    return "".join(lines)


def _wrap(text: str, indent: str, first: str | None = None) -> str:
    """``text`` wrapped to the generated files' width, continuation lines indented further."""
    lead = first if first is not None else indent
    more = indent + ("    " if first is not None else "")
    return textwrap.fill(
        text, width=96, initial_indent=lead, subsequent_indent=more, break_on_hyphens=False
    )


def resource_class_name(dotted: str, preview: bool = False) -> str:
    return ("Preview" if preview else "") + pascal(dotted.replace(".", "_")) + "Resource"


def _resource_groups(ops: list[Op]) -> dict[str, list[Op]]:
    """Operations by dotted resource name; every parent of a nested resource is present."""
    groups: dict[str, list[Op]] = {}
    for op in ops:
        groups.setdefault(op.name.rsplit(".", 1)[0], []).append(op)
    for dotted in list(groups):
        parts = dotted.split(".")
        for i in range(1, len(parts)):
            groups.setdefault(".".join(parts[:i]), [])
    return groups


def _resource_imports(body: str, up: str) -> str:
    """The import block a resource module's body needs, and nothing it does not use; ``up`` is
    the relative prefix of the package (``..`` from ``resources/``, ``...`` from deeper)."""
    typing_names = [
        name
        for name, used in (
            ("TYPE_CHECKING", "Sender" in body),
            ("Any", re.search(r"\bAny\b", body) is not None),
            ("Literal", "Literal[" in body),
        )
        if used
    ]
    msgspec_names = [n for n in ("UNSET", "UnsetType") if re.search(rf"\b{n}\b", body)]
    standard = []
    if "builtins." in body:
        standard.append("import builtins\n")
    if "Mapping[" in body:
        standard.append("from collections.abc import Mapping\n")
    if typing_names:
        standard.append(f"from typing import {', '.join(typing_names)}\n")
    ours = [f"from {up} import operations as ops\n", f"from {up}_options import RequestOptions\n"]
    if "m." in body:
        ours.append(f"from {up}models import _generated as m\n")
    if "Paginator[" in body:
        ours.append(f"from {up}pagination import Paginator\n")
    search_names = [n for n in ("Query", "Sort") if re.search(rf"\b{n}\b", body)]
    if search_names:
        ours.append(f"from {up}search import {', '.join(search_names)}\n")
    ours.append(f"from {up[:-1]}_base import BaseResource\n")  # resources/_base.py
    sections = ["from __future__ import annotations\n", "".join(standard)]
    if msgspec_names:
        sections.append(f"from msgspec import {', '.join(msgspec_names)}\n")
    sections.append("".join(ours))
    if "Sender" in body:
        sections.append(f"if TYPE_CHECKING:\n    from {up}_sender import Sender\n")
    return "\n".join(section for section in sections if section) + "\n"


def render_resources(ops: list[Op], preview: bool = False) -> dict[str, str]:
    """One module per top-level resource (its nested resources with it), by module name, and
    ``_attach``: the attributes that import each module the first time it is read. For the
    Preview API (``preview=True``) the modules go to ``resources/preview/``."""
    groups = _resource_groups(ops)
    children: dict[str, list[str]] = {}
    for dotted in groups:
        if "." in dotted:
            children.setdefault(dotted.rsplit(".", 1)[0], []).append(dotted)
    tops = sorted(d for d in groups if "." not in d)
    namespace = "client.preview" if preview else "client"
    modules: dict[str, str] = {}
    for top in tops:
        members = [d for d in groups if d == top or d.startswith(top + ".")]
        body: list[str] = []
        for dotted in sorted(members, key=lambda d: (-d.count("."), d)):
            name = resource_class_name(dotted, preview)
            title = dotted.replace("_", " ").replace(".", " → ")
            kind = "Preview operations" if preview else "Operations"
            body.append(f'\nclass {name}(BaseResource):\n    """{kind} on {title}."""\n\n')
            kids = sorted(children.get(dotted, []))
            for kid in kids:
                body.append(f"    {kid.rsplit('.', 1)[-1]}: {resource_class_name(kid, preview)}\n")
            if kids:
                body.append("\n    def __init__(self, sender: Sender) -> None:\n")
                body.append("        super().__init__(sender)\n")
                for kid in kids:
                    attr = kid.rsplit(".", 1)[-1]
                    made = resource_class_name(kid, preview)
                    body.append(f"        self.{attr} = {made}(sender)\n")
                body.append("\n")
            for op in sorted(groups[dotted], key=lambda o: o.name):
                body.append(render_method(op) + "\n")
        text = "".join(body)
        title = top.replace("_", " ")
        doc = f"``{namespace}.{top}``: the operations on {title}, thin methods over typed handles."
        imports = _resource_imports(text, "..." if preview else "..")
        modules[top] = HEADER + '"""' + _wrap(doc, "").lstrip() + '"""\n\n' + imports + text
    modules["_attach"] = _render_preview_attach(tops) if preview else _render_attach(tops)
    return modules


def _attributes(tops: list[str], preview: bool) -> list[str]:
    out = []
    kind = "Preview operations" if preview else "Operations"
    for top in tops:
        name = resource_class_name(top, preview)
        title = top.replace("_", " ")
        out.append(
            f"\n    @cached_property\n    def {top}(self) -> {name}:\n"
            f'        """{kind} on {title}."""\n'
            f"        from .{top} import {name}\n\n        return {name}(self._sender)\n"
        )
    return out


def _attach_head(tops: list[str], preview: bool, doc: str) -> list[str]:
    up = "..." if preview else ".."
    out = [
        HEADER,
        doc,
        "from __future__ import annotations\n\nfrom functools import cached_property\n",
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n",
        f"    from {up}_sender import Sender\n",
    ]
    siblings = {top: resource_class_name(top, preview) for top in tops}
    if not preview:
        siblings["preview._attach"] = "PreviewResources"
    for module in sorted(siblings):
        out.append(f"    from .{module} import {siblings[module]}\n")
    return out


def _render_attach(tops: list[str]) -> str:
    out = _attach_head(
        tops,
        False,
        '"""The resource attributes of the client. Each reads its module the first time it is used,'
        ' so\n``import intercom_async`` loads no resource, operation or model."""\n\n',
    )
    out.append("\n\nclass GeneratedResources:\n")
    out.append('    """The resource attributes of the client."""\n\n')
    out.append("    _sender: Sender\n")
    out.append(
        "\n    @cached_property\n    def preview(self) -> PreviewResources:\n"
        '        """The Preview API: every operation Intercom has not yet numbered, each sent'
        "\n        with ``Intercom-Version: Preview`` (``options=`` of a call may still choose"
        ' another).\n        Its shapes may change without a new version."""\n'
        "        from .preview._attach import PreviewResources\n\n"
        "        return PreviewResources(self._sender)\n"
    )
    out += _attributes(tops, False)
    out.append("\n\nRESOURCE_NAMES = (" + ", ".join(repr(t) for t in tops) + ",)\n")
    return "".join(out)


def _render_preview_attach(tops: list[str]) -> str:
    out = _attach_head(
        tops,
        True,
        '"""``client.preview``: the resources of the Preview API, each module read the first'
        ' time it is used."""\n\n',
    )
    out.append("\n\nclass PreviewResources:\n")
    out.append(
        '    """The resources of the Preview API: every operation of the Preview description,'
        " sent with\n    ``Intercom-Version: Preview``. Methods are named as their numbered twins"
        ' where they have one."""\n\n'
    )
    out.append("    def __init__(self, sender: Sender) -> None:\n        self._sender = sender\n")
    out += _attributes(tops, True)
    out.append("\n\nPREVIEW_RESOURCE_NAMES = (" + ", ".join(repr(t) for t in tops) + ",)\n")
    return "".join(out)


def render_coverage(ops: list[Op], preview_ops: list[Op]) -> str:
    out = ["<!-- Generated by tools/generate.py; do not edit. -->\n\n# Operation coverage\n\n"]
    out.append(
        f"{len(ops)} operations: every operation of Intercom API {TARGET_VERSION}, plus the"
        " operations of the reference documents that later versions dropped (deprecated, sent with"
        " the last version that had them).\n\n"
    )
    out.append("| Method | Path | Python | Pagination | Retry-safe | Version |\n")
    out.append("|---|---|---|---|---|---|\n")
    for op in sorted(ops, key=lambda o: (o.path, o.method)):
        version = op.version + (" (deprecated)" if op.deprecated else "")
        out.append(
            f"| {op.method} | `{op.path}` | `client.{op.name}()` | {op.pagination or ''} |"
            f" {'yes' if op.idempotent else 'no'} | {version} |\n"
        )
    twins = {(op.method, path_shape(op.path)) for op in ops}
    only = sum((op.method, path_shape(op.path)) not in twins for op in preview_ops)
    out.append(
        f"\n## The Preview API\n\n{len(preview_ops)} operations: every operation of the Preview"
        f" description, each sent with `Intercom-Version: Preview`; {only} of them are in no"
        " numbered version (marked *Preview only*).\n\n"
    )
    out.append("| Method | Path | Python | Pagination | Retry-safe | |\n")
    out.append("|---|---|---|---|---|---|\n")
    for op in sorted(preview_ops, key=lambda o: (o.path, o.method)):
        mark = "" if (op.method, path_shape(op.path)) in twins else "Preview only"
        out.append(
            f"| {op.method} | `{op.path}` | `client.preview.{op.name}()` |"
            f" {op.pagination or ''} | {'yes' if op.idempotent else 'no'} | {mark} |\n"
        )
    return "".join(out)
