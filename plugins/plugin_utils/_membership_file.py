# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller-side reader of a membership file (``membership_file``, issue 21): the path of a
YAML (or JSON) file defining ``membership_orgs``, the role's list of organization entries.

Contract of :func:`load_membership_file`:

* **Input.** ``path`` (relative paths resolve against the DataLoader's base directory, as
  ``include_vars`` does), an Ansible ``DataLoader`` (the caller's, so the vault secrets of the run
  apply; a new one without secrets when not given), ``max_bytes`` (default 64 MiB) and
  ``max_nodes`` (default 2,000,000). The file must be one YAML document whose top level is a
  mapping holding ``membership_orgs``, a list of mappings. Other top-level keys are not read.
* **Vault.** The file is read through ``DataLoader.get_text_file_contents`` (or its older private
  form), so a wholly vault-encrypted file is decrypted with the run's secrets; ``!vault`` values are
  decrypted with the same DataLoader's ``VaultLib`` (its ``_vault``, which
  ``DataLoader.set_vault_secrets`` fills), eagerly; ``!unsafe`` scalars are plain strings (the
  engine never templates what it reads).
* **Output.** The list ``membership_orgs`` as plain Python data: exactly what ``yaml.safe_load``
  would build (``dict``, ``list``, ``str``, ``int``, ``bool``, ``None``, ``datetime.date``...),
  never Ansible's tagged or unsafe strings. The data is parsed by PyYAML's C parser when libyaml is
  there (the pure Python one otherwise) and constructed by ``yaml.SafeConstructor``, never by
  Ansible's constructor, so 11,000 logins cost what a plain script pays for them and never become
  Ansible variables. Nodes that the file shares through an alias are shared in the result too
  (as PyYAML builds them): treat the result as read-only.
* **Refusals**, each a :class:`MembershipFileError` whose message names the file and what was
  refused. The size is checked before reading; aliases and keys in one walk of the composed node
  graph before any Python object is built (each node object once, however many aliases point at
  it: time and memory linear in the file, which ``max_bytes`` bounds); the shape last:

  - a file larger than ``max_bytes`` (checked on disk before reading, and after decryption);
  - a document that expands to more than ``max_nodes`` nodes when every alias is counted as the
    whole of what it points to (a YAML alias bomb, "billion laughs", and its merge-key cousin); an
    alias that contains itself;
  - a duplicate key in a mapping (the key, its line and the line of the first one);
  - a mapping key that is not a plain string (``123``, ``yes``, ``~``, a date, a list: quote it);
  - a top level that is not a mapping, a missing ``membership_orgs``, one that is not a list, or an
    entry of it that is not a mapping;
  - YAML syntax errors, unknown tags, several documents, an undecryptable vault (the parser's or
    vault's own words, with the file name).

The engine's data check (logins, roles, keys of the entries) stays the engine's: this reader checks
only what no later check could see (sizes, aliases, duplicate keys, which a dict has already
merged) or what the rest depends on (the shape of the top level).
"""

from __future__ import annotations

import gc
import os
import stat

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.parsing.dataloader import DataLoader

try:
    from yaml.cyaml import CParser as _FastParser
    HAS_LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    HAS_LIBYAML = False

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# A 100,000-member x 6,000-team file is about 300,000 nodes: the default leaves room for several
# times that, and refuses an alias bomb long before it costs memory.
DEFAULT_MAX_NODES = 2000000

_STR = 'tag:yaml.org,2002:str'
_MERGE = 'tag:yaml.org,2002:merge'
_KEY_TYPES = {'tag:yaml.org,2002:int': 'an integer', 'tag:yaml.org,2002:float': 'a number',
              'tag:yaml.org,2002:bool': 'a boolean', 'tag:yaml.org,2002:null': 'null',
              'tag:yaml.org,2002:timestamp': 'a date'}


class MembershipFileError(AnsibleError):
    """A membership file that cannot be read or is refused; the message names the file."""


class _Refused(Exception):
    """What the node walk refuses."""


def _line(node):
    return node.start_mark.line + 1


class _Constructor(SafeConstructor):
    """``yaml.SafeConstructor`` (plain Python data) plus Ansible's ``!vault`` and ``!unsafe`` tags."""

    vault = None  # the DataLoader's VaultLib, set on each loader

    def construct_vault(self, node):
        if not isinstance(node, ScalarNode):
            raise ConstructorError(None, None, 'the !vault tag needs a string', node.start_mark)
        ciphertext = self.construct_scalar(node)
        try:
            return to_text(self.vault.decrypt(ciphertext), errors='surrogate_or_strict')
        except Exception as exc:  # AnsibleVaultError and its kin: no secret, wrong secret, bad data
            raise ConstructorError(None, None, 'the !vault value could not be decrypted: %s' % to_text(exc).splitlines()[0],
                                   node.start_mark) from None

    def construct_unsafe(self, node):
        if not isinstance(node, ScalarNode):
            raise ConstructorError(None, None, 'the !unsafe tag is read here on strings only', node.start_mark)
        return self.construct_scalar(node)


_Constructor.add_constructor('!vault', _Constructor.construct_vault)
_Constructor.add_constructor('!vault-encrypted', _Constructor.construct_vault)
_Constructor.add_constructor('!unsafe', _Constructor.construct_unsafe)


class _PyLoader(Reader, Scanner, Parser, Composer, _Constructor, Resolver):
    """The pure Python parser: where PyYAML was built without libyaml."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Constructor.__init__(self)
        Resolver.__init__(self)


if HAS_LIBYAML:
    class _CLoader(_FastParser, _Constructor, Resolver):
        """libyaml's parser and composer (as ``yaml.CSafeLoader``), our constructor."""

        def __init__(self, stream):
            _FastParser.__init__(self, stream)
            _Constructor.__init__(self)
            Resolver.__init__(self)

    _Loader = _CLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _PyLoader


def _collections(node):
    """The sequence and mapping nodes directly under a collection node (keys are scalars, checked)."""
    if isinstance(node, SequenceNode):
        return [child for child in node.value if not isinstance(child, ScalarNode)]
    return [value for _key, value in node.value if not isinstance(value, ScalarNode)]


def _check_keys(node):
    """Refuse a non-string or duplicate key among the mapping's own keys (merged ones may repeat)."""
    seen = {}
    for key, _value in node.value:
        if isinstance(key, ScalarNode) and key.tag == _MERGE:
            continue
        if not isinstance(key, ScalarNode) or key.tag != _STR:
            what = _KEY_TYPES.get(key.tag, 'a %s' % key.tag) if isinstance(key, ScalarNode) else 'a collection'
            shown = key.value if isinstance(key, ScalarNode) else '...'
            raise _Refused('the key %r on line %d is %s, not a string (quote it)' % (shown, _line(key), what))
        if key.value in seen:
            raise _Refused('the key %r on line %d repeats the one on line %d' % (key.value, _line(key), seen[key.value]))
        seen[key.value] = _line(key)


def check_nodes(root, max_nodes):
    """Walk the composed node graph once (each node object once, however many aliases point at it),
    checking every mapping's keys and that the document, with every alias counted as the whole of
    what it points to, has at most ``max_nodes`` nodes. Returns that expanded count."""
    if isinstance(root, ScalarNode):
        return 1
    size = {}  # id(collection node) -> its expanded node count, once walked
    opened = set()  # the collections being walked: those on the path from the root to the top of the stack
    stack = [root]
    while stack:
        node = stack[-1]
        key = id(node)
        if key in size:
            stack.pop()
            continue
        if key not in opened:
            if isinstance(node, MappingNode):
                _check_keys(node)
            opened.add(key)
            pending = [child for child in _collections(node) if id(child) not in size]
            for child in pending:
                if id(child) in opened:
                    raise _Refused('the alias on line %d contains itself' % _line(node))
            if pending:
                stack.extend(pending)
                continue
        collections = _collections(node)
        scalars = (2 * len(node.value) if isinstance(node, MappingNode) else len(node.value)) - len(collections)
        total = 1 + scalars + sum(size[id(child)] for child in collections)
        if total > max_nodes:
            raise _Refused('the document expands through YAML aliases to more than %d nodes (max_nodes) under line %d: '
                           'refused as an alias bomb' % (max_nodes, _line(node)))
        size[key] = total
        opened.discard(key)
        stack.pop()
    return size[id(root)]


def _read(loader, path):
    """The file's bytes, decrypted if the whole file is vaulted, through the DataLoader."""
    if hasattr(loader, 'get_text_file_contents'):  # ansible-core 2.19+
        # encode() gives exact bytes: the C parser wants no str subclass (2.19 tags the text).
        return loader.get_text_file_contents(path).encode('utf-8', 'surrogateescape')
    data, _show = loader._get_file_contents(path)  # ansible-core 2.16-2.18
    return bytes(data)


def _compose(data, vault):
    parser = _Loader(data)  # looked up at each call: the tests run both parsers
    parser.vault = vault  # the DataLoader's VaultLib, holding the run's secrets (DataLoader.set_vault_secrets)
    try:
        return parser, parser.get_single_node()
    except BaseException:
        parser.dispose()
        raise


def _parse(data, vault, max_nodes, fail):
    parser, root = _compose(data, vault)
    try:
        if root is None:
            raise fail('is empty: it must be a mapping with membership_orgs')
        check_nodes(root, max_nodes)
        try:
            return parser.construct_document(root)
        except (ValueError, OverflowError) as exc:
            # An unquoted value YAML reads as a date or a number that cannot be one (2026-02-30, an
            # integer of thousands of digits): named by its line, not a bare "day is out of range".
            raise fail('%s (%s): quote it if it is text' % (_where_unreadable(parser, root), exc)) from None
    finally:
        parser.dispose()


def _where_unreadable(parser, root):
    """``line N`` of the first scalar of ``root`` whose value cannot be built, or ``a value``."""
    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                parser.construct_object(node)
            except (ValueError, OverflowError):
                return 'the value at line %d' % (node.start_mark.line + 1)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                todo.extend((value, key))
    return 'a value'


def load_membership_file(path, loader=None, max_bytes=DEFAULT_MAX_BYTES, max_nodes=DEFAULT_MAX_NODES):
    """The ``membership_orgs`` list of the membership file at ``path``, as plain Python data.
    Raises :class:`MembershipFileError` (see the module's documentation for what it refuses)."""
    loader = loader or DataLoader()
    full = loader.path_dwim(path)

    def fail(message):
        return MembershipFileError('membership_file %s: %s' % (path, message))

    try:
        found = os.stat(full)
    except OSError as exc:
        raise fail('cannot be read: %s' % (exc.strerror or exc)) from None
    if not stat.S_ISREG(found.st_mode):
        # A device such as /dev/zero (also behind a link) has no size and never ends.
        raise fail('is not a regular file')
    on_disk = found.st_size
    if on_disk > max_bytes:
        raise fail('is %d bytes, more than the limit of %d (max_bytes)' % (on_disk, max_bytes))
    try:
        data = _read(loader, full)
    except AnsibleError as exc:
        raise fail('cannot be read: %s' % to_text(exc.message if hasattr(exc, 'message') else exc).splitlines()[0]) from None
    if len(data) > max_bytes:
        raise fail('decrypts to %d bytes, more than the limit of %d (max_bytes)' % (len(data), max_bytes))

    # The cyclic garbage collector would walk the growing heap again and again while hundreds of
    # thousands of nodes and objects are built (2.5x the time at 100,000 x 6,000); nothing built
    # here is cyclic (an alias that contains itself is refused), so it pauses meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = _parse(data, loader._vault, max_nodes, fail)
    except _Refused as exc:
        raise fail(str(exc)) from None
    except yaml.YAMLError as exc:
        # The parser names the stream "<byte string>": the file is named at the front already.
        raise fail('is not valid YAML: %s' % ' '.join(str(exc).replace(' in "<byte string>",', ' at').split())) from None
    except RecursionError:
        raise fail('is nested too deeply') from None
    finally:
        if collecting:
            gc.enable()
    return _membership_orgs(document, fail)


def _membership_orgs(document, fail):
    if not isinstance(document, dict):
        raise fail('must be a mapping with membership_orgs, not %s' % type(document).__name__)
    if 'membership_orgs' not in document:
        raise fail('defines no membership_orgs (its keys: %s)' % (', '.join(sorted(document)) or 'none'))
    orgs = document['membership_orgs']
    if not isinstance(orgs, list):
        raise fail('membership_orgs must be a list of organizations, not %s' % type(orgs).__name__)
    for index, entry in enumerate(orgs):
        if not isinstance(entry, dict):
            raise fail('membership_orgs[%d] must be a mapping, not %s' % (index, type(entry).__name__))
    return orgs
