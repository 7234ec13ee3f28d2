"""The domain: entities, state machines and rules, on the standard library only.

Pure functions over frozen dataclasses: nothing here reads a clock, a disk or a network.
The words are those of docs/glossary.md.
"""
