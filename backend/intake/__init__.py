"""一括登録: experts and needs from a clerk's spreadsheet (templates, parsing, all-or-nothing import).

It sits apart from `backend.core`, which must not know the domain apps; this package writes through their
serializers and services.
"""
