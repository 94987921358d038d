"""The MkDocs side of the project: the pieces that the hook
(gen_src/website/hook.py) uses.

Each module is plain Python over MkDocs objects, testable on its own.
"""
