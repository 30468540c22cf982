"""Old URLs kept for existing clients: a view's handler under another path, deprecated.

An alias is a subclass of the canonical view that allows only the old path's methods
and wraps each of them with ``deprecated``: it answers exactly as the canonical
operation does, and the schema gives it its own ``operation_id`` and ``deprecated:
true``. Decision 0007, "API names".
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from drf_spectacular.utils import extend_schema

H = TypeVar("H", bound=Callable[..., Any])


def deprecated(handler: H, operation_id: str, *, use: str) -> H:
    """A copy of ``handler`` (request, response, ``@idempotent`` and all) for a deprecated
    path; ``use``: the canonical operation, named in the description. The copy gets its
    own schema annotation; the canonical handler's is untouched."""

    @functools.wraps(handler)
    def alias(*args: Any, **kwargs: Any) -> Any:
        return handler(*args, **kwargs)

    # ``wraps`` shares the handler's ``kwargs`` dict, where extend_schema keeps the schema:
    # a copy, so that marking the alias deprecated does not mark the canonical one too.
    alias.kwargs = dict(getattr(handler, "kwargs", {}))  # type: ignore[attr-defined]
    description = f"Deprecated: use `{use}`, which answers the same."
    if doc := inspect.getdoc(handler):
        description += f"\n\n{doc}"
    annotate = extend_schema(operation_id=operation_id, deprecated=True, description=description)
    return cast(H, annotate(alias))
