"""Validate GraphQL exchanges against GitHub's published schema (graphql-core), as contract.py does
for REST with the OpenAPI description: every query the engine sends must validate, and every
answer must fit the query's selection and the schema's types (non-null fields present, scalars and
enum values of the right kind, lists where lists are declared)."""

from __future__ import annotations

import json

import graphql
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from graphql.language import FieldNode, InlineFragmentNode, OperationDefinitionNode

from ghsim.graphql import schema

_SCALARS = {
    'String': str, 'ID': str, 'URI': str, 'DateTime': str, 'HTML': str, 'GitObjectID': str,
    'Int': int, 'Float': (int, float), 'Boolean': bool,
}


def validate_query(text, variables=None):
    """Raise AssertionError when ``text`` is not a valid query of GitHub's schema."""
    document = graphql.parse(text)
    problems = graphql.validate(schema(), document)
    assert not problems, 'GraphQL query does not validate against GitHub\'s schema: %s\n%s' % (
        '; '.join(p.message for p in problems), text)
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(ops) == 1 and ops[0].operation.value == 'query', 'only single read-only queries are sent'
    declared = set(v.variable.name.value for v in ops[0].variable_definitions or ())
    assert set(variables or {}) <= declared, 'variables sent that the query does not declare: %s' % (
        set(variables or {}) - declared)
    return document


def _check(value, gtype, selection_set, where, problems):
    if isinstance(gtype, GraphQLNonNull):
        if value is None:
            problems.append('%s is null but the schema says non-null' % where)
            return
        gtype = gtype.of_type
    if value is None:
        return
    if isinstance(gtype, GraphQLList):
        if not isinstance(value, list):
            problems.append('%s should be a list' % where)
            return
        for i, item in enumerate(value):
            _check(item, gtype.of_type, selection_set, '%s[%d]' % (where, i), problems)
        return
    if isinstance(gtype, GraphQLEnumType):
        if value not in gtype.values:
            problems.append('%s=%r is not a value of %s' % (where, value, gtype.name))
        return
    if isinstance(gtype, GraphQLScalarType):
        kind = _SCALARS.get(gtype.name, object)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append('%s=%r is not a %s' % (where, value, gtype.name))
        return
    named = get_named_type(gtype)
    if not isinstance(value, dict):
        problems.append('%s should be an object (%s)' % (where, named.name))
        return
    _fields(value, named, selection_set, where, problems)


def _fields(value, otype, selection_set, where, problems):
    for sel in selection_set.selections:
        if isinstance(sel, InlineFragmentNode):
            _fields(value, otype, sel.selection_set, where, problems)
            continue
        if not isinstance(sel, FieldNode):
            continue
        key = sel.alias.value if sel.alias else sel.name.value
        if sel.name.value == '__typename':
            continue
        field = otype.fields.get(sel.name.value) if isinstance(otype, GraphQLObjectType) else None
        if field is None:
            problems.append('%s.%s is not a field of %s' % (where, key, otype.name))
            continue
        if key not in value:
            problems.append('%s.%s is missing from the answer' % (where, key))
            continue
        _check(value[key], field.type, sel.selection_set, '%s.%s' % (where, key), problems)
    extra = set(value) - set((s.alias.value if s.alias else s.name.value) for s in selection_set.selections
                             if isinstance(s, FieldNode))
    if extra and not any(isinstance(s, InlineFragmentNode) for s in selection_set.selections):
        problems.append('%s has fields nobody asked for: %s' % (where, sorted(extra)))


def validate_answer(text, answer):
    """Raise AssertionError when ``answer`` (the JSON body) does not fit query ``text``."""
    document = graphql.parse(text)
    assert isinstance(answer, dict), 'a GraphQL answer is a JSON object'
    assert set(answer) <= {'data', 'errors', 'extensions'}, 'unknown top-level keys %s' % sorted(answer)
    errors = answer.get('errors')
    if errors is not None:
        assert isinstance(errors, list) and errors, 'errors must be a non-empty list'
        for error in errors:
            assert isinstance(error, dict) and isinstance(error.get('message'), str), 'every error has a message'
    data = answer.get('data')
    if data is None:
        assert errors, 'an answer without data has errors'
        return
    op = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)][0]
    problems = []
    _fields(data, schema().query_type, op.selection_set, 'data', problems)
    assert not problems, 'GraphQL answer does not fit GitHub\'s schema: ' + '; '.join(problems[:10])


def validate_graphql_exchange(exchange):
    """A logged simulator exchange of ``POST /graphql``: request and (200) answer."""
    body = json.loads(exchange.request_body)
    validate_query(body['query'], body.get('variables'))
    if exchange.status == 200:
        validate_answer(body['query'], exchange.json())
