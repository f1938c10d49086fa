"""Check the built HTML docsite in a real browser: headless Chromium loads each module page
(file://), and its rendered DOM must hold the options table with a row for every documented
option, and the Examples section with the module's FQCN in a code block.

    python tests/ci/check_docsite.py BUILD/html ANSIBLE_DOC_JSON

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


def main(html_dir, doc_json):
    with open(doc_json) as handle:
        docs = json.load(handle)
    chromium = browser()
    problems = []
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
        print('%s: %d options, examples: %s' % (fqcn, len(data['doc'].get('options', {})),
                                                'ok' if len(examples) == 2 else 'missing'))
    for problem in problems:
        print('FAIL: ' + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
