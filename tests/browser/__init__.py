"""Browser tests (a package, so that its conftest is not imported as the top-level
``conftest`` module that other test folders import helpers from)."""
