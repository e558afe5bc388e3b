"""Subcommands of the posecheck CLI, one module each (add_parser + run)."""
