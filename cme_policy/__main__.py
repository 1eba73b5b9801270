"""``python -m cme_policy``: the ``cme-policy`` command."""

import sys

from cme_policy.cli import main

sys.exit(main())
