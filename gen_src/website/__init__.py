"""The MkDocs side of the project: pieces the hook (gen_src/hook.py) uses.

Each module is plain Python over MkDocs objects, testable on its own.
"""
