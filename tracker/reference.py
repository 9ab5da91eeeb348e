"""Loading the reference data fixtures (legal bases, sectors, life domains, instruments)."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

FIXTURES = ["reference.json", "instruments.json"]


def load_reference_data(verbosity: int = 0) -> None:
    """Load (or refresh) the reference data; idempotent because every fixture row has a fixed key."""
    base = Path(settings.BASE_DIR) / "fixtures"
    call_command("loaddata", *[str(base / name) for name in FIXTURES], verbosity=verbosity)
