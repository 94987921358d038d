"""Every run and every figure by name, read statically from the source.

Family modules declare `RUNS = {"name": config_fn, ...}` and plotting
modules declare `FIGURES = {"name": (("run", ...), plot_fn), ...}` (the
contract is gen_src/family.py). This module finds every module of the
course that declares either, checks it keeps the contract, and reads the
names and the source files each one depends on with `ast`, without
importing anything: a warm build never imports torch. Taught on the page
docs/about.md, section "How the figures are made".
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from gen_src import family, runtime

PACKAGE_DIR = runtime.PACKAGE
# The course: what pages embed and notebooks import. The build and the
# website floors hold no family or plot module.
COURSE_FOLDERS = ("", "plots", "metrics")
CLASSIFIER_RUN = "classifier"


@dataclass(frozen=True)
class RunSpec:
    name: str
    module: str  # e.g. "vae" for gen_src.vae
    scored: bool  # the module has score(); on images it needs the judge
    cost: float = 1.0  # training time against a toy GAN's (family COST)
    # the same under a profile where it differs: ((profile, cost), ...)
    costs: tuple = ()
    upstream: str | None = None  # the run it builds on (family UPSTREAM)

    def cost_under(self, profile: str) -> float:
        """The run's cost under profile (its own declared, or cost)."""
        return dict(self.costs).get(profile, self.cost)


@dataclass(frozen=True)
class FigureSpec:
    name: str
    module: str  # e.g. "plots.vae"
    runs: tuple[str, ...]


class UnknownFigureError(KeyError):
    """A page names a figure that no plotting module defines."""


def module_path(module: str) -> Path:
    return PACKAGE_DIR.joinpath(*module.split(".")).with_suffix(".py")


def stamp(path: Path) -> tuple:
    """What changes when the file changes: cached parses key on it, so a
    long-running `mkdocs serve` sees every edit."""
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _tree(module: str) -> ast.Module:
    return _parse(stamp(module_path(module)))


# Bounded: under `mkdocs serve` every edit makes a new stamp.
@functools.lru_cache(maxsize=256)
def _parse(stamp: tuple) -> ast.Module:
    path = Path(stamp[0])
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def course_modules() -> tuple[str, ...]:
    """Every module of the course, e.g. "vae", "plots.vae"."""
    found = []
    for folder in COURSE_FOLDERS:
        for path in sorted((PACKAGE_DIR / folder).glob("*.py")):
            if path.stem.startswith("_"):
                continue
            found.append(".".join(p for p in (folder, path.stem) if p))
    return tuple(found)


# The files are looked at once per *generation*: once per build under
# `mkdocs serve` (the hook calls rescan() at the start of each build), once
# per process otherwise. A build asks for runs, figures and closures
# thousands of times; each look would stat every file of the course.
_generation = [0]


def rescan() -> None:
    """See the files as they are now (the next build, a test's edit)."""
    _generation[0] += 1


def generation() -> int:
    return _generation[0]


def course_stamp() -> tuple:
    return _stamps_of_generation(_generation[0])


@functools.lru_cache(maxsize=2)
def _stamps_of_generation(generation: int) -> tuple:
    return _modules_stamp(course_modules())


def _modules_stamp(modules: tuple[str, ...]) -> tuple:
    return tuple(
        stamp(module_path(m)) for m in modules if module_path(m).is_file()
    )


@functools.lru_cache(maxsize=8)
def declaring(name: str, stamps: tuple) -> tuple[str, ...]:
    """The course modules with a top-level dict called name (the stamps
    of every course file: a new or edited module is seen)."""
    return tuple(m for m in course_modules() if _top_dict(m, name) is not None)


def family_modules() -> tuple[str, ...]:
    """Modules with RUNS, each checked against the family contract."""
    modules = declaring("RUNS", course_stamp())
    for module in modules:
        missing = [n for n in family.FAMILY_NAMES if not _defines(module, n)]
        if missing:
            raise TypeError(
                f"{module_path(module)} defines RUNS but not "
                f"{', '.join(missing)}: a family provides "
                f"{', '.join(family.FAMILY_NAMES)} (gen_src/family.py)"
            )
    return modules


def plot_modules() -> tuple[str, ...]:
    return declaring("FIGURES", course_stamp())


def _top_dict(module: str, name: str) -> ast.Dict | None:
    for node in _tree(module).body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                if not isinstance(node.value, ast.Dict):
                    raise TypeError(
                        f"{module_path(module)}: {name} must be a dict literal"
                    )
                return node.value
    return None


def _defines(module: str, name: str) -> bool:
    for node in _tree(module).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return True
        if isinstance(node, ast.ImportFrom) and any(
            (a.asname or a.name) == name for a in node.names
        ):
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return True
    return False


def entries(modules: tuple[str, ...], table: str):
    """(module, name, value node) of every entry of each module's table;
    a name defined twice is refused, naming both modules."""
    seen: dict[str, str] = {}
    for module in modules:
        node = _top_dict(module, table)
        for key, value in zip(node.keys, node.values):
            name = ast.literal_eval(key)
            if name in seen:
                raise ValueError(
                    f"{table} entry {name!r} is defined twice: in "
                    f"{seen[name]} and {module}"
                )
            seen[name] = module
            yield module, name, value


def runs() -> dict[str, RunSpec]:
    return _runs(course_stamp())


@functools.lru_cache(maxsize=4)
def _runs(stamp: tuple) -> dict[str, RunSpec]:
    costs = {
        name: ast.literal_eval(value)
        for _, name, value in entries(declaring("COST", stamp), "COST")
    }
    upstream = {
        name: ast.literal_eval(value)
        for _, name, value in entries(declaring("UPSTREAM", stamp), "UPSTREAM")
    }

    def spec(module: str, name: str) -> RunSpec:
        """COST gives a number, or one per profile ({"quick": 6,
        "full": 11}): the quick one is the run's cost elsewhere."""
        cost = costs.get(name, 1.0)
        if isinstance(cost, dict):
            by_profile = tuple(sorted(cost.items()))
            cost = cost.get("quick", 1.0)
        else:
            by_profile = ()
        return RunSpec(
            name,
            module,
            _defines(module, "score"),
            cost,
            by_profile,
            upstream.get(name),
        )

    found = {
        name: spec(module, name)
        for module, name, _ in entries(family_modules(), "RUNS")
    }
    for name, run in found.items():
        if run.upstream is not None and run.upstream not in found:
            raise ValueError(
                f"{module_path(run.module)}: UPSTREAM[{name!r}] names the "
                f"run {run.upstream!r}, which no family defines; name one "
                f"of {', '.join(sorted(found))}"
            )
    return found


def figures() -> dict[str, FigureSpec]:
    return _figures(course_stamp())


@functools.lru_cache(maxsize=4)
def _figures(stamp: tuple) -> dict[str, FigureSpec]:
    found: dict[str, FigureSpec] = {}
    known_runs = runs()
    for module, name, value in entries(plot_modules(), "FIGURES"):
        if not isinstance(value, ast.Tuple) or len(value.elts) != 2:
            raise TypeError(
                f"{module_path(module)}: FIGURES[{name!r}] "
                "must be a (run names, function) tuple"
            )
        needed = tuple(ast.literal_eval(value.elts[0]))
        for run in needed:
            if run not in known_runs:
                raise ValueError(
                    f"{module_path(module)}: figure {name!r} needs run "
                    f"{run!r}, which no module in RUNS defines"
                )
        found[name] = FigureSpec(name, module, needed)
    return found


def figure(name: str, page: str | None = None) -> FigureSpec:
    """The figure called name, or an error naming the page and the name."""
    fix = "add the figure to a FIGURES dict under gen_src/plots/"
    return lookup(figures(), name, page, UnknownFigureError, fix)


def lookup(table: dict, name: str, page, error, fix: str):
    """table[name], or error (UnknownKindError: the kind is in its name)
    naming the page, the name, the known names and the fix."""
    if name not in table:
        kind = error.__name__.removeprefix("Unknown").removesuffix("Error")
        where = f"{page}: " if page else ""
        raise error(
            f"{where}unknown {kind.lower()} {name!r}. Known: "
            f"{', '.join(sorted(table))}. Fix the name on the page, or "
            f"{fix}."
        )
    return table[name]


def source_closure(module: str) -> list[Path]:
    """The module's file and every gen_src file it imports, transitively."""
    if not module_path(module).is_file():  # a key that would miss edits
        raise ValueError(f"gen_src.{module}: no such module in gen_src")
    return list(_closure(module, _generation[0]))


@functools.lru_cache(maxsize=64)
def _closure(module: str, generation: int) -> tuple[Path, ...]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        current = todo.pop()
        if current in seen or not module_path(current).is_file():
            continue
        seen.add(current)
        todo += imports_of(current)
    return sorted(module_path(m) for m in seen)


def imports_of(module: str) -> list[str]:  # from its file, parsed
    return _imports(module, stamp(module_path(module)))


@functools.lru_cache(maxsize=256)
def _imports(module: str, stamp: tuple) -> list[str]:
    package = module.rsplit(".", 1)[0] if "." in module else ""
    found = []
    for node in ast.walk(_tree(module)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = (
                    base[: len(base) - (node.level - 1)]
                    if node.level > 1
                    else base
                )
                prefix = ".".join([*base, node.module or ""]).strip(".")
            elif (node.module or "").startswith("gen_src"):
                prefix = node.module.removeprefix("gen_src").strip(".")
            else:
                continue
            for alias in node.names:
                candidate = f"{prefix}.{alias.name}".strip(".")
                if module_path(candidate).is_file():
                    found.append(candidate)
                elif prefix and module_path(prefix).is_file():
                    found.append(prefix)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("gen_src."):
                    found.append(alias.name.removeprefix("gen_src."))
    return found
