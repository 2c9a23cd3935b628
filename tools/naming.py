"""Names and docstrings: spec spellings to Python spellings."""

from __future__ import annotations

import keyword
import re


def pascal(name: str) -> str:
    parts = re.split(r"[^A-Za-z0-9]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return out if out and not out[0].isdigit() else "T" + out


def snake(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()


def field_name(name: str) -> str:
    py = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not py or py[0].isdigit():
        py = "f_" + py
    py = py.lstrip("_") or "field"
    if keyword.iskeyword(py) or py in {"type_", "self"}:
        py += "_"
    return py


# Typographic characters of the descriptions, as plain ASCII (ruff flags them as ambiguous).
_ASCII = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)


def clean_doc(text: str | None) -> str:
    """One or two plain sentences: no Markdoc tags, no Markdown links, no blank lines."""
    if not text:
        return ""
    text = re.sub(r"\{%.*?%\}", "", text, flags=re.S)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[`*]", "", text).translate(_ASCII)
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s", text)
    short = " ".join(sentences[:2])
    short = short if len(short) <= 300 else short[:297].rsplit(" ", 1)[0] + "..."
    short = short.replace("\\", "\\\\").replace('"""', "'''")
    # A docstring cannot end in the quote character that closes it.
    return short + "." if short.endswith('"') else short


def first_paragraph(text: str | None) -> str:
    """The description's first paragraph, as plain text (Markdoc and links stripped)."""
    if not text:
        return ""
    paragraph = next((p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()), "")
    paragraph = re.sub(r"\{%.*?%\}", "", paragraph, flags=re.S)
    paragraph = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", paragraph)
    paragraph = re.sub(r"<[^>]+>", "", paragraph)
    paragraph = re.sub(r"[`*]", "", paragraph).translate(_ASCII)
    paragraph = " ".join(paragraph.split())
    paragraph = paragraph.replace("\\", "\\\\").replace('"""', "'''")
    return paragraph + "." if paragraph.endswith('"') else paragraph
