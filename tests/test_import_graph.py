"""The house rules of the imports, read from the source with ``ast`` (nothing is imported):
no import circle among the modules of cloud_mask_plugin, training, benchmarks and scripts,
the headless layers (core, processing) never reach the desktop one (gui), and training
never reaches gui either.

Every import counts, also those inside functions: a lazy import only hides a circle.
``import X`` inside a folder of scripts (benchmarks/, scripts/, run by path) means the
sibling file ``X.py`` when there is one; elsewhere, a bare ``import X`` that only such a
folder has is that file too (reached through ``sys.path``). An import of one's own package (``from .. import
shipped_path``) is not an edge: Python imports a module's packages before the module in
any case, so it sets no order between modules.
"""
import ast
import os
from typing import Dict, Iterable, List, Set

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = ("cloud_mask_plugin", "training", "benchmarks", "scripts")
SCRIPT_FOLDERS = ("benchmarks", "scripts")
GUI = "cloud_mask_plugin.gui"


def module_files(root: str, folders: Iterable[str] = FOLDERS) -> Dict[str, str]:
    """Dotted module name -> file, for every .py file under ``folders`` of ``root``."""
    out = {}
    for folder in folders:
        for here, dirs, files in os.walk(os.path.join(root, folder)):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")) and d != "runs")
            for name in sorted(files):
                if name.endswith(".py"):
                    parts = os.path.relpath(os.path.join(here, name), root)[:-3].split(os.sep)
                    if parts[-1] == "__init__":
                        parts = parts[:-1]
                    out[".".join(parts)] = os.path.join(here, name)
    return out


def _known(name: str, modules: Set[str]):
    """The longest prefix of ``name`` that is one of ``modules`` (``a.b.func`` -> ``a.b``)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def imports_of(module: str, path: str, modules: Set[str]) -> Set[str]:
    """The modules of ``modules`` that ``module`` (the file ``path``) imports."""
    is_package = os.path.basename(path) == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    script_folder = module.split(".")[0] if module.split(".")[0] in SCRIPT_FOLDERS else None
    found = set()

    def add(name):
        target = _known(name, modules)
        if target is None and script_folder:
            target = _known(f"{script_folder}.{name}", modules)
        if target is None and "." not in name:
            # A bare name elsewhere that only a script folder has: imported through sys.path.
            target = next((f"{f}.{name}" for f in SCRIPT_FOLDERS if f"{f}.{name}" in modules), None)
        if target is not None and target != module and not module.startswith(target + "."):
            found.add(target)

    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            for alias in node.names:
                # ``from pkg import name``: the submodule pkg.name when there is one, else pkg.
                add(f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in modules else prefix)
    return found


def import_graph(root: str = REPO, folders: Iterable[str] = FOLDERS) -> Dict[str, Set[str]]:
    files = module_files(root, folders)
    names = set(files)
    return {m: imports_of(m, path, names) for m, path in files.items()}


def circles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found = []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def reaching(graph: Dict[str, Set[str]], sources: Iterable[str], forbidden: str) -> List[List[str]]:
    """For each module of ``sources``, an import path to ``forbidden`` or one of its
    submodules, if there is one (breadth first, so the shortest)."""
    out = []
    for source in sorted(sources):
        parent = {source: None}
        queue = [source]
        while queue:
            v = queue.pop(0)
            if v == forbidden or v.startswith(forbidden + "."):
                path = []
                while v is not None:
                    path.append(v)
                    v = parent[v]
                out.append(path[::-1])
                break
            for w in sorted(graph.get(v, ())):
                if w not in parent:
                    parent[w] = v
                    queue.append(w)
    return out


def _in(graph, package):
    return [m for m in graph if m == package or m.startswith(package + ".")]


@pytest.fixture(scope="module")
def graph():
    found = import_graph()
    # The walk read the repository: the packages and their known edges are there.
    assert "cloud_mask_plugin.core.api" in found["cloud_mask_plugin.core.pipeline"] or \
        "cloud_mask_plugin.core.options" in found["cloud_mask_plugin.core.pipeline"]
    assert "training.config" in found["training.train"]
    return found


def test_there_is_no_import_circle(graph):
    assert circles(graph) == []


def test_core_does_not_import_gui(graph):
    assert reaching(graph, _in(graph, "cloud_mask_plugin.core"), GUI) == []


def test_processing_does_not_import_gui(graph):
    assert reaching(graph, _in(graph, "cloud_mask_plugin.processing"), GUI) == []


def test_training_does_not_import_gui(graph):
    assert reaching(graph, _in(graph, "training"), GUI) == []


@pytest.mark.parametrize("layer, below", [("cloud_mask_plugin", ("training", "benchmarks", "scripts")),
                                          ("training", ("benchmarks", "scripts"))])
def test_layers_import_downwards_only(graph, layer, below):
    """The plugin imports none of the offline folders, training none of the scripts that use it
    (benchmarks/results_table.py imports training, so the reverse would be a circle of folders)."""
    assert [path for folder in below for path in reaching(graph, _in(graph, layer), folder)] == []


def test_the_check_finds_circles_and_forbidden_imports(tmp_path):
    """On a small made-up tree: a circle through a lazy relative import, a path from core
    to gui through another module, and a script folder's bare import of its sibling."""
    files = {
        "cloud_mask_plugin/__init__.py": "",
        "cloud_mask_plugin/core/__init__.py": "",
        "cloud_mask_plugin/core/a.py": "from . import b\n",
        "cloud_mask_plugin/core/b.py": "from .. import core\ndef f():\n    from .a import thing\n",
        "cloud_mask_plugin/core/c.py": "import cloud_mask_plugin.processing.d\n",
        "cloud_mask_plugin/processing/__init__.py": "",
        "cloud_mask_plugin/processing/d.py": "from ..gui.e import x\n",
        "cloud_mask_plugin/gui/__init__.py": "",
        "cloud_mask_plugin/gui/e.py": "",
        "benchmarks/__init__.py": "",
        "benchmarks/common.py": "import peers\n",
        "benchmarks/peers.py": "import common\nimport numpy\n",
        "benchmarks/table.py": "import cloud_mask_plugin.core.a\n",
        "cloud_mask_plugin/core/uses_table.py": "def f():\n    import table\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    g = import_graph(str(tmp_path), ("cloud_mask_plugin", "benchmarks"))
    assert circles(g) == [["benchmarks.common", "benchmarks.peers"],
                          ["cloud_mask_plugin.core.a", "cloud_mask_plugin.core.b"]]
    assert g["cloud_mask_plugin.core.uses_table"] == {"benchmarks.table"}
    assert reaching(g, _in(g, "cloud_mask_plugin.core"), GUI) == [
        ["cloud_mask_plugin.core.c", "cloud_mask_plugin.processing.d", "cloud_mask_plugin.gui.e"]]
