"""Kaoping (党建考评): party-building work performance assessment from declarative scheme files.

The scoring engine is :mod:`kaoping.engine`; the ``kaoping`` command is :mod:`kaoping.cli`.
"""

__version__ = "0.1.0"
