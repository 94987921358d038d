"""The three floors: the course imports neither the build nor the website,
and the build does not import the website. Read with ast, so an import
inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gen_src"
FLOORS = {"course": 0, "builder": 1, "website": 2}


def floor(module: str) -> str:
    """'gen_src.builder.keys' -> 'builder'; 'gen_src.vae' -> 'course'."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("builder", "website"):
        return parts[1]
    if module == "gen_src.__main__":  # `python -m gen_src`: the build's CLI
        return "builder"
    return "course"


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


def imports(path: Path) -> list[str]:
    """Every gen_src module path imports, absolute or relative."""
    package = module_name(path).rsplit(".", 1)[0]
    if path.name == "__init__.py":
        package = module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [
                a.name for a in node.names if a.name.startswith("gen_src")
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[
                    : len(package.split(".")) - (node.level - 1)
                ]
                target = ".".join([*base, node.module or ""]).strip(".")
            elif (node.module or "").startswith("gen_src"):
                target = node.module
            else:
                continue
            found += [
                f"{target}.{a.name}"
                if not node.module and node.level
                else target
                for a in node.names
            ]
    return found


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize(
    "path", FILES, ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_upper_floors_import_lower_ones_never_the_reverse(path):
    mine = floor(module_name(path))
    for target in imports(path):
        assert FLOORS[floor(target)] <= FLOORS[mine], (
            f"{path.relative_to(PACKAGE.parent)} ({mine}) imports {target} "
            f"({floor(target)})"
        )


def test_the_check_sees_relative_and_absolute_imports(tmp_path):
    assert floor("gen_src.website.hook") == "website"
    assert floor("gen_src.metrics.frechet") == "course"
    found = imports(PACKAGE / "builder" / "pipeline.py")
    assert "gen_src.config" in found and "gen_src.builder.keys" in found
    assert any(
        t.startswith("gen_src.builder")
        for t in imports(PACKAGE / "website" / "hook.py")
    )


def test_no_private_name_of_another_module_is_used():
    """The build calls public functions only (no Pipeline._private)."""
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert "._cached_run_key" not in text, path


def modules_imported(path: Path) -> set[str]:
    """The gen_src modules path imports (a package's named modules, not
    the package), absolute or relative, anywhere in the file."""
    known = {module_name(p) for p in FILES}
    found = set()
    package = module_name(path).rsplit(".", 1)[0]
    if path.name == "__init__.py":
        package = module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                target = ".".join([*base, node.module or ""]).strip(".")
            else:
                target = node.module or ""
            for alias in node.names:
                inner = f"{target}.{alias.name}"
                if inner in known:
                    found.add(inner)
                elif target in known:
                    found.add(target)
    return found - {module_name(path)}


def test_no_import_circle_even_a_lazy_one():
    graph = {module_name(p): modules_imported(p) for p in FILES}
    assert "gen_src.builder.workers" in graph["gen_src.builder.pipeline"]
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            circle = path[path.index(module) :] + [module]
            raise AssertionError("import circle: " + " -> ".join(circle))
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
