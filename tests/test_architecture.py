"""The layers hold: the core imports no sub-app, and no django_llmshop modules import in a circle.

Imports are read statically with ``ast`` (docs/architecture.md describes the layers).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import django_llmshop

PACKAGE = Path(django_llmshop.__file__).resolve().parent
ROOT = "django_llmshop"
SUB_APPS = ("content", "support", "recommend", "dashboard")
#: Integrations with shop frameworks (``contrib/<framework>``): an outer layer that, like a
#: shop's own code, may use the sub-apps; nothing else in the package imports it.
OUTER = ("contrib",)

#: Modules of 300 lines or more known today, being split; the list is to be emptied.
KNOWN_LONG: set[str] = set()
MAX_LINES = 300

#: Module-level import circles known today, each as its sorted members. Being removed: an entry
#: whose circle is gone fails the test below, so this list only ever shrinks. Keep it empty.
KNOWN_CIRCLES: set[tuple[str, ...]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


MODULES = package_modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run when the module is imported: its body, top-level ifs and trys."""
    for node in body:
        if isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)
        else:
            yield node


def _targets(node: ast.stmt, name: str, is_package: bool) -> Iterator[str]:
    """The django_llmshop modules an import statement loads."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = name.split(".")
            anchor = anchor if is_package else anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base


def imports_in(source: str, name: str, *, is_package: bool, module_level_only: bool) -> set[str]:
    """The django_llmshop modules that the module ``name`` with this source imports."""
    tree = ast.parse(source)
    nodes = _module_level(tree.body) if module_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(_targets(node, name, is_package))
    return {target for target in found if target == ROOT or target.startswith(f"{ROOT}.")}


def imports(path: Path, *, module_level_only: bool) -> set[str]:
    return imports_in(
        path.read_text(encoding="utf-8"),
        module_name(path),
        is_package=path.name == "__init__.py",
        module_level_only=module_level_only,
    )


def sub_app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in SUB_APPS else None


def is_outer(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 1 and parts[1] in OUTER


def core_imports_of_sub_apps() -> list[str]:
    return sorted(
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if sub_app_of(name) is None and not is_outer(name)
        for target in imports(path, module_level_only=False)
        if sub_app_of(target) is not None
    )


def import_graph() -> dict[str, set[str]]:
    return {
        name: {t for t in imports(path, module_level_only=True) if t in MODULES and t != name}
        for name, path in MODULES.items()
    }


def circles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.add(tuple(sorted(group)))
    return found


def test_the_package_is_read_whole():
    # Guards the tests below against a scan that silently finds nothing.
    assert {"django_llmshop.conf", "django_llmshop.support.services"} <= set(MODULES)
    assert "django_llmshop.conf" in import_graph()["django_llmshop.gateway"]
    assert imports(MODULES["django_llmshop.apps"], module_level_only=False) > imports(
        MODULES["django_llmshop.apps"], module_level_only=True
    )


def test_the_core_imports_no_sub_app():
    found = core_imports_of_sub_apps()
    assert not found, "the core must not import a sub-app:\n" + "\n".join(found)


def test_only_the_outer_layer_imports_the_outer_layer():
    found = sorted(
        f"{name} imports {target}"
        for name, path in MODULES.items()
        if not is_outer(name)
        for target in imports(path, module_level_only=False)
        if is_outer(target)
    )
    assert not found, "contrib is imported only by the shop:\n" + "\n".join(found)


def test_no_import_circles():
    found = circles(import_graph())
    new = sorted(found - KNOWN_CIRCLES)
    assert not new, "import circles: " + "; ".join(" ⇄ ".join(group) for group in new)
    gone = sorted(KNOWN_CIRCLES - found)
    assert not gone, f"circles gone, remove them from KNOWN_CIRCLES: {gone}"


def test_modules_stay_short():
    long = {
        f"{ROOT}/{path.relative_to(PACKAGE).as_posix()}"
        for path in MODULES.values()
        if len(path.read_text(encoding="utf-8").splitlines()) >= MAX_LINES
    }
    assert not long - KNOWN_LONG, f"split these modules below {MAX_LINES} lines"


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, {("a", "b")}),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, {("a", "b", "c")}),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, set()),
    ],
)
def test_circles_are_found(graph, expected):
    assert circles(graph) == expected


SOURCE = """
from ..conf import llmshop_settings
from .. import sweeper
if TYPE_CHECKING:
    from django_llmshop.support.models import Message

def reply():
    import django_llmshop.recommend.services
"""


def test_relative_typing_and_function_level_imports_are_resolved():
    name = "django_llmshop.api.views"
    everything = imports_in(SOURCE, name, is_package=False, module_level_only=False)
    at_import = imports_in(SOURCE, name, is_package=False, module_level_only=True)
    assert at_import == {"django_llmshop.conf", "django_llmshop.sweeper"}
    assert everything == at_import | {
        "django_llmshop.support.models",
        "django_llmshop.recommend.services",
    }
