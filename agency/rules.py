"""A permission rule: the predicate that decides and the refusal a person reads.

Each app states its rules once, in its permissions module. A view checks the rule
before it shows a page, the service checks the same rule before it writes, and both
refuse with the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import Refused


@dataclass(frozen=True)
class Rule:
    test: Callable[..., bool]
    refusal: str  # marked with gettext_lazy: read in the language active when it refuses

    def check(self, *args) -> None:
        """Raise Refused with this rule's message unless the rule allows it."""
        if not self.test(*args):
            raise Refused(str(self.refusal))
