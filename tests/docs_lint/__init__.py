"""Readers of the pages' sources for the translation tests: their
structure (sources), the glossary (glossary) and Chinese typography
(chinese). Imported by tests/test_parity.py, test_glossary.py and
test_chinese.py."""
