"""Compliance of packs against the national baseline (DfE guidance and regulations)."""
