"""``python -m simulation`` is the ``marginsim`` command."""

import sys

from .cli import main

sys.exit(main())
