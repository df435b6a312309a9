"""Bots as folders of YAML files: reading them with line numbers, writing them back."""
