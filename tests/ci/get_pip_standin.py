# Stand-in for the pip bootstrap script (get-pip) that ansible-test downloads.
#
# ansible-test bootstraps pip into each empty virtual environment it creates by
# running a cached bootstrap script (~/.ansible/test/cache/get_pip_<X_Y_Z>.py)
# with pip-install style arguments such as "pip==24.2 --no-setuptools --no-wheel".
# The host it downloads the real script from is not reachable here, so
# tests/ci/sanity.sh writes this file to that cache path instead. It uses the
# interpreter's bundled ensurepip, then installs the requested versions from the
# configured package index with that pip.
#
# GITOPS_GITHUB_CI_GET_PIP_STANDIN (marker: sanity.sh only rewrites files that carry it)
from __future__ import annotations

import os
import subprocess
import sys

FLAGS = ('--no-setuptools', '--no-wheel')


def run(*args: str) -> None:
    """Run the current interpreter with args, failing loudly."""
    env = dict(os.environ)
    env.pop('GET_PIP', None)
    subprocess.check_call((sys.executable,) + args, env=env)


def has_module(name: str) -> bool:
    """Tell whether the current interpreter can import name."""
    return subprocess.call((sys.executable, '-c', 'import ' + name), stderr=subprocess.DEVNULL) == 0


def main() -> None:
    """Bootstrap pip, then install what ansible-test asked for."""
    args = sys.argv[1:]
    packages = [arg for arg in args if arg not in FLAGS]

    run('-m', 'ensurepip', '--default-pip')
    run('-m', 'pip', 'install', '--disable-pip-version-check', *packages)

    # ensurepip of older Pythons also brings setuptools; honour --no-setuptools.
    if '--no-setuptools' in args and has_module('setuptools'):
        run('-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools')


if __name__ == '__main__':
    main()
