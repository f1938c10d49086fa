"""CONTRIBUTING.md, SECURITY.md and CODE_OF_CONDUCT.md are there, linked from the README, and true
to this repository: every file and folder their commands name exists, the narrow pytest runs
CONTRIBUTING shows collect tests, the ghsim options it shows exist, and the security policy points
at this repository (galaxy.yml's) for private reports."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = ['CONTRIBUTING.md', 'SECURITY.md', 'CODE_OF_CONDUCT.md']


def read(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
        return handle.read()


def commands(path):
    """Each command line of the bash blocks of a Markdown file (comments dropped)."""
    found = []
    for body in re.findall(r'^```bash\n(.*?)^```', read(path), re.S | re.M):
        for line in body.splitlines():
            line = line.split(' #', 1)[0].strip()
            if line and not line.startswith('#'):
                found.append(line)
    return found


@pytest.mark.parametrize('name', FILES)
def test_the_file_is_there_and_linked_from_the_readme(name):
    assert len(read(name).strip().splitlines()) >= 5
    assert '(%s)' % name in read('README.md')


def test_every_path_contributing_names_exists():
    lines = commands('CONTRIBUTING.md')
    assert len(lines) >= 8, lines
    for line in lines:
        for word in shlex.split(line):
            word = word.split('=', 1)[-1]
            if re.match(r'^(\.?[\w-]+/)+[\w.-]*$', word) and not word.startswith(('.venv/', '~')):
                assert os.path.exists(os.path.join(ROOT, word)), (line, word)
    for path in re.findall(r'`((?:scripts|tests|plugins|simulator|changelogs|roles|meta)/[\w./-]+)`', read('CONTRIBUTING.md')):
        if '<' not in path and not path.startswith('changelogs/fragments/'):
            assert os.path.exists(os.path.join(ROOT, path)), path


def test_the_narrow_pytest_runs_of_contributing_collect_tests():
    runs = [line for line in commands('CONTRIBUTING.md') if line.startswith('.venv/bin/python -m pytest')]
    assert len(runs) == 2, runs
    for line in runs:
        args = shlex.split(line)[3:]
        proc = subprocess.run([sys.executable, '-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider'] + args,
                              cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]  # 5: nothing collected


def test_the_ghsim_options_contributing_shows_exist():
    shown = [line for line in commands('CONTRIBUTING.md') if line.startswith('.venv/bin/ghsim')]
    assert shown
    usage = subprocess.run([sys.executable, '-m', 'ghsim', '--help'], capture_output=True, text=True,
                           timeout=60, check=True).stdout
    for line in shown:
        for option in re.findall(r'(--[a-z-]+)', line):
            assert option in usage, (line, option)


def test_private_reports_go_to_this_repository():
    repository = yaml.safe_load(read('galaxy.yml'))['repository'].rstrip('/')
    assert repository + '/security/advisories/new' in read('SECURITY.md')
    assert repository + '/security/advisories/new' in read('CODE_OF_CONDUCT.md')
    assert 'do not open a public issue' in read('SECURITY.md')
