"""Every cryptographic operation of safepassage, on PyNaCl (libsodium) and nothing else.

Small typed functions: AEAD envelopes bound to their context, sealed boxes, keyed BLAKE2b
subkeys, Argon2id passphrase keys, login slots, the operator unlock and padding. Nothing
here touches storage or the network.
"""
