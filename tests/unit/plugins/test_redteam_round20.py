"""Red-team round 20: the membership file reader on the controller."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = '''
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB: today's reader would take the machine
from ansible_collections.gitops.github.plugins.plugin_utils._membership_file import load_membership_file, MembershipFileError
try:
    load_membership_file(sys.argv[1])
except MembershipFileError as exc:
    print('REFUSED', exc)
except BaseException as exc:
    print('CRASHED', type(exc).__name__)
'''


@pytest.mark.skipif(not os.path.exists('/dev/zero'), reason='needs /dev/zero')
@pytest.mark.parametrize('target', ['/dev/zero', '/dev/urandom'])
def test_a_membership_file_symlinked_to_an_endless_device_is_refused(tmp_path, target):
    # A pull request commits membership.yml as a symlink to /dev/zero (git keeps symlinks). Its
    # size on disk is 0, so the max_bytes check passes, and the reader reads on until memory runs
    # out: the controller's worker eats all memory (here: MemoryError under a 1 GiB limit).
    link = tmp_path / 'membership.yml'
    link.symlink_to(target)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, '-c', SCRIPT, str(link)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert out.stdout.startswith('REFUSED membership_file %s: ' % link), (out.stdout, out.stderr[-2000:])
