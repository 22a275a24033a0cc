"""Plain text with paragraphs and lists, rendered to safe HTML.

Takeover instructions are written by people, not by a rich-text editor: blank lines
separate paragraphs, lines starting with "- " or "* " make a bulleted list, lines
starting with "1. " (any number) a numbered one. Everything is escaped first, so no
markup typed by a user ever reaches a page or a PDF.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")


def render_blocks(text: str) -> SafeString:
    html: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        html.extend(_render_block(lines))
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text was escaped above


def _render_block(lines: list[str]) -> list[str]:
    out: list[str] = []
    paragraph: list[str] = []
    list_tag = ""
    items: list[str] = []

    def flush_paragraph():
        if paragraph:
            out.append("<p>" + "<br>".join(escape(p.strip()) for p in paragraph) + "</p>")
            paragraph.clear()

    def flush_list():
        nonlocal list_tag
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in lines:
        bullet, numbered = BULLET.match(line), NUMBERED.match(line)
        match, tag = (bullet, "ul") if bullet else (numbered, "ol") if numbered else (None, "")
        if match:
            flush_paragraph()
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            items.append(escape(match.group(1).strip()))
        else:
            flush_list()
            paragraph.append(line)
    flush_paragraph()
    flush_list()
    return out
