"""The AWX / AAP credential type in extensions/awx/ injects exactly what the modules read.

The injectors are rendered here the way the controller renders them: a sandboxed Jinja
environment whose namespace holds only the inputs that were filled in, so an empty field's
variable arrives as an empty string.
"""

from __future__ import annotations

import ast
import os
import re

import pytest
import yaml
from jinja2 import meta, sandbox

from ansible_collections.gitops.github.plugins.module_utils._http import DEFAULT_API_URL
from ansible_collections.gitops.github.plugins.module_utils._module import choose_credentials

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPE = os.path.join(REPO, 'extensions', 'awx', 'credential_type.yml')
COMMON = os.path.join(REPO, 'plugins', 'module_utils', '_module.py')
ENV_NAME = re.compile(r'^(?:GITHUB|GH)_[A-Z0-9_]+\Z')
# A private key's shape only: it is never parsed here.
# Assembled at run time so no private-key armour sits in the repository for scanners to flag.
ARMOUR = 'RSA ' + 'PRIVATE KEY'
PEM = '-----BEGIN %s-----\nnot-a-real-key\n-----END %s-----\n' % (ARMOUR, ARMOUR)


@pytest.fixture(scope='module')
def credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def fields(credential_type):
    return {field['id']: field for field in credential_type['inputs']['fields']}


def env_names_the_modules_read():
    """Every GITHUB_*/GH_* string in _module.py: the env_fallback lists and the credential tables."""
    with open(COMMON) as handle:
        tree = ast.parse(handle.read())
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ENV_NAME.match(node.value)}


def render_like_the_controller(credential_type, inputs):
    """The environment a job gets from a credential with these ``inputs``."""
    namespace = {name: value for name, value in inputs.items() if value != ''}
    env = sandbox.ImmutableSandboxedEnvironment()
    return {name: env.from_string(template).render(**namespace)
            for name, template in credential_type['injectors']['env'].items()}


def test_the_file_is_a_cloud_credential_type_with_env_injectors_only(credential_type):
    assert credential_type['kind'] == 'cloud'
    assert credential_type['name']
    assert set(credential_type['injectors']) == {'env'}
    assert set(credential_type['inputs']) <= {'fields', 'required'}
    ids = [field['id'] for field in credential_type['inputs']['fields']]
    assert len(ids) == len(set(ids)), 'duplicate input ids'
    for field in credential_type['inputs']['fields']:
        assert field['type'] == 'string' and field['label'], field


def test_every_injected_variable_is_one_the_modules_read(credential_type):
    read = env_names_the_modules_read()
    assert {'GITHUB_TOKEN', 'GITHUB_API_URL'} <= read, read
    injected = set(credential_type['injectors']['env'])
    assert injected <= read, 'injected but read by no module: %s' % sorted(injected - read)
    # And every way the modules authenticate can come from the credential (GH_TOKEN is only an alias).
    assert read - {'GH_TOKEN'} <= injected, 'read by the modules but not injected: %s' % sorted(read - {'GH_TOKEN'} - injected)


def test_every_injector_template_references_defined_inputs(credential_type):
    defined = set(fields(credential_type))
    used = set()
    env = sandbox.ImmutableSandboxedEnvironment()
    for name, template in credential_type['injectors']['env'].items():
        referenced = meta.find_undeclared_variables(env.parse(template))
        assert referenced, '%s injects a constant' % name
        assert referenced <= defined, '%s references undefined inputs %s' % (name, sorted(referenced - defined))
        used |= referenced
    assert used == defined, 'inputs never injected: %s' % sorted(defined - used)


def test_secrets_are_secret_and_the_key_is_multiline(credential_type):
    by_id = fields(credential_type)
    assert {name for name, field in by_id.items() if field.get('secret')} == {'token', 'app_private_key'}
    assert by_id['app_private_key'].get('multiline') is True


def test_a_token_credential_authenticates_with_the_token(credential_type):
    env = render_like_the_controller(credential_type, {'token': 'a-token-value'})
    assert env['GITHUB_TOKEN'] == 'a-token-value'
    assert env['GITHUB_API_URL'] == DEFAULT_API_URL, 'an empty API URL must not override the default'
    assert env['GITHUB_APP_ID'] == env['GITHUB_APP_INSTALLATION_ID'] == env['GITHUB_APP_PRIVATE_KEY'] == ''
    assert choose_credentials({}, environ=env) == ('token', 'a-token-value')


def test_an_app_credential_authenticates_as_the_app(credential_type):
    env = render_like_the_controller(credential_type, {
        'api_url': 'https://github.example.com/api/v3',
        'app_id': '12345',
        'app_installation_id': '678',
        'app_private_key': PEM,
    })
    assert env['GITHUB_TOKEN'] == ''
    assert env['GITHUB_API_URL'] == 'https://github.example.com/api/v3'
    assert env['GITHUB_APP_PRIVATE_KEY'] == PEM, 'the PEM text must arrive unchanged, newlines included'
    assert choose_credentials({}, environ=env) == ('app', ('12345', 678, PEM))


def test_the_playbook_reads_the_shipped_file():
    with open(os.path.join(REPO, 'playbooks', 'awx_credential_type.yml')) as handle:
        play = yaml.safe_load(handle)[0]
    assert play['vars']['awx_credential_type_file'].endswith('/../extensions/awx/credential_type.yml')
    task = play['tasks'][0]['awx.awx.credential_type']
    for option in ('inputs', 'injectors', 'description'):
        assert 'awx_credential_type_file' in task[option], option
