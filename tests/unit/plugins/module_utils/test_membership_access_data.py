"""The validator's checks of the access keys (issue 20, item 5): organization_roles,
outside_collaborators, exclusive_outside_collaborators and each team's repositories and
exclusive_repositories, each problem naming its key, before any request."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.module_utils._membership_data import entry_problems

QUOTE = ': quote it in the YAML (YAML reads 0123 as the number 83 and yes/no/on/off as booleans)'


def entry(**keys):
    return dict({'org': 'acme', 'owners': ['octo'], 'members': ['alice', 'bob']}, **keys)


def test_a_valid_entry_has_no_problem():
    assert entry_problems(entry(
        organization_roles=[{'role': 'security_manager', 'users': ['alice', {'login': 'bob', 'id': 3}], 'teams': ['web'],
                             'exclusive': 'yes'}],
        outside_collaborators=['olivia', {'login': 'oscar', 'id': 9, 'repositories': {'docs': 'pull', 'api': 'auditor'}}],
        exclusive_outside_collaborators=False,
        teams=[{'team': 'web', 'repositories': {'docs': 'maintain'}, 'exclusive_repositories': True}])) == []


@pytest.mark.parametrize('keys, problem', [
    ({'organization_roles': {'role': 'x'}}, 'organization_roles must be a list of {role, users, teams, exclusive} mappings, got a mapping'),
    ({'organization_roles': ['x']}, "organization_roles[0] must be a mapping with a role key, got a str 'x'"),
    ({'organization_roles': [{'users': []}]}, "organization_roles[0].role is required (the role's name, as GitHub lists it)"),
    ({'organization_roles': [{'role': True}]}, 'organization_roles[0].role must be a string, got the boolean True' + QUOTE),
    ({'organization_roles': [{'role': 'a'}, {'role': 'A'}]},
     'organization_roles[1].role: A is listed twice (organization_roles[0].role and organization_roles[1].role; role names '
     'are case-insensitive)'),
    ({'organization_roles': [{'role': 'a', 'users': ['bob', 'BOB']}]},
     'bob and BOB are the same user (organization_roles[0] (a).users[0] and organization_roles[0] (a).users[1]; logins '
     'are case-insensitive); list them once'),
    ({'organization_roles': [{'role': 'a', 'users': [{'login': 'bob', 'expires': '2030-01-01'}]}]},
     'organization_roles[0] (a).users[0]: unknown key(s) expires (known: login, id)'),
    ({'organization_roles': [{'role': 'a', 'teams': ['web', 'Web']}]},
     'organization_roles[0] (a).teams[1]: Web is listed twice (organization_roles[0] (a).teams[0] and organization_roles[0] '
     '(a).teams[1]; slugs are case-insensitive)'),
    ({'organization_roles': [{'role': 'a', 'exclusive': 'maybe'}]},
     "organization_roles[0] (a).exclusive must be a boolean (true/false, yes/no), got 'maybe'"),
    ({'organization_roles': [{'role': 'a', 'extra': 1}]}, 'organization_roles[0]: unknown key(s) extra (known: role, users, teams, exclusive)'),
    ({'exclusive_outside_collaborators': 'perhaps'}, "exclusive_outside_collaborators must be a boolean (true/false, yes/no), got 'perhaps'"),
    ({'outside_collaborators': 'olivia'},
     "outside_collaborators must be a list of logins or {login, repositories} mappings, got a str 'olivia'"),
    ({'outside_collaborators': ['olivia', 'Olivia']},
     'outside_collaborators[1]: Olivia is listed twice (outside_collaborators[0] and outside_collaborators[1]; logins are '
     'case-insensitive)'),
    ({'outside_collaborators': [{'login': 'bob'}]},
     'outside_collaborators[0]: bob is listed in members[1]: an organization member is not an outside collaborator'),
    ({'outside_collaborators': [{'repositories': {}}]}, 'outside_collaborators[0].login is required (an outside collaborator is a GitHub user)'),
    ({'outside_collaborators': [{'login': 'o', 'id': 'x'}]}, "outside_collaborators[0].id must be GitHub's user id, a whole number, got a str 'x'"),
    ({'outside_collaborators': [{'login': 'o', 'repositories': {'docs': 'write'}}]},
     "outside_collaborators[0] (o).repositories.docs: 'write' is how GitHub reads it; write push (pull, triage, push, "
     "maintain, admin or a custom repository role's name)"),
    ({'outside_collaborators': [{'login': 'o', 'repositories': {2023: 'pull'}}]},
     'outside_collaborators[0] (o).repositories key 2023 must be a string, got the number 2023' + QUOTE),
    ({'teams': [{'team': 'web', 'repositories': ['docs']}]},
     'teams[0] (web).repositories must be a mapping of repository name to permission, got a list'),
    ({'teams': [{'team': 'web', 'repositories': {'docs': False}}]},
     'teams[0] (web).repositories.docs must be a string, got the boolean False' + QUOTE),
    ({'teams': [{'team': 'web', 'repositories': {'docs': 'pull', 'DOCS': 'push'}}]},
     'teams[0] (web).repositories.DOCS: DOCS is listed twice (teams[0] (web).repositories.docs and teams[0] '
     '(web).repositories.DOCS; repository names are case-insensitive)'),
    ({'teams': [{'team': 'web', 'repositories': {'docs': ' pull'}}]},
     "teams[0] (web).repositories.docs ' pull' is not a valid permission or custom repository role name"),
    ({'teams': [{'team': 'web', 'exclusive_repositories': 'x'}]},
     "teams[0] (web).exclusive_repositories must be a boolean (true/false, yes/no), got 'x'"),
])
def test_each_problem_names_its_key(keys, problem):
    assert entry_problems(entry(**keys)) == [problem]
