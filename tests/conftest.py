"""Make the checkout importable as ``ansible_collections.gitops.github`` and the simulator as ``ghsim``."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIMULATOR_DIR = os.path.join(REPO, 'tests', 'simulator')


def _collection_root():
    root = tempfile.mkdtemp(prefix='gitops-github-unit-')
    atexit.register(shutil.rmtree, root, True)
    ns = os.path.join(root, 'ansible_collections', 'gitops')
    os.makedirs(ns)
    os.symlink(REPO, os.path.join(ns, 'github'))
    return root


if SIMULATOR_DIR not in sys.path:
    sys.path.insert(0, SIMULATOR_DIR)
sys.path.insert(0, _collection_root())
