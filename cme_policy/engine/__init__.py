"""The evaluator: three-valued conditions, counted deadlines, explained actions."""
