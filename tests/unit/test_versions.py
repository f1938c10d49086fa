"""Version strings agree: galaxy.yml's version is the newest release of the changelog or the one
being prepared after it; every `version_added` (modules, their YAML documentation, filters, the
role's entry points) names a released version or galaxy.yml's; the documents that name a tarball
or an image tag name galaxy.yml's version; CHANGELOG.md starts with the newest release."""

from __future__ import annotations

import ast
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Documents that name the current version (a tarball file name or an image tag).
VERSIONED_DOCUMENTS = ['README.md', 'docs/execution-environment.md', 'docs/execution-environment/execution-environment.yml',
                       'docs/execution-environment/requirements.yml']
VERSIONED = re.compile(r'gitops-github-(?:ee:)?(\d+\.\d+\.\d+)')


def read(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
        return handle.read()


def key(version):
    return tuple(int(part) for part in version.split('.'))


GALAXY = str(yaml.safe_load(read('galaxy.yml'))['version'])
RELEASES = sorted(yaml.safe_load(read('changelogs/changelog.yaml')).get('releases') or {}, key=key)


def documented_versions():
    """(where, version_added) of every plugin, module documentation and role entry point."""
    found = []
    modules = os.path.join(ROOT, 'plugins', 'modules')
    for name in sorted(os.listdir(modules)):
        path = os.path.join(modules, name)
        if name.endswith('.py') and name != '__init__.py':
            tree = ast.parse(read(path))
            docs = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
                    and any(getattr(t, 'id', '') == 'DOCUMENTATION' for t in node.targets)]
            found.append(('plugins/modules/' + name, str(yaml.safe_load(docs[0]).get('version_added'))))
        elif name.endswith('.yml'):
            doc = yaml.safe_load(read(path))['DOCUMENTATION']
            found.append(('plugins/modules/' + name, str(doc.get('version_added'))))
    filters = os.path.join(ROOT, 'plugins', 'filter')
    for name in sorted(os.listdir(filters)):
        if name.endswith('.yml'):
            doc = yaml.safe_load(read(os.path.join('plugins', 'filter', name)))['DOCUMENTATION']
            found.append(('plugins/filter/' + name, str(doc.get('version_added'))))
    specs = yaml.safe_load(read('roles/membership/meta/argument_specs.yml'))['argument_specs']
    for entry, spec in specs.items():
        if 'version_added' in spec:
            found.append(('role entry point ' + entry, str(spec['version_added'])))
    return found


def test_galaxy_version_is_the_newest_release_or_the_next_one():
    assert re.fullmatch(r'\d+\.\d+\.\d+', GALAXY), GALAXY
    assert RELEASES, 'changelogs/changelog.yaml has no release (run antsibull-changelog release)'
    assert key(GALAXY) >= key(RELEASES[-1]), (GALAXY, RELEASES)


@pytest.mark.parametrize('where, version', documented_versions())
def test_version_added_is_released_or_the_coming_release(where, version):
    assert version in RELEASES or version == GALAXY, \
        '%s: version_added %s is neither a release (%s) nor galaxy.yml\'s version %s' % (where, version, RELEASES, GALAXY)


def test_every_module_documents_its_version():
    documented = [where for where, _version in documented_versions() if where.startswith('plugins/modules/')]
    assert len(documented) == len([n for n in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                                   if n.endswith(('.py', '.yml')) and n != '__init__.py'])


@pytest.mark.parametrize('path', VERSIONED_DOCUMENTS)
def test_documents_name_the_galaxy_version(path):
    named = VERSIONED.findall(read(path))
    assert named, '%s no longer names a version: drop it from VERSIONED_DOCUMENTS' % path
    assert set(named) == {GALAXY}, '%s names %s, galaxy.yml says %s' % (path, sorted(set(named)), GALAXY)


def test_the_changelog_starts_with_the_newest_release():
    first = re.search(r'^## v(\S+)$', read('CHANGELOG.md'), re.M)
    assert first and first.group(1).replace('\\', '') == RELEASES[-1]


def test_the_rule_catches_a_version_from_nowhere():
    assert not ('9.9.9' in RELEASES or '9.9.9' == GALAXY)
