"""``rfc3987_syntax`` made lazy by ``import ntm_sched`` (:mod:`ntm_sched.lazy_imports`): nothing built at import, the
same answers when used."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from ntm_sched import lazy_imports

pytest.importorskip("rfc3987_syntax")

IRIS = {"http://例え.jp/パス?q=1#f": True, "urn:isbn:0451450523": True, "mailto:a@b.vn": True,
        "no spaces in an iri": False, "http://a b.vn": False, "": False}


def _in_a_fresh_process(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_ntm_sched_then_jsonschema_builds_no_parser_and_iris_are_checked_as_before():
    got = _in_a_fresh_process(f"""
        import json, sys
        import ntm_sched, nbformat, jsonschema
        built_at_import = "rfc3987_syntax.syntax_helpers" in sys.modules
        checker = jsonschema.FormatChecker()
        answers = {{iri: checker.conforms(iri, "iri") for iri in {list(IRIS)!r}}}
        import rfc3987_syntax
        from rfc3987_syntax import syntax_helpers as real
        print(json.dumps({{"built_at_import": built_at_import, "answers": answers,
                          "same_functions": rfc3987_syntax.is_valid_syntax is real.is_valid_syntax
                                            and rfc3987_syntax.syntax_parser is real.syntax_parser,
                          "real_answers": {{iri: real.is_valid_syntax("iri", iri) for iri in {list(IRIS)!r}}}}}))
    """)
    assert got["built_at_import"] is False
    assert got["answers"] == IRIS == got["real_answers"]
    assert got["same_functions"] is True  # after the first use the package holds the real names


def test_an_imported_or_missing_package_is_left_alone(monkeypatch):
    monkeypatch.setitem(sys.modules, "rfc3987_syntax", object())
    assert lazy_imports.defer_rfc3987_syntax() is False
    monkeypatch.delitem(sys.modules, "rfc3987_syntax")
    monkeypatch.setattr(lazy_imports.importlib.util, "find_spec", lambda name: None)
    assert lazy_imports.defer_rfc3987_syntax() is False
    assert "rfc3987_syntax" not in sys.modules
