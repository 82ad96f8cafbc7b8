"""``python -m ntm_sched.app.voila_main NOTEBOOK [voila options]``: Voilà's own command, started after
:mod:`ntm_sched` (whose import makes ``rfc3987_syntax`` lazy, :mod:`ntm_sched.lazy_imports`: the app's server starts
about a second sooner). Arguments and exit code are Voilà's."""

from __future__ import annotations

import ntm_sched  # noqa: F401  (the lazy imports, before Voilà imports jsonschema)


def main() -> None:
    """Run Voilà's command line (``sys.argv`` as given)."""
    from voila.app import main as voila

    voila()


if __name__ == "__main__":
    main()
