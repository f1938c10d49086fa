"""_plan_org, teams themselves (issue 18): deletions and their guard on the planned tree,
identifiers compared as GitHub compares them, teams the organization API cannot change, the
secret-team rule, non-ASCII names, and what a run cut short after creating a team leaves."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, Entry
from ansible_collections.gitops.github.plugins.module_utils._org_guards import guard_problems
from ansible_collections.gitops.github.plugins.module_utils._membership_data import team_identifier_problems
from ansible_collections.gitops.github.plugins.module_utils._names import team_slug_of, undocumented_letters
from ansible_collections.gitops.github.plugins.module_utils._org_input import (
    Roster,
    TeamWanted,
    roster_from_params,
)
from ansible_collections.gitops.github.plugins.module_utils._org_predict import execute
from ansible_collections.gitops.github.plugins.module_utils._org_report import report
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState
from ansible_collections.gitops.github.plugins.module_utils._plan import TEAM_SETTINGS
from ansible_collections.gitops.github.plugins.module_utils._plan_org import plan_roster


def member(login, role='member'):
    return Entry(login, role, ACTIVE)


def state_of(*teams):
    members = {'root': member('root', 'admin'), 'alice': member('alice'), 'bob': member('bob')}
    return OrgState('acme', members, dict((t.key, t) for t in teams))


def team(slug, parent=None, privacy='closed', members=(), enterprise=False):
    return TeamState(slug, None, parent, slug, None, privacy, dict((m.lower(), member(m)) for m in members),
                     enterprise=enterprise)


def roster(teams, **params):
    params = dict(params, org='acme', teams=teams)
    result, problems = roster_from_params(params)
    assert problems == []
    return result


def definitions(plan):
    return [(w.action, w.team, w.change.slug) for w in plan.writes if w.scope == TEAM_SETTINGS]


# --------------------------------------------------------------------------- class 1


@pytest.mark.parametrize('listed, below', [
    ([{'team': 'kept', 'parent': 'old'}], 'kept'),                      # moved under the unlisted team
    ([{'team': 'kept'}, {'team': 'new', 'parent': 'old'}], 'new'),      # created under it
    ([{'team': 'infra', 'previously': ['old-child']}, {'team': 'kept'}], 'infra'),  # renamed, still under it
])
def test_no_deletion_takes_a_team_the_file_lists(listed, below):
    state = state_of(team('old'), team('old-child', 'old'), team('kept'))
    plan = plan_roster(state, roster(listed, delete_unlisted_teams=True, max_removals=10), own_login='root')
    assert [p for p in plan.problems if p.startswith('team old is not listed, but deleting it would delete the '
                                                     'listed team(s) below it (%s' % below)], plan.problems
    assert not [w for w in plan.writes if w.action == 'delete' and w.team == 'old']


def test_a_deletion_names_the_teams_deleted_with_it_and_the_guard_counts_them():
    state = state_of(team('old'), team('old-child', 'old'), team('old-grandchild', 'old-child'), team('kept'))
    wanted = roster([{'team': 'kept'}], delete_unlisted_teams=True, max_removals=2)
    plan = plan_roster(state, wanted, own_login='root')
    assert plan.problems == []
    deletions = [w for w in plan.writes if w.action == 'delete']
    assert [(w.team, w.change.cascade) for w in deletions] == [('old', ['old-child', 'old-grandchild'])]
    assert guard_problems(plan, 'root') == [
        'Refusing to delete 3 of the 4 teams of acme (delete_unlisted_teams): max_removals=2 allows 2. '
        'List the teams to keep, or raise max_removals if you mean it']
    done, after = execute(plan, lambda write: None)
    assert report(plan, done, after)['org']['deleted_teams'] == ['old', 'old-child', 'old-grandchild']
    assert sorted(after.teams) == ['kept']


def test_an_entry_without_teams_deletes_nothing_and_reports_the_teams_unlisted():
    state = state_of(team('old'), team('other'))
    plan = plan_roster(state, roster([], delete_unlisted_teams=True, max_removals=10), own_login='root')
    assert [w for w in plan.writes if w.action == 'delete'] == []
    result = report(plan, [], state)
    assert result['org']['unlisted_teams'] == ['old', 'other']
    assert result['org']['deleted_teams'] == []
    assert 'delete_unlisted_teams is set but the entry lists no teams: no team of acme is deleted' in \
        result['org']['problems']


# --------------------------------------------------------------------------- class 3


@pytest.mark.parametrize('entries, expected', [
    ([{'team': 'core'}, {'team': 'Core'}], ['teams[1].team: Core is listed twice (teams[0] and teams[1]; slugs are case-insensitive)']),
    ([{'team': 'a', 'previously': ['old']}, {'team': 'b', 'previously': ['OLD']}],
     ['teams[1] (b).previously: former slug OLD is also claimed by teams[0] (a)']),
    ([{'team': 'a'}, {'team': 'b', 'previously': ['A']}], ['teams[1] (b).previously: former slug A is the slug of teams[0] (a)']),
    ([{'team': 'my-team-name'}, {'team': 'other', 'name': 'My TEam Näme'}],
     ['teams[1] (other).name: My TEam Näme gives the slug my-team-name, the slug of teams[0] (my-team-name)']),
    ([{'team': 'a', 'previously': ['old', 'Old', 'a']}], []),  # the same claim twice in one entry, or its own slug
])
def test_team_identifiers_are_compared_as_github_compares_them(entries, expected):
    assert team_identifier_problems(entries) == expected
    _roster, problems = roster_from_params({'org': 'acme', 'teams': entries})
    assert problems == expected


def test_the_planner_refuses_a_former_slug_claimed_twice_instead_of_crashing():
    # roster_from_params refuses it first; a Roster built another way must not crash the planner.
    state = state_of(team('old'))
    teams = [TeamWanted('a', {}, previously=['old']), TeamWanted('b', {}, previously=['old'])]
    plan = plan_roster(state, Roster('acme', teams=teams), own_login='root')
    assert 'team b: its former slug old is claimed by team a too' in plan.problems


def test_github_slugs_of_names():
    assert team_slug_of('My TEam Näme') == 'my-team-name'  # GitHub's own example ("Get a team by name")
    assert team_slug_of('Platform On-call') == 'platform-on-call'
    assert team_slug_of('a_b  c') == 'a_b-c'
    assert undocumented_letters('Straße 東京') == ['ß', '東', '京']
    assert undocumented_letters('My TEam Näme') == []


def test_a_name_whose_slug_github_does_not_document_is_refused():
    plan = plan_roster(state_of(), roster([{'team': 'strasse', 'name': 'Straße'}]), own_login='root')
    assert any('GitHub does not document the slug it derives from ß' in p for p in plan.problems)


# --------------------------------------------------------------------------- class 7


def test_enterprise_teams_are_never_written_deleted_nor_reported_unlisted():
    ent = team('ent', members=['bob'], enterprise=True)
    state = state_of(ent, team('ent-all', enterprise=True), team('kept'))
    wanted = roster([{'team': 'kept'}, {'team': 'ent', 'description': 'x', 'members': ['alice'], 'exclusive': True}],
                    delete_unlisted_teams=True, max_removals=10)
    plan = plan_roster(state, wanted, own_login='root')
    assert plan.problems == [] and plan.writes == []
    tplan = plan.teams['ent']
    assert tplan.managed_externally is True
    assert [(w.scope, w.action) for w in tplan.withheld] == [
        ('team_settings', 'update'), ('team', 'add'), ('team', 'remove')]
    assert report(plan, [], state)['org']['unlisted_teams'] == []


def test_a_team_managed_externally_gets_no_write_of_any_kind():
    state = state_of(team('synced', members=['alice']), team('old'))
    wanted = roster([{'team': 'synced', 'managed_externally': True, 'description': 'x', 'members': ['alice']},
                     {'team': 'absent', 'managed_externally': True},
                     {'team': 'renamed', 'managed_externally': True, 'previously': ['old']}])
    plan = plan_roster(state, wanted, own_login='root')
    assert plan.writes == []
    assert 'team absent is managed externally: it is not created here; do it where the team is managed' in plan.problems
    assert 'team renamed is managed externally: it is not renamed from old here; do it where the team is managed' \
        in plan.problems
    assert plan.teams['synced'].problems == ['team synced is managed externally: not updating its settings (description)']


def test_secret_teams_have_no_parent_and_no_children_on_the_planned_tree():
    state = state_of(team('vault', privacy='secret'), team('platform'))
    cases = [
        ([{'team': 'web', 'privacy': 'secret', 'parent': 'platform'}], 'team web: a secret team cannot have a parent'),
        ([{'team': 'vault-ops', 'parent': 'vault'}], 'team vault is secret and cannot have child teams (vault-ops)'),
        ([{'team': 'platform', 'privacy': 'secret'}, {'team': 'web', 'parent': 'platform'}],
         'team platform is secret and cannot have child teams (web)'),
    ]
    for listed, expected in cases:
        plan = plan_roster(state, roster(listed), own_login='root')
        assert [p for p in plan.problems if p.startswith(expected)], plan.problems
    # Made closed first, the same parent may take a child: the parent's update comes first.
    plan = plan_roster(state, roster([{'team': 'web', 'parent': 'vault'}, {'team': 'vault', 'privacy': 'closed'}]),
                       own_login='root')
    assert plan.problems == []
    assert definitions(plan) == [('update', 'vault', 'vault'), ('create', 'web', 'web')]


def test_a_new_team_the_plan_gives_children_is_created_closed():
    plan = plan_roster(state_of(), roster([{'team': 'web-oncall', 'parent': 'web'}, {'team': 'web'}]), own_login='root')
    assert plan.problems == []
    creates = [(w.team, w.change.settings) for w in plan.writes if w.action == 'create']
    assert creates == [('web', {'name': 'web', 'privacy': 'closed'}), ('web-oncall', {'name': 'web-oncall', 'parent': 'web'})]
    # A new team without children keeps GitHub's default (the key is not sent).
    plan = plan_roster(state_of(), roster([{'team': 'solo'}]), own_login='root')
    assert [w.change.settings for w in plan.writes if w.action == 'create'] == [{'name': 'solo'}]


# --------------------------------------------------------------------------- class 9


def test_the_token_user_left_in_a_team_by_a_cut_short_run_is_named():
    state = state_of(team('web', members=['alice']))
    state.teams['web'].members['root'] = member('root', 'maintainer')
    plan = plan_roster(state, roster([{'team': 'web', 'members': ['alice']}]), own_login='root')
    assert plan.writes == []
    assert plan.teams['web'].creator_left == 'root'
    section = report(plan, [], state)['teams']['web']
    assert section['creator_left'] == 'root'
    assert any('a run cut short after creating the team leaves them so' in p for p in section['problems'])


@pytest.mark.parametrize('listed, own', [
    ([{'team': 'web', 'maintainers': ['root']}], 'root'),   # listed there
    ([{'team': 'web'}], None),                              # a GitHub App: no user of its own
    ([{'team': 'new'}], 'root'),                            # created in this run: the run undoes it
])
def test_the_token_user_is_not_named_when_listed_unknown_or_just_created(listed, own):
    state = state_of(team('web'))
    state.teams['web'].members['root'] = member('root', 'maintainer')
    plan = plan_roster(state, roster(listed), own_login=own)
    assert all(t.creator_left is None for t in plan.teams.values())


def test_an_exclusive_organization_keeps_the_members_an_enterprise_team_grants():
    state = state_of(team('ent', members=['bob'], enterprise=True))
    wanted, problems = roster_from_params({'org': 'acme', 'owners': ['root'], 'members': [], 'exclusive': True,
                                           'max_removals': 5})
    assert problems == []
    plan = plan_roster(state, wanted, own_login='root')
    assert [(w.action, w.login) for w in plan.writes] == [('remove', 'alice')]
    assert plan.enterprise_kept == [('bob', 'ent')]
    assert any(p.startswith('bob is a member of the enterprise team ent') for p in report(plan, [], state)['org']['problems'])


@pytest.mark.parametrize('entries, expected', [
    # The team is named as its own parent by the slug it is renamed from (property finding F2).
    ([{'team': 'core-2', 'previously': ['core'], 'parent': 'core'}],
     'teams[0] (core-2).parent: core is its own former slug (previously): a team cannot be its own parent'),
    # Another team names the renamed team by its old slug (property finding F5): it would never converge.
    ([{'team': 'core-2', 'previously': ['Core']}, {'team': 'api', 'parent': 'CORE'}],
     'teams[1] (api).parent: CORE is a former slug of teams[0] (core-2) (previously): name the parent by its new slug core-2'),
])
def test_a_parent_named_by_a_slug_the_file_renames_away_fails_before_any_request(entries, expected):
    _roster, problems = roster_from_params({'org': 'acme', 'teams': entries})
    assert expected in problems


def test_the_reader_is_asked_for_a_renamed_teams_invitations_under_its_old_slug_too():
    from ansible_collections.gitops.github.plugins.module_utils._org_input import listed_team_slugs
    roster, problems = roster_from_params({'org': 'acme', 'teams': [
        {'team': 'web-2', 'previously': ['web'], 'exclusive': True, 'members': ['gus']}, {'team': 'ops'}]})
    assert problems == []
    assert listed_team_slugs(roster) == [('web-2', True, ['gus']), ('web', True, ['gus']), ('ops', False, [])]
