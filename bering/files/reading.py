"""The text of a file cut into parts for reading on a slow link.

Each part, escaped as HTML, stays under ``PART_BYTES`` so that a page showing one
part (with the site's frame, about 6 KB) stays under 20 KB. Parts end at a line
break where one is near; a line longer than a part is cut.
"""

from __future__ import annotations

import html

PART_BYTES = 12_000


def _size(text: str) -> int:
    return len(html.escape(text).encode("utf-8")) + text.count("\n") * 6  # <br>\n


def text_parts(text: str, *, limit: int = PART_BYTES) -> list[str]:
    """``text`` in parts of at most ``limit`` bytes of HTML each; [] for no text."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.replace("\f", "\n").splitlines(keepends=True):
        while _size(line) > limit:  # one very long line: cut it by characters
            head = line[: max(1, limit // 12)]  # at most 6 bytes a character, escaped
            if current:
                parts.append("".join(current))
                current, size = [], 0
            parts.append(head)
            line = line[len(head) :]
        line_size = _size(line)
        if size + line_size > limit and current:
            parts.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += line_size
    if current:
        parts.append("".join(current))
    return [part for part in parts if part.strip()]
