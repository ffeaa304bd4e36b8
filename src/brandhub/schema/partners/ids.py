"""Decoding lists of partner ids from inputs."""

from __future__ import annotations

from collections.abc import Sequence

from brandhub.schema.relay import decode_id


def partner_pks(ids: Sequence[str] | None) -> list[int]:
    """Primary keys behind Partner ids; a foreign id becomes 0, which the service reports."""
    return [decode_id(global_id, "Partner") or 0 for global_id in ids or ()]
