"""Feature frames shared by everything a workspace trains and scores on the same data.

Mixed into :class:`tenure.Workspace`. Churn training reads the frames of about twenty
monthly origins, lifetime-value training a dozen, win-back a dozen more, mostly the same
days; the daily run reads each scored day's frame for churn, health and value. A frame
depends only on its day, the data and the settings, so one workspace keeps them in a
:class:`~tenure.features.frames.FrameCache` (1 GiB at most, least recently used dropped)
until the next load moves :meth:`data_version`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenure.features.frames import FrameCache

__all__ = ["FrameCacheMixin"]


class FrameCacheMixin:
    _frame_cache: tuple[int, FrameCache] | None = None

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        def data_version(self) -> int: ...

    def _frames(self) -> FrameCache:
        """The feature frames built at the current data version."""
        from tenure.features.frames import FrameCache

        version = self.data_version()
        held = self._frame_cache
        if held is None or held[0] != version:
            held = (version, FrameCache())
            self._frame_cache = held
        return held[1]
