"""``python -m python_specialist``: the same as the ``python-specialist`` command."""

from python_specialist.cli import main

raise SystemExit(main())
