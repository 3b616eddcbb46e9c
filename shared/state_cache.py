"""Folded states of streams kept between commands, per process (``CommandRunner.states``)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


class StateCache:
    """Folded states of recently used streams, per process (least recently used dropped first).

    A stream is append-only, so the fold of its events 1..v is right for ever: a command loads only
    the events after the cached version (written by this process, another one or a consumer alike)
    and folds them onto the cached state. Only a state folded from events read back from the store
    is kept (committed ones: read under the case lock before the command appends), never the state a
    command computed from its own new events, and only for deciders that declare their ``evolve``
    never changes a state in place (``cacheable``).
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._states: OrderedDict[tuple[int, str], tuple[int, Any]] = OrderedDict()

    def get(self, decider: Any, stream_id: str) -> tuple[int, Any] | None:
        if not self.size or not getattr(decider, "cacheable", False):
            return None
        hit = self._states.get((id(decider), stream_id))
        if hit is not None:
            self._states.move_to_end((id(decider), stream_id))
        return hit

    def put(self, decider: Any, stream_id: str, version: int, state: Any) -> None:
        if not self.size or not getattr(decider, "cacheable", False) or version <= 0:
            return
        key = (id(decider), stream_id)
        known = self._states.get(key)
        if known is not None and known[0] > version:
            return  # a newer fold is kept already
        self._states[key] = (version, state)
        self._states.move_to_end(key)
        while len(self._states) > self.size:
            self._states.popitem(last=False)
