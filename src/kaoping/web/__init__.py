"""The Kaoping web application (Django 5.2 LTS) on top of the engine.

Layout: ``models/`` the data; ``actions/`` every write, each owning its transaction and
audit row; ``access.py`` who may see and change what; ``views/`` thin views (parse, call,
render); ``templates/`` and ``static/`` (every asset vendored: intranets have no internet).
"""
