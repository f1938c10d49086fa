"""Run every install recipe of the documentation as written, offline, and check that each one
installs this collection (the version galaxy.yml names) where Ansible finds it.

    python tests/ci/check_install.py [ROOT]      # ROOT: the checkout (default: the current directory)

The recipes are the code blocks of README.md ("Installing"), docs/execution-environment.md and
docs/awx.md, and the `run:` steps of the CI workflow docs/examples/membership-drift.yml:

- a YAML block holding `collections:` is a requirements file (named by its first comment line when
  that is a path, such as `# collections/requirements.yml`, else requirements.yml), written into the
  working directory, and installed with `ansible-galaxy collection install -r PATH` (as AWX and
  users do) unless the next block does that; the execution environment's requirements file (named
  `# docs/execution-environment/requirements.yml`) is installed inside the image build instead, and
  docs.sh checks it there (create_context);
- in a bash block, `cd DIR` changes the working directory and every `ansible-galaxy collection
  build` line, and every `ansible-galaxy collection install` line that names this collection or a
  requirements file, runs there with bash; anything else (pip, ansible-builder, ansible-playbook)
  is left to the checks that run it.

The working directory starts as a copy of the checkout, HOME is empty, and the repository URL
(https://github.com/gitops/github.git) is replaced by a `file://` git repository made of the
checkout (branch main), since only package registries are reachable here. After each install
command, exactly one gitops.github must be installed (in ~/.ansible/collections or the `-p`
directory), with galaxy.yml's version, and `ansible-doc` must render a module from it.
Hand-written: no tool runs the recipes of a README. Prints one line per recipe; exits 1 on any
failure."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

URL = 'https://github.com/gitops/github.git'
MARKDOWN = [('README.md', '## Installing', '### Try it on the simulator'),
            ('docs/execution-environment.md', None, None),
            ('docs/awx.md', None, None)]
WORKFLOW = 'docs/examples/membership-drift.yml'
EE_DIR = 'docs/execution-environment/'
OURS = re.compile(r'gitops[.-]github|gitops/github|\s-r\s')


def section(text, start, end):
    if start:
        if start not in text:
            raise SystemExit('no section %r' % start)
        text = text.split(start, 1)[1]
    if end:
        text = text.split(end, 1)[0]
    return text


def blocks(text):
    """(language, body) of each fenced code block, in order."""
    return re.findall(r'^```(\w*)\n(.*?)^```', text, re.S | re.M)


def recipes_of_markdown(text):
    """The steps of one document: ('file', path, text) or ('cd', dir) or ('run', line). A
    requirements file that no later `-r` line of the document installs (before the next one) is
    installed the way AWX and users do: `ansible-galaxy collection install -r PATH`."""
    steps = []
    for language, body in blocks(text):
        if steps and steps[-1][0] == 'file' and not (language in ('bash', 'console', 'sh') and ' -r ' in body):
            steps.append(('run', 'ansible-galaxy collection install -r ' + steps[-1][1]))
        if language == 'yaml':
            data = yaml.safe_load(body)
            if isinstance(data, dict) and 'collections' in data:
                first = body.lstrip().splitlines()[0]
                match = re.match(r'#\s*(\S*requirements\.ya?ml)\s*$', first)
                if match and match.group(1).startswith(EE_DIR):
                    continue  # installed in the image's build context: docs.sh's create_context runs it
                steps.append(('file', match.group(1) if match else 'requirements.yml', body))
        elif language in ('bash', 'console', 'sh'):
            steps.extend(shell_steps(body))
    if steps and steps[-1][0] == 'file':
        steps.append(('run', 'ansible-galaxy collection install -r ' + steps[-1][1]))
    return steps


def shell_steps(body):
    steps = []
    for line in body.splitlines():
        line = line.split(' #', 1)[0].strip()
        if line.startswith('$ '):
            line = line[2:]
        if line.startswith('cd '):
            steps.append(('cd', line[3:].strip()))
        elif line.startswith('ansible-galaxy collection build') or (
                line.startswith('ansible-galaxy collection install') and OURS.search(line + ' ')):
            steps.append(('run', line))
    return steps


def recipes_of_workflow(text):
    workflow = yaml.safe_load(text)
    steps = []
    for job in workflow['jobs'].values():
        for step in job['steps']:
            steps.extend(shell_steps(step.get('run', '')))
    return steps


# What a copy of a checkout that is no git work tree (tests/ci/fresh_clone.sh makes one) leaves out.
NOT_COMMITTED = {'.git', '.venv', 'venv', '.nox', '.ansible', 'collections', '__pycache__', '.pytest_cache',
                 '.ruff_cache', '.hypothesis', 'output', 'build'}


def committed_files(root):
    """The files git would commit (tracked, and untracked but not ignored), or, outside a git work
    tree, every file but the tools' leftovers."""
    inside = subprocess.run(['git', 'rev-parse', '--is-inside-work-tree'], cwd=root, capture_output=True,
                            text=True, check=False)
    if inside.returncode == 0 and inside.stdout.strip() == 'true':
        files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=root,
                               capture_output=True, check=True).stdout.split(b'\0')
        return [name for name in (f.decode() for f in files) if name and os.path.isfile(os.path.join(root, name))]
    found = []
    for top, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in NOT_COMMITTED and not d.endswith('.egg-info')]
        found += [os.path.relpath(os.path.join(top, f), root) for f in files
                  if not f.endswith(('.pyc', '.tar.gz'))]
    return found


def git_repository(root, dest):
    """A git repository (branch main) of the files git would commit in the checkout."""
    for name in committed_files(root):
        os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
        shutil.copy2(os.path.join(root, name), os.path.join(dest, name))
    git = ['git', '-c', 'user.name=ci', '-c', 'user.email=ci@localhost', '-c', 'init.defaultBranch=main']
    for args in (['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'checkout']):
        subprocess.run(git + args, cwd=dest, check=True, capture_output=True)


def installed(*places):
    """The MANIFEST.json of every installed gitops.github under the places (hidden folders too)."""
    found = []
    for place in places:
        for top, _dirs, files in os.walk(place):
            if 'MANIFEST.json' in files and top.endswith(os.path.join('ansible_collections', 'gitops', 'github')):
                found.append(os.path.join(top, 'MANIFEST.json'))
    return found


def run_recipe(name, steps, repo, version, work):
    """Run one document's steps in a fresh copy of the checkout with an empty HOME; return problems."""
    problems = []
    home = os.path.join(work, name.replace('/', '_') + '-home')
    checkout = os.path.join(work, name.replace('/', '_') + '-checkout')
    os.makedirs(home)
    shutil.copytree(repo, checkout, ignore=shutil.ignore_patterns('.git'))
    env = {'HOME': home, 'PATH': os.environ['PATH'], 'LANG': 'C.UTF-8', 'TMPDIR': work,
           'ANSIBLE_NOCOLOR': '1', 'PAGER': 'cat'}
    cwd = checkout
    ran = 0
    for step in steps:
        if step[0] == 'cd':
            cwd = os.path.normpath(os.path.join(cwd, step[1]))
            continue
        if step[0] == 'file':
            path = os.path.join(cwd, step[1])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as handle:
                handle.write(step[2].replace(URL, 'file://' + repo))
            continue
        line = step[1].replace('git+' + URL, 'git+file://' + repo).replace(URL, 'file://' + repo)
        install = ' install ' in line
        if install:
            for old in installed(home, checkout):
                shutil.rmtree(os.path.dirname(old))
        proc = subprocess.run(['bash', '-euo', 'pipefail', '-c', line], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        ran += 1
        if proc.returncode != 0:
            problems.append('%s: `%s` failed (exit %d): %s' % (name, step[1], proc.returncode,
                                                               (proc.stdout + proc.stderr).strip()[-800:]))
            continue
        if not install:
            continue
        found = installed(home, checkout)
        if len(found) != 1:
            problems.append('%s: `%s` installed gitops.github %d times: %s' % (name, step[1], len(found), found))
            continue
        with open(found[0]) as handle:
            have = json.load(handle)['collection_info']['version']
        if have != version:
            problems.append('%s: `%s` installed version %s, galaxy.yml says %s' % (name, step[1], have, version))
        collections = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(found[0]))))
        doc = subprocess.run(['ansible-doc', 'gitops.github.github_org_membership'], cwd=cwd, capture_output=True,
                             text=True, env=dict(env, ANSIBLE_COLLECTIONS_PATH=collections), check=False)
        if doc.returncode != 0:
            problems.append('%s: after `%s`, ansible-doc fails: %s' % (name, step[1], doc.stderr.strip()[-400:]))
        else:
            print('ok: %s: `%s` installs gitops.github %s' % (name, step[1], have))
    installs = sum(1 for step in steps if step[0] == 'run' and ' install ' in step[1])
    if not installs:
        problems.append('%s: no install recipe found (the checker no longer reads it?)' % name)
    return problems


def main(root):
    root = os.path.abspath(root)
    with open(os.path.join(root, 'galaxy.yml')) as handle:
        version = yaml.safe_load(handle)['version']
    work = tempfile.mkdtemp(prefix='gitops-github-install-')
    problems = []
    try:
        repo = os.path.join(work, 'repository')
        git_repository(root, repo)
        documents = []
        for path, start, end in MARKDOWN:
            with open(os.path.join(root, path)) as handle:
                documents.append((path, recipes_of_markdown(section(handle.read(), start, end))))
        with open(os.path.join(root, WORKFLOW)) as handle:
            documents.append((WORKFLOW, recipes_of_workflow(handle.read())))
        for name, steps in documents:
            problems += run_recipe(name, steps, repo, version, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for problem in problems:
        print('FAIL: ' + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else '.'))
