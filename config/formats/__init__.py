"""Date formats that differ from Django's own for a language (FORMAT_MODULE_PATH).

Only the names set here are ours; every other format comes from Django's locale data.
"""
