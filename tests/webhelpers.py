"""Helpers for the web tests that need Django (``helpers`` stays importable without it).

Import as ``from webhelpers import …``."""

from __future__ import annotations


def publish_confirmed(actor, run):
    """公示 ``run`` as an assessor who saw the period's open items and confirmed them; the
    guard itself is tested in tests/web/test_publication_guard.py."""
    from kaoping.web.actions.scoring import do_publish
    from kaoping.web.services.open_items import open_items

    return do_publish(actor, run, confirmed=open_items(run.period).counts)


def confirmed_publish_form(period) -> dict:
    """The fields the run page's publish form posts once its open items are ticked."""
    from kaoping.web.services.open_items import open_items

    unchecked, returned, silent = open_items(period).counts
    return {"confirm_open": "1", "open_unchecked": unchecked, "open_returned": returned,
            "open_silent": silent}


def without_appeal_register(source: str) -> str:
    """A scheme's text with its ``appeal`` mappings taken out: E's 申诉 then is an ordinary
    kind reported only when something happened (``expected: when_applicable``), the
    example the progress tests use for optional kinds."""
    import re

    out, n = re.subn(r"(?m)^ +appeal: \{.*\}\n", "", source)
    assert n, "the scheme has no appeal mapping"
    return out
