"""``python -m skzsl``: the ``skzsl`` command."""

import sys

from .cli import main

sys.exit(main())
