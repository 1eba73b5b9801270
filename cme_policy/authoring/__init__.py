"""Tools for policy authors: schema, explanations, timelines."""
