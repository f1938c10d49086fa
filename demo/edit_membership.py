#!/usr/bin/env python
"""The demo's "edit the file" step, as a person would do it in an editor: in the exported
membership file of acme, add new-hire to the organization (for ten days: time-bound access) and the
platform team, promote bob to maintainer of platform, and remove carol (from the organization and
from platform-oncall, allowing that one removal there). The export writes people as
``{login, id}`` mappings (GitHub's immutable id follows renames) or plain logins; both are handled.
Usage: python demo/edit_membership.py membership.yml"""

from __future__ import annotations

import datetime
import sys

import yaml


def login_of(person):
    return (person.get('login') or person.get('email')) if isinstance(person, dict) else person


def edit(data):
    acme = next(org for org in data['membership_orgs'] if org['org'] == 'acme')
    teams = {team['team']: team for team in acme['teams']}
    until = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=10)).isoformat()
    acme['members'] = [p for p in acme['members'] if login_of(p) != 'carol'] + [{'login': 'new-hire', 'expires': until}]
    platform = teams['platform']
    platform['members'] = [p for p in platform['members'] if login_of(p) != 'bob'] + ['new-hire']
    platform['maintainers'].append('bob')
    oncall = teams['platform-oncall']
    oncall['members'] = [p for p in oncall['members'] if login_of(p) != 'carol']
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
