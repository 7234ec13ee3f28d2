"""The demo: a fictional network on a simulated day, and a tour of the encrypted store.

Everything here is invented: the countries, the river, the towns, the people.
"""
