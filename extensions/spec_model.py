"""Copier's entry to the spec model (``extensions/specmodel``), which it loads by file path.

The package is imported under a name derived from its location, so that two versions of the
template in one process (``copier update`` renders the old and the new) never share modules.
The CLI and the tests import this file by path too and read the package's names from it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def _load_package() -> ModuleType:
    root = Path(__file__).resolve().with_name("specmodel")
    name = "specmodel_" + hashlib.sha256(str(root).encode()).hexdigest()[:16]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, root / "__init__.py", submodule_search_locations=[str(root)])
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {root}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_package = _load_package()
globals().update({name: getattr(_package, name) for name in _package.__all__})
