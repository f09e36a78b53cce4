"""Thin views, one module per area: parse the request, call an action or a query, render."""
