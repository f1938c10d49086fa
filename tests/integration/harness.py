"""Run real ansible-playbook against the simulator and read back what every task returned."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import textwrap

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CALLBACK_DIR = os.path.join(HERE, 'callback_plugins')

OWNER_TOKEN = 'sim-token-octo-admin'


def fake_token(prefix='ghp_'):
    """A token shaped like GitHub's, made fresh each run, so none sits in the repository."""
    return prefix + secrets.token_hex(18)


# A small org with every trap in it; tests copy and extend it.
BASE_SEED = {
    'users': ['octo-admin', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'new-hire', 'Mixed-Case'],
    'tokens': {
        OWNER_TOKEN: 'octo-admin',
        'sim-token-alice': 'alice',
        'sim-token-new-hire': 'new-hire',
        'sim-token-dave': 'dave',
    },
    'orgs': [{
        'login': 'acme',
        'id': 9001,
        'owners': ['octo-admin', 'erin'],
        'members': ['alice', 'bob', 'carol', 'Mixed-Case'],
        'invitations': [{'login': 'dave', 'role': 'direct_member'}],
        'public_members': ['octo-admin'],
        'teams': [
            {'slug': 'platform', 'name': 'Platform', 'id': 7001, 'maintainers': ['alice'], 'members': ['bob']},
            {'slug': 'platform-oncall', 'name': 'Platform On-call', 'id': 7002, 'parent': 'platform', 'members': ['carol']},
            {'slug': 'sso-synced', 'name': 'SSO synced', 'id': 7003, 'idp_synced': True, 'members': ['alice']},
        ],
    }, {
        'login': 'other-org',
        'id': 9002,
        'owners': ['frank'],
        'members': [],
    }],
}


def writes(sim):
    """The mutating requests in the simulator's log, as (METHOD, path) pairs (a GraphQL query is a
    POST that reads)."""
    return [(e.method, e.path) for e in sim.log if e.method in ('POST', 'PUT', 'PATCH', 'DELETE') and e.route != '/graphql']


class PlaybookRun(object):
    """The outcome of one ansible-playbook run: exit code, output, and each task's result."""

    def __init__(self, rc, stdout, stderr, results):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results  # list of {'task': name, 'status': ok|changed|failed|skipped, 'result': {...}}

    def task(self, name):
        """The result of the (last) task called ``name``."""
        found = [r for r in self.results if r['task'] == name]
        if not found:
            raise AssertionError('no task %r in %s\n%s' % (name, [r['task'] for r in self.results], self.output))
        return found[-1]['result']

    @property
    def output(self):
        return 'rc=%s\nSTDOUT:\n%s\nSTDERR:\n%s' % (self.rc, self.stdout, self.stderr)

    @property
    def changed_tasks(self):
        return [r['task'] for r in self.results if r['result'].get('changed')]


def run_playbook(collections_path, tasks, sim=None, extra_env=None, check=False, diff=False, verbosity=0,
                 module_defaults=None, extra_args=(), play_vars=None, raw_playbook=None):
    """Write ``tasks`` (a list of task dicts) into a localhost play and run it.

    ``module_defaults`` defaults to the simulator's api_url and ``write_delay: 0`` for the whole
    action group; the token comes from ``GITHUB_TOKEN`` in ``extra_env`` unless a task sets it.
    """
    workdir = tempfile.mkdtemp(prefix='gitops-github-play-')
    if raw_playbook is None:
        defaults = {}
        if sim is not None:
            defaults = {'api_url': sim.api_url, 'write_delay': 0}
            if getattr(sim, 'ca_path', None):
                defaults['ca_path'] = sim.ca_path
        if module_defaults is not None:
            defaults.update(module_defaults)
        play = {
            'name': 'gitops.github integration',
            'hosts': 'localhost',
            'gather_facts': False,
            'module_defaults': {'group/gitops.github.github': defaults},
            'tasks': tasks,
        }
        if play_vars:
            play['vars'] = play_vars
        text = yaml.safe_dump([play], sort_keys=False)
    else:
        text = textwrap.dedent(raw_playbook)
    playbook = os.path.join(workdir, 'play.yml')
    with open(playbook, 'w') as handle:
        handle.write(text)
    args = ['-i', 'localhost,', '-c', 'local', playbook]
    if check:
        args.append('--check')
    if diff:
        args.append('--diff')
    if verbosity:
        args.append('-' + 'v' * verbosity)
    args.extend(extra_args)
    secrets_given = list(_secrets_in(tasks)) + list(_secrets_in(module_defaults)) + list(_secrets_in(play_vars))
    return ansible_playbook(collections_path, args, workdir, extra_env, sim=sim, secrets=secrets_given)


SECRET_KEYS = ('token', 'app_private_key')


def _secrets_in(data):
    """Every value under a ``token`` or ``app_private_key`` key in tasks, defaults or vars."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in SECRET_KEYS and isinstance(value, str) and '{{' not in value:
                yield value
            else:
                yield from _secrets_in(value)
    elif isinstance(data, list):
        for item in data:
            yield from _secrets_in(item)


def installation_tokens(sim):
    """The installation tokens a simulator handed out (answers of the App token exchange)."""
    found = []
    for exchange in getattr(sim, 'log', None) or []:
        if getattr(exchange, 'path', '').endswith('/access_tokens') and getattr(exchange, 'status', None) == 201:
            try:
                found.append(exchange.json()['token'])
            except (ValueError, KeyError, TypeError, AttributeError):
                pass
    return found


# ``scripts/test.sh`` runs the roster's integration tests a second time with
# GITOPS_GITHUB_TEST_ENGINE=module: every playbook then runs github_org_roster as a module, not in the
# controller's process (issue 21: every test passes on both paths). An extra variable outranks the
# play's own ``gitops_github_engine``: the tests that choose a path themselves are not in that pass.
TEST_ENGINE = os.environ.get('GITOPS_GITHUB_TEST_ENGINE') or None
if TEST_ENGINE not in (None, 'module'):
    raise ValueError('GITOPS_GITHUB_TEST_ENGINE may only be module, got %r' % TEST_ENGINE)


def ansible_playbook(collections_path, args, workdir, extra_env=None, sim=None, secrets=()):
    """Run ``ansible-playbook ARGS`` in ``workdir`` with the installed collection, a clean GitHub
    environment plus ``extra_env``, and the result-recording callback; check that no token, App
    key (given in the environment, a task or the defaults) or installation token (handed out by
    ``sim``) leaked."""
    handle, record = tempfile.mkstemp(prefix='results-', suffix='.jsonl', dir=workdir)
    os.close(handle)
    env = dict(os.environ)
    for name in ('GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_API_URL', 'GITHUB_APP_ID', 'GITHUB_APP_INSTALLATION_ID',
                 'GITHUB_APP_PRIVATE_KEY'):
        env.pop(name, None)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_CALLBACK_PLUGINS': CALLBACK_DIR,
        'ANSIBLE_CALLBACKS_ENABLED': 'record_results',
        'RECORD_RESULTS_FILE': record,
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': 'false',
        'ANSIBLE_LOCAL_TEMP': os.path.join(workdir, 'ansible-tmp'),
        'ANSIBLE_HOME': os.path.join(workdir, 'ansible-home'),
        'PYTHONWARNINGS': 'ignore',
    })
    env.update(extra_env or {})
    engine = ['-e', 'gitops_github_engine=%s' % TEST_ENGINE] if TEST_ENGINE else []
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')] + engine + list(args)
    proc = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True, timeout=600, check=False)
    results = []
    if os.path.exists(record):
        with open(record) as handle:
            results = [json.loads(line) for line in handle if line.strip()]
    run = PlaybookRun(proc.returncode, proc.stdout, proc.stderr, results)
    tokens = [env.get(name) for name in ('GITHUB_TOKEN', 'GH_TOKEN')] + installation_tokens(sim)
    assert_no_token(run, tokens + [env.get('GITHUB_APP_PRIVATE_KEY')])
    # A secret written literally into the playbook is shown by ansible-core itself when it quotes
    # the playbook's source around a failed task (2.19's numbered "Origin" excerpt); that is the
    # playbook's text, not anything the modules print, so those excerpt lines are left out.
    assert_no_token(run, list(secrets), ignore=_SOURCE_EXCERPT)
    return run


_SOURCE_EXCERPT = re.compile(r'^\s*\d+\s{2,}.*$', re.MULTILINE)


def _pieces(secret):
    """What to search for: the secret (also without surrounding whitespace); for a PEM key, each
    line of its base64 body (a key is printed wrapped, escaped or cut, never whole)."""
    if '-----BEGIN' in secret or '\\n' in secret:
        lines = secret.replace('\\n', '\n').splitlines()
        return [line.strip() for line in lines if line.strip() and not line.startswith('-----') and len(line.strip()) >= 16]
    return [secret, secret.strip()]


def assert_no_token(run, tokens, ignore=None):
    """Every integration run is also a secrets test: no token, App key or installation token in
    any output or task result (``ignore``: a pattern of output lines not searched)."""
    seen = run.stdout + run.stderr + json.dumps(run.results)
    if ignore is not None:
        seen = ignore.sub('', seen)
    for token in tokens:
        if not token or len(token.strip()) < 8:
            continue
        for piece in _pieces(token):
            if piece in seen:
                raise AssertionError('a secret leaked into the output of ansible-playbook:\n' + run.output.replace(piece, '<SECRET>'))
