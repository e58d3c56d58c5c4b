"""Every user-facing key exists in zh_CN and en, with the same placeholders.

Keys are collected from the code, not listed by hand, so a feature that adds a module or a
catalog file is covered without touching this test: literal `t("...")` / `ctx.t("...")`
calls (and `t(a if c else b)`), `UserError("...")` and its subclasses, the help line
`cmd.<name>` of every registered command, and the keys built from enums (roles, invite
problems, dealer statuses).
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from domain.catalog.model import DealerStatus, ManagerRole
from domain.identity.actors import InviteProblem
from handlers.core.i18n import LOCALES_DIR, SUPPORTED, catalog
from tests.support import ROUTER

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("handlers", "bot")
TRANSLATE_NAMES = {"t", "tr", "_t", "translate"}


@dataclass(frozen=True)
class Use:
    key: str
    where: str
    params: frozenset[str] | None  # keyword arguments given; None when **kwargs is passed


def sources() -> Iterator[tuple[Path, ast.Module]]:
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _literals(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def error_classes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """UserError and every class that (transitively) derives from it, by name."""
    names = {"UserError"}
    grew = True
    while grew:
        grew = False
        for _, tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in names
                    and any(_name(b) in names for b in node.bases)
                ):
                    names.add(node.name)
                    grew = True
    return names


def key_uses() -> tuple[list[Use], list[tuple[str, str]]]:
    """Literal key uses, and (static prefix, where) of keys built with f-strings."""
    trees = list(sources())
    errors = error_classes(trees)
    uses: list[Use] = []
    prefixes: list[tuple[str, str]] = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _name(node.func)
            if name not in TRANSLATE_NAMES and name not in errors:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            has_star = any(k.arg is None for k in node.keywords)
            params = None if has_star else frozenset(k.arg for k in node.keywords if k.arg)
            first = node.args[0]
            for key in _literals(first):
                uses.append(Use(key, where, params))
            if isinstance(first, ast.JoinedStr) and first.values:
                head = first.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    prefixes.append((head.value, where))
    return uses, prefixes


def derived_keys() -> set[str]:

    keys = {
        c.help_key for c in ROUTER.commands.values() if c.func.__module__.startswith("handlers")
    }
    keys |= {f"role.{r.value}" for r in ManagerRole}
    keys |= {f"start.{p.value}" for p in InviteProblem}
    keys |= {f"people.status.{s.value}" for s in DealerStatus}
    return keys


def placeholders(text: str) -> set[str]:
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def po_files(locale: str) -> dict[str, set[str]]:
    files = {}
    for path in sorted((LOCALES_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            files[path.stem] = {str(m.id) for m in read_po(fh, locale=locale) if m.id}
    return files


def test_the_code_uses_keys_found_in_both_languages():
    uses, _ = key_uses()
    assert len(uses) > 30, "the scan found too few keys; is it still reading the code?"
    missing = [
        f"{u.where}: {u.key} (missing in {locale})"
        for u in uses
        for locale in SUPPORTED
        if u.key not in catalog(locale)
    ]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("key", sorted(derived_keys()))
def test_keys_built_from_commands_and_enums_exist_in_both_languages(key):
    missing = [locale for locale in SUPPORTED if key not in catalog(locale)]
    assert not missing, f"{key} missing in {missing}"


def test_keys_built_with_f_strings_have_a_known_prefix():
    _, prefixes = key_uses()
    keys = set(catalog("zh_CN"))
    unknown = [f"{where}: {p!r}" for p, where in prefixes if not any(k.startswith(p) for k in keys)]
    assert not unknown, "\n".join(unknown)


def test_every_catalog_file_exists_in_both_languages_with_the_same_keys():
    zh, en = po_files("zh_CN"), po_files("en")
    assert set(zh) == set(en), "a feature's .po file exists in one language only"
    for feature in zh:
        only_zh, only_en = zh[feature] - en[feature], en[feature] - zh[feature]
        assert not only_zh and not only_en, f"{feature}.po: zh only {only_zh}, en only {only_en}"


def test_no_key_is_defined_in_two_feature_files():
    seen: dict[str, str] = {}
    clashes = []
    for feature, keys in po_files("zh_CN").items():
        for key in keys:
            if key in seen:
                clashes.append(f"{key} in {seen[key]}.po and {feature}.po")
            seen[key] = feature
    assert not clashes, "\n".join(clashes)


def test_translations_are_not_empty_and_placeholders_match():
    zh, en = catalog("zh_CN"), catalog("en")
    assert set(zh) == set(en)
    problems = [
        f"{key}: zh {sorted(placeholders(zh[key]))} vs en {sorted(placeholders(en[key]))}"
        for key in zh
        if placeholders(zh[key]) != placeholders(en[key])
    ]
    assert not problems, "\n".join(problems)


def test_every_placeholder_of_a_literal_key_is_passed_by_its_caller():
    uses, _ = key_uses()
    zh = catalog("zh_CN")
    unfilled = [
        f"{u.where}: {u.key} needs {sorted(placeholders(zh[u.key]) - u.params)}"
        for u in uses
        if u.key in zh and u.params is not None and placeholders(zh[u.key]) - u.params
    ]
    assert not unfilled, "\n".join(unfilled)
