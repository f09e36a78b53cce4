"""Every write of the application, one function per act (``do_*``).

Each action owns its transaction and writes its audit row through ``audit()``; views
never save models themselves. Actions raise ``ActionError`` (a message for the user,
optionally per form field) when the act is not allowed or the input is wrong.
"""
