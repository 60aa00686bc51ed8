"""Architecture rules that keep the code base navigable and safe, checked on the source itself."""
from __future__ import annotations

import ast
import csv
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

MAX_LINES = 450
# Modules allowed over MAX_LINES, with the reason. Keep this empty or short: split a module rather than grow it.
LONG_MODULES: dict[str, str] = {}


def app_modules() -> list[Path]:
    """Every Python module of the product: etl/ (with subpackages), ui/, pages/ and app.py."""
    files = [ROOT / "app.py"]
    for folder in ("etl", "ui", "views"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "__import__", "import_module") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def test_the_module_list_is_complete():
    names = {rel(p) for p in app_modules()}
    assert {"app.py", "etl/warehouse.py", "etl/read/__init__.py", "ui/db.py", "views/overview.py"} <= names


# ---- imports point downstream: bytes → text → records → warehouse → ui → views ------------------------------
# The layers of etl/ as module lists until they are packages of their own (the layout issue).
READ = ("etl.read", "etl.normalize", "etl.boilerplate", "etl.errors")
PARSE = ("etl.pipeline", "etl.records", "etl.metadata", "etl.meta_", "etl.outline", "etl.facts", "etl.numbers",
         "etl.sentences", "etl.regions", "etl.catalog", "etl.segment", "etl.terms")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def full_imports(path: Path) -> set[str]:
    """Imported modules, `from etl import cli` counted as etl.cli."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = imported_modules(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _in(name: str, layer: tuple[str, ...]) -> bool:
    return any(name == m or name.startswith(m + ".") or (m.endswith("_") and name.startswith(m)) for m in layer)


def import_crossings(graph: dict[str, set[str]]) -> list[str]:
    """Every import that points upstream, as 'module -> imported'."""
    bad = []
    for mod, deps in graph.items():
        for dep in deps:
            if _in(mod, READ) and dep.startswith("etl") and not _in(dep, READ):
                bad.append(f"{mod} -> {dep}")  # reading bytes needs nothing from parsing or storing
            if _in(mod, PARSE) and (dep.split(".")[0] in ("duckdb", "streamlit", "ui", "views")
                                    or dep.startswith("etl.warehouse")):
                bad.append(f"{mod} -> {dep}")  # parsing is pure
            if mod.startswith("etl") and dep.split(".")[0] in ("ui", "views"):
                bad.append(f"{mod} -> {dep}")  # the ETL never depends on the dashboard
            if mod.startswith("views") and not (dep.startswith("ui") or not dep.startswith(("etl", "views"))):
                bad.append(f"{mod} -> {dep}")  # pages render what ui/ gives them
    return sorted(bad)


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    internal = {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}
    cycles, state, stack = [], {}, []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(internal[m]):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(internal):
        if m not in state:
            visit(m)
    return cycles


def product_graph() -> dict[str, set[str]]:
    return {module_name(p): full_imports(p) for p in app_modules() if p.name != "app.py"}


def test_imports_point_downstream_and_never_round():
    graph = product_graph()
    assert import_crossings(graph) == []
    assert import_cycles(graph) == []


def test_the_direction_check_catches_each_kind_of_crossing():
    # The crossings this project once had, put back one at a time.
    bad = {"etl.read.html": {"etl.metadata"}, "etl.outline": {"duckdb"}, "etl.facts": {"etl.warehouse"},
           "etl.cli_export": {"ui.exports"}, "views.review": {"etl.corrections"}, "etl.meta_dates": {"streamlit"}}
    assert import_crossings(bad) == ["etl.cli_export -> ui.exports", "etl.facts -> etl.warehouse",
                                     "etl.meta_dates -> streamlit", "etl.outline -> duckdb",
                                     "etl.read.html -> etl.metadata", "views.review -> etl.corrections"]
    assert import_cycles({"etl.cli": {"etl.fetch_cli"}, "etl.fetch_cli": {"etl.cli"}}) == [
        ["etl.cli", "etl.fetch_cli", "etl.cli"]]


# ---- only the warehouse talks to DuckDB ------------------------------------------------------------------------
def test_only_the_warehouse_imports_duckdb():
    importers = sorted(rel(p) for p in app_modules()
                       if any(m == "duckdb" or m.startswith("duckdb.") for m in imported_modules(p)))
    assert importers == ["etl/warehouse.py"]


# ---- no SQL in the app's pages ---------------------------------------------------------------------------------
SQL_STATEMENT = re.compile(
    r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|DROP\s+(TABLE|VIEW)|CREATE\s+"
    r"(TABLE|VIEW|INDEX|OR)|ALTER\s+TABLE|ATTACH\b|COPY\s+\w+\s+(TO|FROM)|PRAGMA\b)", re.IGNORECASE)
SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|JOIN|WHERE|GROUP BY|ORDER BY)\b")


def string_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_pages_and_app_hold_no_sql():
    files = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]
    offenders = {rel(p): m.group(0) for p in files if (m := SQL_WORDS.search(p.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_ui_builds_no_sql_statements():
    # ui/ runs named queries (etl/queries/*.sql) through ui/db.py; it never writes a statement itself.
    offenders = {rel(p): s[:60] for p in sorted((ROOT / "ui").glob("*.py"))
                 for s in string_literals(p) if SQL_STATEMENT.search(s)}
    assert offenders == {}


# ---- every code has a label ------------------------------------------------------------------------------------
def _labels() -> dict[str, dict[str, str]]:
    from ui.i18n import labels

    return labels()


def _schema_values(column: str) -> set[str]:
    sql = (ROOT / "etl" / "schema.sql").read_text(encoding="utf-8")
    found = re.findall(rf"\b{column}\s+IN\s*\(([^)]*)\)", sql)
    assert found, column
    return {v for group in found for v in re.findall(r"'([^']+)'", group)}


def test_every_indicator_has_a_chinese_and_an_english_name():
    from etl.catalog import load_catalog

    catalog = load_catalog()
    assert len(catalog.indicators) >= 20
    missing = [i.code for i in catalog.indicators if not (i.name_zh.strip() and i.name_en.strip())]
    assert missing == []
    assert len({i.name_zh for i in catalog.indicators}) == len(catalog.indicators)  # no two share a label
    labels = _labels()
    areas = {i.area for i in catalog.indicators}
    assert sorted(a for a in areas if not labels.get(f"area.{a}", {}).get("en")) == []


def test_every_agency_type_level_part_and_source_code_has_a_ui_label():
    labels = _labels()
    with open(ROOT / "etl" / "catalog" / "agency_types.csv", encoding="utf-8") as fh:
        agency_types = {row["code"] for row in csv.DictReader(fh)}
    assert len(agency_types) >= 10
    codes = {"agency_type": agency_types, "level": _schema_values("level"), "part": _schema_values("part"),
             "src": _schema_values("agency_src"), "method": _schema_values("method")}
    missing = sorted(f"{prefix}.{code}" for prefix, values in codes.items() for code in values
                     if not (labels.get(f"{prefix}.{code}", {}).get("zh") and labels[f"{prefix}.{code}"].get("en")))
    assert missing == []


# ---- docstrings and size ---------------------------------------------------------------------------------------
def test_every_module_starts_with_a_one_line_docstring():
    bad = {}
    for path in app_modules():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        doc = ast.get_docstring(tree, clean=False)
        first = tree.body[0] if tree.body else None
        if doc is None or not isinstance(first, ast.Expr) or first.lineno != 1:
            bad[rel(path)] = "no module docstring on line 1"
        elif not doc.split("\n", 1)[0].strip():
            bad[rel(path)] = "the docstring's first line is empty"
        elif len(doc.split("\n", 1)[0]) > 160:
            bad[rel(path)] = "the summary line is longer than 160 characters"
    assert bad == {}


def test_no_module_is_over_the_size_limit():
    sizes = {rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in app_modules()}
    over = {name: n for name, n in sizes.items() if n > MAX_LINES and name not in LONG_MODULES}
    assert over == {}, f"split these modules (or add them to LONG_MODULES with a reason): {over}"
    assert all(sizes.get(name, 0) > MAX_LINES for name in LONG_MODULES)  # stale allowlist entries go


# ---- the command line is documented ----------------------------------------------------------------------------
def cli_subcommands() -> list[str]:
    out = subprocess.run([sys.executable, "-m", "etl", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    match = re.search(r"\{([a-z0-9_,-]+)\}", out.stdout)
    assert match, out.stdout
    return match.group(1).split(",")


def test_every_cli_subcommand_is_documented_in_the_readme():
    commands = cli_subcommands()
    assert {"ingest", "rebuild", "check", "export"} <= set(commands)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = [c for c in commands if not re.search(rf"python -m etl {re.escape(c)}\b", readme)]
    assert undocumented == []


def test_the_readme_links_security_md():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "SECURITY.md" in readme and (ROOT / "SECURITY.md").is_file()
