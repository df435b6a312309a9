"""Business-interface URLs rendered from their templates so that variables stay data.

A caller's input must never choose where a call goes: the scheme, host and port come from the
template's own text, and every ``${...}`` value is percent-encoded into the path, query or
fragment where its placeholder stands (``/``, ``?``, ``&``, ``=``, ``#`` and ``@`` included),
so it cannot add a path segment, a parameter or a fragment either. A placeholder inside the
scheme or the authority makes the template unsafe: the call is not made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from oiap.domain.flows import PLACEHOLDER
from oiap.engine.values import as_text

# The static head every template must have before its first placeholder: a scheme, "//",
# an authority and the character that ends it.
_FIXED_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*[/?#]")


class UnsafeUrlTemplate(ValueError):
    """A placeholder where it could change the scheme, host or port."""


def _encoded(value: str) -> str:
    text = quote(value, safe="")
    # "." and ".." are path steps, not data: spelt out they would climb the path.
    return text.replace(".", "%2E") if text in (".", "..") else text


def render_url(template: str, lookup: Callable[[str], object]) -> str:
    """``template`` with each ``${NS.name}`` replaced by its value, percent-encoded."""
    first = PLACEHOLDER.search(template)
    if first is None:
        return template
    head = _FIXED_ORIGIN.match(template)
    if head is None or head.end() > first.start():
        raise UnsafeUrlTemplate("a variable stands in the URL's scheme, host or port")
    parts: list[str] = []
    done = 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(template[done : match.start()])
        parts.append(_encoded(as_text(lookup(match.group(1).strip()))))
        done = match.end()
    parts.append(template[done:])
    return "".join(parts)
