"""ghsim: a local, stateful simulator of GitHub's REST API for org and team memberships."""

from __future__ import annotations

from .apps import generate_app_key, public_key_pem
from .export_seed import seed_from_export
from .seeds import DEMO_SEED, generate, load_seed
from .server import Exchange, Fault, Simulator
from .state import SeedError, State

__all__ = ["DEMO_SEED", "Exchange", "Fault", "SeedError", "Simulator", "State", "generate", "generate_app_key",
           "load_seed", "public_key_pem", "seed_from_export"]
