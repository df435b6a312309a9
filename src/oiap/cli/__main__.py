"""``python -m oiap.cli``: the same command as ``oiap``."""

from oiap.cli import main

main()
