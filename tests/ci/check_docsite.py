"""Check the built HTML docsite in a real browser: headless Chromium loads each module page
(file://), and its rendered DOM must hold the options table with a row for every documented
option, the Examples section with the module's FQCN in a code block, and the install command of
docs/docsite/antsibull-docs.cfg (the git repository: the collection is not on Galaxy), never
`ansible-galaxy collection install gitops.github`. The site has a page for those modules and no other
(the role's internal report action is not one).

    python tests/ci/check_docsite.py BUILD/html ANSIBLE_DOC_JSON [ANTSIBULL_DOCS_CFG]

Hand-written: no tool checks rendered pages. ANSIBLE_DOC_JSON is `ansible-doc --json` of the
modules (the options to look for)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys


def browser():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit('no Chromium on PATH: apt-get install chromium')


def dom(chromium, page):
    out = subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                          '--user-data-dir=' + os.path.join(os.path.dirname(page), '.chromium'),
                          '--dump-dom', 'file://' + page],
                         capture_output=True, text=True, timeout=120, check=False)
    return out.stdout


def anchor(text):
    return re.sub(r'[^a-z0-9]+', '-', text.lower()).strip('-')


def install_command(cfg):
    """The ``gitops.github`` entry of ``collection_install`` in an antsibull-docs config file."""
    with open(cfg) as handle:
        text = handle.read()
    block = re.search(r'^collection_install\s*=\s*\{(.*?)^\}', text, re.S | re.M)
    entry = block and re.search(r'^\s*"?gitops\.github"?\s*=\s*"?([^"\n]+)"?\s*$', block.group(1), re.M)
    if not entry:
        raise SystemExit('%s: no collection_install entry for gitops.github' % cfg)
    return entry.group(1).strip()


def shown_text(html):
    """The words of a page as a reader sees them (tags dropped, whitespace collapsed)."""
    return ' '.join(re.sub(r'<[^>]+>', ' ', html).split())


def main(html_dir, doc_json, cfg=None):
    with open(doc_json) as handle:
        docs = json.load(handle)
    chromium = browser()
    problems = []
    install = install_command(cfg) if cfg else None
    pages = sorted(name[:-len('_module.html')] for name in os.listdir(html_dir) if name.endswith('_module.html'))
    wanted = sorted(fqcn.rsplit('.', 1)[1] for fqcn in docs)
    if pages != wanted:
        problems.append('module pages %s, want one per module: %s' % (pages, wanted))
    for fqcn, data in sorted(docs.items()):
        module = fqcn.rsplit('.', 1)[1]
        page = os.path.abspath(os.path.join(html_dir, '%s_module.html' % module))
        if not os.path.exists(page):
            problems.append('%s: no page %s' % (fqcn, page))
            continue
        text = dom(chromium, page)
        if 'ansible-option-table' not in text:
            problems.append('%s: no options table in the rendered page' % fqcn)
        prefix = 'ansible-collections-gitops-github-%s-module-parameter-' % anchor(module)
        for option in data['doc'].get('options', {}):
            if 'id="%s%s"' % (prefix, anchor(option)) not in text:
                problems.append('%s: option %s has no row in the options table' % (fqcn, option))
        examples = text.split('id="examples"', 1)
        if len(examples) < 2:
            problems.append('%s: no Examples section' % fqcn)
        elif not re.search(r'<pre[^>]*>.*?%s' % re.escape(fqcn).replace(r'\.', r'(?:<[^>]+>)*\.(?:<[^>]+>)*'),
                           examples[1], re.S):
            problems.append('%s: the Examples section shows no %s task' % (fqcn, fqcn))
        if install:
            words = shown_text(text)
            if install not in words:
                problems.append('%s: the page does not say to install it with %r' % (fqcn, install))
            if 'ansible-galaxy collection install gitops.github' in words:
                problems.append('%s: the page says to install it from Galaxy, where it is not' % fqcn)
        print('%s: %d options, examples: %s' % (fqcn, len(data['doc'].get('options', {})),
                                                'ok' if len(examples) == 2 else 'missing'))
    for problem in problems:
        print('FAIL: ' + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:4]))
