"""Project configuration (``[tool.tracediff]`` / ``tracediff.toml``) and shipped profiles."""

from tracediff.config.loader import find_config, load_options, load_profile, profile_names

__all__ = ["find_config", "load_options", "load_profile", "profile_names"]
