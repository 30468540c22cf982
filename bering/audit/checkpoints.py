"""A checkpoint of the audit log, kept outside the database (decision 0001)."""

from __future__ import annotations

from dataclasses import dataclass

GENESIS = "0" * 64
"""The hash before the first event of every chain."""


@dataclass(frozen=True)
class Checkpoint:
    """A place in the root chain and its event's hash, to be kept elsewhere.

    ``events`` counts the root chain's events from the first (the checkpoint event
    taken by ``checkpoint_record`` is the last of them); ``last_hash`` is GENESIS
    for an empty chain. Written as ``"N:HASH"``. A checkpoint printed before the
    chains were split per organization names the same place: that one chain
    became the root chain, in the same order.
    """

    events: int
    last_hash: str

    def __str__(self) -> str:
        return f"{self.events}:{self.last_hash}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        # Also as ``audit_verify`` prints it: "checkpoint: N HASH".
        text = text.strip().removeprefix("checkpoint:").strip()
        if ":" not in text:
            text = text.replace(" ", ":", 1)
        count, sep, digest = text.partition(":")
        digest = digest.strip().lower()
        if (
            not sep
            or not count.strip().isdigit()
            or len(digest) != len(GENESIS)
            or any(ch not in "0123456789abcdef" for ch in digest)
        ):
            raise ValueError(f"A checkpoint is N:HASH (a count and 64 hex digits), not {text!r}.")
        return cls(int(count), digest)
