"""playbooks/awx_credential_type.yml, run by FQCN from the installed collection, hands the
credential type in extensions/awx/ to awx.awx.credential_type unchanged: the injectors'
templates reach the controller as they are, not templated by the play.

awx.awx is not installed here: a stand-in module with the same options records what it got."""

from __future__ import annotations

import os
import textwrap

import yaml

from harness import ansible_playbook

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

STAND_IN = textwrap.dedent('''\
    #!/usr/bin/python
    from __future__ import annotations
    from ansible.module_utils.basic import AnsibleModule
    module = AnsibleModule(argument_spec=dict(
        name=dict(type='str', required=True), description=dict(type='str'), kind=dict(type='str'),
        inputs=dict(type='dict'), injectors=dict(type='dict'), state=dict(type='str', default='present'),
    ), supports_check_mode=True)
    module.exit_json(changed=True, received=module.params)
''')


def fake_awx(root):
    base = os.path.join(root, 'ansible_collections', 'awx', 'awx')
    os.makedirs(os.path.join(base, 'plugins', 'modules'))
    with open(os.path.join(base, 'galaxy.yml'), 'w') as handle:
        handle.write('namespace: awx\nname: awx\nversion: 24.6.1\n')
    with open(os.path.join(base, 'plugins', 'modules', 'credential_type.py'), 'w') as handle:
        handle.write(STAND_IN)


def run(collections_path, tmp_path, *extra):
    fake_awx(str(tmp_path / 'awx'))
    workdir = tmp_path / 'work'
    workdir.mkdir()
    run = ansible_playbook(collections_path, ['-i', 'localhost,', '-c', 'local', 'gitops.github.awx_credential_type'] + list(extra),
                           str(workdir), extra_env={'ANSIBLE_COLLECTIONS_PATH': collections_path + os.pathsep + str(tmp_path / 'awx')})
    assert run.rc == 0, run.output
    return run.task('Create or update the credential type')['received']


def test_the_credential_type_reaches_the_controller_unchanged(collections_path, tmp_path):
    with open(os.path.join(REPO, 'extensions', 'awx', 'credential_type.yml')) as handle:
        expected = yaml.safe_load(handle)
    received = run(collections_path, tmp_path)
    assert received['name'] == expected['name']
    assert received['description'] == expected['description']
    assert received['kind'] == 'cloud'
    assert received['state'] == 'present'
    assert received['inputs'] == expected['inputs']
    assert received['injectors'] == expected['injectors']
    assert received['injectors']['env']['GITHUB_TOKEN'] == '{{ token }}'


def test_the_name_and_state_can_be_chosen(collections_path, tmp_path):
    received = run(collections_path, tmp_path, '-e', 'awx_credential_type_name=GitHub', '-e', 'awx_credential_type_state=absent')
    assert received['name'] == 'GitHub'
    assert received['state'] == 'absent'
