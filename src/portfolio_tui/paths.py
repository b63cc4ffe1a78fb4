"""Every file location the app uses, in one place."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import platformdirs

APP_NAME = "portfolio-tui"
DB_ENV = "PORTFOLIO_DB"
CONFIG_ENV = "PORTFOLIO_CONFIG"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def default_db() -> Path:
    """The rep's real database: `--db` wins, then $PORTFOLIO_DB, then the platform data dir."""
    env = os.environ.get(DB_ENV)
    return Path(env).expanduser() if env else data_dir() / "portfolio.db"


def demo_db(real_db: Path | None = None) -> Path:
    """The demo database lives next to the real one and never is the real one."""
    real = real_db or default_db()
    return real.with_name("demo.db")


def config_file() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def derived_cache_file(db: Path) -> Path:
    """Where the figures derived from the portfolio at `db` are kept between runs (a cache:
    removing it only costs the time to compute them again)."""
    digest = hashlib.sha256(str(db.resolve()).encode()).hexdigest()[:32]
    return platformdirs.user_cache_path(APP_NAME) / "derived" / f"{digest}.sqlite"


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME)


def log_file() -> Path:
    return log_dir() / "portfolio.log"


def backup_path(db: Path, reason: str, stamp: str) -> Path:
    """Where a safety copy of `db` goes before a migration or a sync."""
    return db.with_name(f"{db.stem}.{reason}-{stamp}.bak")


def review_folder(db_path: Path) -> Path:
    """Where the palette writes reviews: the user's documents folder, else the database's."""
    documents = platformdirs.user_documents_path()
    return documents if documents.is_dir() else db_path.parent


def review_file_name(cadence: str, day: date) -> str:
    """One file per cadence and day: writing it again the same day replaces it."""
    return f"review-{cadence}-{day.isoformat()}.html"


def shown_folder(folder: Path) -> str:
    """A folder as a rep types it: under their home, "~/…" rather than the full path."""
    try:
        inside_home = folder.relative_to(Path.home())
    except ValueError:
        return str(folder)
    return "~" if inside_home == Path() else f"~/{inside_home}"
