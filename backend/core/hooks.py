"""Work a higher app asks to do when a lower app writes (issue 21): a lower app declares a `Hook` beside the
write, calls `fire` inside the write's transaction, and the higher app registers its callable at start-up
(`AppConfig.ready`). The lower app imports nothing of the higher one (tests/test_layers.py); the higher one's
work commits or rolls back with the write. Each callable answers a list of warnings for the one who wrote
(possibly empty); `fire` answers them all, in registration order.

Not Django signals: a hook is declared where it is fired, so a reader of the write sees that more happens.
"""

from collections.abc import Callable


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable[..., list | None]] = []

    def register(self, callback: Callable[..., list | None]) -> Callable[..., list | None]:
        if callback not in self._callbacks:  # ready() may run twice (tests, autoreload)
            self._callbacks.append(callback)
        return callback

    def fire(self, **kwargs) -> list:
        warnings: list = []
        for callback in self._callbacks:
            warnings.extend(callback(**kwargs) or [])
        return warnings
