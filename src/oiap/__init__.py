"""OpenOIAP: a self-hosted intelligent assistant platform."""

__version__ = "0.1.0"
