"""Small template helpers the pages share."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def at(sequence, index):
    """``names|at:forloop.counter0``: the item of a list at a position ("" when out of range),
    e.g. a column's name as the label of a cell in a stacked phone layout."""
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError, KeyError):
        return ""
