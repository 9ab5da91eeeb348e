"""Every Python module of the apps stays at most 400 lines (migrations excepted): a larger one is split by topic.

docs/architecture.md says where things go; a module near the limit is a sign that a package is due.
"""

from pathlib import Path

from django.conf import settings

MAX_LINES = 400
APP_PACKAGES = (
    "tracker",
    "outcomes",
    "figures",
    "common",
    "dashboards",
    "api",
    "exchange",
    "imports",
    "improvement",
    "publications",
    "selfservice",
    "devtools",
)


def module_sizes() -> dict[str, int]:
    base = Path(settings.BASE_DIR)
    sizes = {}
    for package in APP_PACKAGES:
        for path in sorted((base / package).rglob("*.py")):
            if "migrations" in path.relative_to(base).parts:
                continue
            with path.open(encoding="utf-8") as handle:
                sizes[str(path.relative_to(base))] = sum(1 for _line in handle)
    return sizes


def test_the_scan_finds_the_app_modules():
    sizes = module_sizes()
    assert "tracker/models/__init__.py" in sizes and "devtools/demo/generator.py" in sizes
    assert not any("/migrations/" in name for name in sizes)


def test_every_app_module_has_at_most_400_lines():
    offenders = {name: lines for name, lines in module_sizes().items() if lines > MAX_LINES}
    listing = "\n".join(f"  {name}: {lines} lines" for name, lines in sorted(offenders.items(), key=lambda x: -x[1]))
    assert not offenders, f"{len(offenders)} modules exceed {MAX_LINES} lines:\n{listing}"
