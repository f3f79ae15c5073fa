"""Where the seed documents are: `../shared/seeds` beside the checkout, or XIAOBEN_SEEDS.
Tests that read them skip when they are not there."""

import os
from pathlib import Path

SEEDS = Path(os.environ.get("XIAOBEN_SEEDS") or Path(__file__).resolve().parents[1].parent / "shared" / "seeds")
