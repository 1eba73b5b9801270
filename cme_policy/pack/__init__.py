"""Policy packs: the YAML language, its models, and loading with located errors."""
