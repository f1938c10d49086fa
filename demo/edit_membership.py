#!/usr/bin/env python
"""The demo's "edit the file" step, as a person would do it in an editor: in the exported
membership file of acme, add new-hire to the organization and the platform team, promote bob to
maintainer of platform, and remove carol (from the organization and from platform-oncall, allowing
that one removal there). Usage: python demo/edit_membership.py membership.yml"""

from __future__ import annotations

import sys

import yaml


def edit(data):
    acme = next(org for org in data['membership_orgs'] if org['org'] == 'acme')
    teams = {team['team']: team for team in acme['teams']}
    acme['members'] = [login for login in acme['members'] if login != 'carol'] + ['new-hire']
    platform = teams['platform']
    platform['members'] = [login for login in platform['members'] if login != 'bob'] + ['new-hire']
    platform['maintainers'].append('bob')
    oncall = teams['platform-oncall']
    oncall['members'] = [login for login in oncall['members'] if login != 'carol']
    oncall['max_removals'] = 1  # the team has one member: 25% of 1 would allow no removal
    return data


def main(path):
    with open(path) as handle:
        data = yaml.safe_load(handle)
    with open(path, 'w') as handle:
        handle.write('---\n')
        yaml.safe_dump(edit(data), handle, sort_keys=False)


if __name__ == '__main__':
    main(sys.argv[1])
