"""Write a Sphinx inventory (objects.inv format) holding the few labels of the Ansible docsite that
antsibull-docs' pages refer to, so the HTML docs build offline (no network but package registries
here) with intersphinx and -W, and the links still point at docs.ansible.com.

    python docs/docsite/make_inventory.py OUT.inv
"""

from __future__ import annotations

import sys
import zlib

# name, domain:role, priority, location (relative to the docsite root; '$' = the name), title
LABELS = [
    ('common_return_values', 'std:label', '-1', 'reference_appendices/common_return_values.html#$',
     'Return Values'),
    ('ansible_configuration_settings', 'std:label', '-1', 'reference_appendices/config.html#$',
     'Ansible Configuration Settings'),
    # antsibull-docs notes that a module has an action plugin of its name (github_org_roster).
    ('action_plugins', 'std:label', '-1', 'plugins/action.html#$', 'Action plugins'),
]


def main(path: str) -> None:
    header = ('# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n')
    body = ''.join(' '.join(entry) + '\n' for entry in LABELS)
    with open(path, 'wb') as handle:
        handle.write(header.encode() + zlib.compress(body.encode()))


if __name__ == '__main__':
    main(sys.argv[1])
