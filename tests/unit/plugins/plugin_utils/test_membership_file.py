"""The controller-side reader of a membership file (issue 21 item 2): plain data through Ansible's
DataLoader (vaulted files and !vault values), and refusals, each naming the file and what was
refused: alias bombs in bounded memory, duplicate and non-string keys, wrong shapes, size."""

from __future__ import annotations

import datetime
import gc
import os
import subprocess
import sys
import tracemalloc

import pytest
import yaml

from ansible.release import __version__ as ansible_version
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret, get_file_vault_secret

from ansible_collections.gitops.github.plugins.plugin_utils import _membership_file as mf
from ansible_collections.gitops.github.plugins.plugin_utils._membership_file import MembershipFileError, load_membership_file

PASSWORD = b'correct horse battery staple'
PARSERS = [mf._CLoader, mf._PyLoader] if mf.HAS_LIBYAML else [mf._PyLoader]


@pytest.fixture(autouse=True, params=PARSERS, ids=lambda cls: 'libyaml' if cls is not mf._PyLoader else 'python')
def parser(request, monkeypatch):
    """Every test runs with libyaml's parser (when PyYAML has it) and with the pure Python one."""
    monkeypatch.setattr(mf, '_Loader', request.param)
    return request.param


NORMAL = """\
---
defaults: &defaults
  exclusive: true
  max_removals: "10%"
membership_orgs:
  - org: acme
    <<: *defaults
    owners: [alice]
    members: &devs [bob, carol, "123"]
    teams:
      - team: platform
        maintainers: [bob]
        members: *devs
        exclusive: false
      - team: contractors
        members:
          - {login: dora, id: 4711, expires: 2026-12-31}
          - !unsafe "{{ eve }}"
"""


def write(tmp_path, text, name='membership.yml'):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode('utf-8'))
    return str(path)


def vault_loader():
    loader = DataLoader()
    loader.set_vault_secrets([('default', VaultSecret(PASSWORD))])
    return loader


def strings(data):
    """Every string in the data, keys included."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item)
    elif isinstance(data, str):
        yield data


def refusal(tmp_path, text, **limits):
    path = write(tmp_path, text)
    with pytest.raises(MembershipFileError) as caught:
        load_membership_file(path, **limits)
    message = str(caught.value)
    assert message.startswith('membership_file %s: ' % path)
    return message


# -- what it reads ---------------------------------------------------------------------------------

def test_a_normal_file_reads_as_yaml_safe_load_reads_it(tmp_path):
    orgs = load_membership_file(write(tmp_path, NORMAL))
    assert orgs == yaml.safe_load(NORMAL.replace('!unsafe ', ''))['membership_orgs']
    acme = orgs[0]
    assert acme['exclusive'] is True and acme['max_removals'] == '10%'
    assert acme['teams'][1]['members'][0] == {'login': 'dora', 'id': 4711, 'expires': datetime.date(2026, 12, 31)}
    assert acme['teams'][1]['members'][1] == '{{ eve }}'
    # An alias is the same list, as PyYAML builds it: shared, not copied.
    assert acme['teams'][0]['members'] is acme['members']


def test_every_string_it_returns_is_a_plain_str_under_the_installed_ansible_core(tmp_path):
    ours = list(strings(load_membership_file(write(tmp_path, NORMAL))))
    assert len(ours) > 20
    assert [s for s in ours if s.__class__ is not str] == []
    # What the reader avoids: from 2.19 on, DataLoader.load (include_vars' parser) tags every string.
    theirs = list(strings(DataLoader().load(NORMAL)))
    if tuple(int(part) for part in ansible_version.split('.')[:2]) >= (2, 19):
        assert all(s.__class__ is not str for s in theirs)


def test_json_is_yaml_too(tmp_path):
    assert load_membership_file(write(tmp_path, '{"membership_orgs": [{"org": "acme"}]}')) == [{'org': 'acme'}]


def test_a_relative_path_resolves_against_the_loaders_base_directory(tmp_path):
    write(tmp_path, NORMAL)
    loader = DataLoader()
    loader.set_basedir(str(tmp_path))
    assert load_membership_file('membership.yml', loader=loader)[0]['org'] == 'acme'


def test_a_wholly_vaulted_file_is_decrypted_with_the_loaders_secrets(tmp_path):
    secrets = [('default', VaultSecret(PASSWORD))]
    path = write(tmp_path, VaultLib(secrets).encrypt(NORMAL))
    assert open(path, 'rb').read().startswith(b'$ANSIBLE_VAULT;')
    orgs = load_membership_file(path, loader=vault_loader())
    assert orgs[0]['owners'] == ['alice']
    assert [s for s in strings(orgs) if s.__class__ is not str] == []


def test_a_vaulted_file_without_the_secret_is_refused_naming_the_file(tmp_path):
    path = write(tmp_path, VaultLib([('default', VaultSecret(PASSWORD))]).encrypt(NORMAL))
    with pytest.raises(MembershipFileError, match='membership_file %s: cannot be read: .*vault' % path):
        load_membership_file(path)


def encrypt_string(tmp_path, secret, name):
    """``ansible-vault encrypt_string`` as a user runs it, with a vault password file."""
    password_file = tmp_path / 'vault-password'
    password_file.write_bytes(PASSWORD + b'\n')
    ansible_vault = os.path.join(os.path.dirname(sys.executable), 'ansible-vault')
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path / 'home'), ANSIBLE_NOCOLOR='1')
    out = subprocess.run([ansible_vault, 'encrypt_string', '--vault-password-file', str(password_file), secret, '--name', name],
                         capture_output=True, text=True, check=True, env=env).stdout
    return out, str(password_file)


def test_vault_values_made_by_ansible_vault_encrypt_string_are_decrypted(tmp_path):
    snippet, password_file = encrypt_string(tmp_path, 'secret-maintainer', 'login')
    text = 'membership_orgs:\n  - org: acme\n    owners:\n      - ' + snippet.replace('\n', '\n        ').rstrip() + '\n'
    path = write(tmp_path, text)
    loader = DataLoader()
    secret = get_file_vault_secret(filename=password_file, vault_id='default', loader=loader)
    secret.load()
    loader.set_vault_secrets([('default', secret)])
    orgs = load_membership_file(path, loader=loader)
    assert orgs == [{'org': 'acme', 'owners': [{'login': 'secret-maintainer'}]}]
    assert orgs[0]['owners'][0]['login'].__class__ is str


def test_a_vault_value_without_the_secret_is_refused_with_its_line(tmp_path):
    ciphertext = VaultLib([('default', VaultSecret(PASSWORD))]).encrypt('bob').decode()
    text = 'membership_orgs:\n  - org: acme\n    owners:\n      - !vault |\n        ' + ciphertext.replace('\n', '\n        ') + '\n'
    message = refusal(tmp_path, text)
    assert 'the !vault value could not be decrypted' in message and 'at line 4, column 9' in message


# -- alias bombs -----------------------------------------------------------------------------------

def laughs(levels, width=10):
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append('a%d: &a%d [%s]' % (level, level, ', '.join(['*a%d' % (level - 1)] * width)))
    return '\n'.join(lines) + '\nmembership_orgs: [{org: acme, members: *a%d}]\n' % levels


def merge_bomb(levels):
    """Merge keys instead of lists: each level merges every earlier one."""
    lines = ['m0: &m0 {k0: v}']
    for level in range(1, levels + 1):
        merged = ', '.join('*m%d' % j for j in range(level))
        lines.append('m%d: &m%d {<<: [%s], k%d: v}' % (level, level, merged, level))
    return '\n'.join(lines) + '\nmembership_orgs: [{org: acme, teams: [*m%d]}]\n' % levels


def test_the_billion_laughs_is_counted_not_expanded():
    root = yaml.compose(laughs(9), Loader=yaml.SafeLoader)
    # 10**9 "lol"s and every list on the way, counted over 30 distinct nodes.
    assert mf.check_nodes(root, max_nodes=10 ** 12) > 10 ** 9


@pytest.mark.parametrize('bomb', [laughs(9), merge_bomb(40)], ids=['billion-laughs', 'merge-keys'])
def test_an_alias_bomb_is_refused_in_bounded_memory(tmp_path, bomb):
    assert len(bomb) < 8000  # a few kilobytes
    tracemalloc.start()
    try:
        message = refusal(tmp_path, bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 'expands through YAML aliases to more than 2000000 nodes (max_nodes)' in message
    assert 'refused as an alias bomb' in message
    assert peak < 2 * 1024 * 1024  # include_vars went to 2 GiB on the same file


def test_a_small_bomb_under_the_limit_is_refused_by_a_lower_one(tmp_path):
    text = laughs(3)  # 1,000 "lol"s
    assert len(load_membership_file(write(tmp_path, text))[0]['members']) == 10
    assert 'more than 500 nodes' in refusal(tmp_path, text, max_nodes=500)


def test_anchors_reused_honestly_pass(tmp_path):
    teams = '\n'.join('      - {team: t%d, maintainers: *leads, members: *leads}' % i for i in range(300))
    text = 'membership_orgs:\n  - org: acme\n    owners: &leads [alice, bob, carol]\n    teams:\n' + teams + '\n'
    orgs = load_membership_file(write(tmp_path, text))
    assert len(orgs[0]['teams']) == 300


def test_an_alias_that_contains_itself_is_refused(tmp_path):
    message = refusal(tmp_path, 'loop: &loop [a, *loop]\nmembership_orgs: []\n')
    assert 'the alias on line 1 contains itself' in message


# -- keys ------------------------------------------------------------------------------------------

def test_a_duplicate_key_is_refused_naming_the_key_and_both_lines(tmp_path):
    text = 'membership_orgs:\n  - org: acme\n    members: [bob]\n    owners: [alice]\n    members: [mallory]\n'
    assert refusal(tmp_path, text).endswith("the key 'members' on line 5 repeats the one on line 3")


def test_a_duplicate_top_level_key_is_refused(tmp_path):
    text = 'membership_orgs: []\nmembership_orgs: [{org: acme}]\n'
    assert "the key 'membership_orgs' on line 2 repeats the one on line 1" in refusal(tmp_path, text)


def test_a_merged_key_may_be_overridden(tmp_path):
    text = 'd: &d {exclusive: true}\nmembership_orgs: [{org: acme, <<: *d, exclusive: false}]\n'
    assert load_membership_file(write(tmp_path, text)) == [{'org': 'acme', 'exclusive': False}]


@pytest.mark.parametrize('key, what', [('123', 'an integer'), ('yes', 'a boolean'), ('~', 'null'), ('2026-01-01', 'a date'),
                                       ('1.5', 'a number'), ('[a, b]', 'a collection')])
def test_a_key_that_is_not_a_string_is_refused(tmp_path, key, what):
    text = 'membership_orgs:\n  - org: acme\n    teams:\n      - team: t\n        repositories: {%s: push}\n' % key
    message = refusal(tmp_path, text)
    assert 'on line 5 is %s, not a string (quote it)' % what in message


def test_a_quoted_number_is_a_string_key(tmp_path):
    text = 'membership_orgs: [{org: acme, teams: [{team: t, repositories: {"123": push}}]}]\n'
    assert load_membership_file(write(tmp_path, text))[0]['teams'][0]['repositories'] == {'123': 'push'}


# -- shapes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('text, expected', [
    ('', 'is empty: it must be a mapping with membership_orgs'),
    ('- org: acme\n', 'must be a mapping with membership_orgs, not list'),
    ('just a string\n', 'must be a mapping with membership_orgs, not str'),
    ('membership_org: []\nother: 1\n', 'defines no membership_orgs (its keys: membership_org, other)'),
    ('membership_orgs: {org: acme}\n', 'membership_orgs must be a list of organizations, not dict'),
    ('membership_orgs:\n', 'membership_orgs must be a list of organizations, not NoneType'),
    ('membership_orgs: [{org: acme}, acme]\n', 'membership_orgs[1] must be a mapping, not str'),
])
def test_the_wrong_top_level_is_refused(tmp_path, text, expected):
    assert refusal(tmp_path, text).endswith(expected)


@pytest.mark.parametrize('text, expected', [
    ('membership_orgs: [\n', 'is not valid YAML: while parsing'),
    ('a: 1\n---\nb: 2\n', 'is not valid YAML: expected a single document'),
    ('membership_orgs: !!python/object/apply:os.system [id]\n', 'is not valid YAML: could not determine a constructor'),
])
def test_what_yaml_refuses_is_refused_with_the_file_name(tmp_path, text, expected):
    message = refusal(tmp_path, text)
    assert expected in message
    assert '<byte string>' not in message  # the parser's name for the stream: the file is named instead


def test_nesting_beyond_the_parsers_depth_is_refused(tmp_path, parser):
    message = refusal(tmp_path, 'membership_orgs: ' + '[' * 5000 + ']' * 5000)
    if parser is mf._PyLoader:  # Python's recursion limit
        assert message.endswith('is nested too deeply')
    else:  # libyaml's own limit
        assert 'is not valid YAML: while increasing flow level exceeded maximum nesting depth' in message


def test_a_missing_file_is_refused_naming_it(tmp_path):
    path = str(tmp_path / 'absent.yml')
    with pytest.raises(MembershipFileError, match='membership_file %s: cannot be read: No such file' % path):
        load_membership_file(path)


# -- size ------------------------------------------------------------------------------------------

class _NoReading(DataLoader):
    def get_text_file_contents(self, *args, **kwargs):
        raise AssertionError('read a file larger than the limit')

    def _get_file_contents(self, *args, **kwargs):
        raise AssertionError('read a file larger than the limit')


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    text = NORMAL + '# padding\n' * 200
    size = len(text.encode())
    message = refusal(tmp_path, text, loader=_NoReading(), max_bytes=size - 1)
    assert message.endswith('is %d bytes, more than the limit of %d (max_bytes)' % (size, size - 1))
    assert load_membership_file(write(tmp_path, text), max_bytes=size)[0]['org'] == 'acme'


def test_the_default_size_limit_is_64_mib(tmp_path):
    assert mf.DEFAULT_MAX_BYTES == 64 * 1024 * 1024
    path = tmp_path / 'sparse.yml'
    with open(path, 'wb') as handle:  # a sparse file: its size without writing 64 MiB
        handle.truncate(mf.DEFAULT_MAX_BYTES + 1)
    with pytest.raises(MembershipFileError, match='is 67108865 bytes, more than the limit of 67108864'):
        load_membership_file(str(path), loader=_NoReading())


def test_it_uses_the_c_parser_when_libyaml_is_there(monkeypatch):
    monkeypatch.undo()  # the module as imported, not the parser fixture's choice
    assert mf.HAS_LIBYAML == yaml.__with_libyaml__
    if yaml.__with_libyaml__:
        assert issubclass(mf._Loader, yaml.cyaml.CParser)


@pytest.mark.parametrize('text', [NORMAL, 'membership_orgs: [\n', laughs(9), 'a: 1\na: 2\n'], ids=['read', 'yaml-error', 'bomb', 'duplicate'])
def test_the_garbage_collector_is_as_it_was_after_a_read_or_a_refusal(tmp_path, text):
    path = write(tmp_path, text)
    for was_enabled in (True, False):
        (gc.enable if was_enabled else gc.disable)()
        try:
            try:
                load_membership_file(path)
            except MembershipFileError:
                pass
            assert gc.isenabled() is was_enabled
        finally:
            gc.enable()
