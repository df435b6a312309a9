"""The management API (``/oiap/v1/...``): REST resources for the bot configuration the OIAP
interfaces do not cover. Bodies use the bot folder's field names (docs/bot-format.md)."""
