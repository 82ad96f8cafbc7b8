"""Signals turned into exceptions (ntm_sched/errors.py): a held signal waits for the end of the block."""

from __future__ import annotations

import os
import signal

import pytest

from ntm_sched.errors import Interrupted, signals_held, sigterm_raises


def test_a_signal_during_a_held_block_is_raised_when_the_block_ends() -> None:
    done = []
    before = signal.getsignal(signal.SIGTERM)
    with sigterm_raises(), pytest.raises(Interrupted) as exc:
        with signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)  # twice: the clean-up still runs to its end
            done.append("cleaned up")
        done.append("after the block")  # never reached: the held signal is raised first
    assert done == ["cleaned up"] and exc.value.signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == before


def test_sigint_is_held_too_and_handlers_are_restored() -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    done = []
    with pytest.raises(KeyboardInterrupt) as exc:
        with signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("held")
    assert done == ["held"]
    assert not isinstance(exc.value, Interrupted)  # Ctrl-C stays a plain KeyboardInterrupt
    assert {s: signal.getsignal(s) for s in before} == before


def test_no_signal_no_exception() -> None:
    with signals_held():
        x = 1
    assert x == 1


def test_a_second_sigterm_does_not_cut_the_clean_up_inside_the_block_short() -> None:
    """A batch's process pool terminates its workers again as soon as one has exited: the second SIGTERM
    can come while the first one's clean-up starts (before it holds signals). It is ignored until the block
    ends; the block's handler is restored then. (In a child process: without this, it kills or raises there.)"""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import os, signal
        from ntm_sched.errors import Interrupted, sigterm_raises
        before = signal.getsignal(signal.SIGTERM)
        try:
            with sigterm_raises():
                try:
                    os.kill(os.getpid(), signal.SIGTERM)
                    print("not interrupted")
                except Interrupted:
                    os.kill(os.getpid(), signal.SIGTERM)  # the pool's second SIGTERM, at once
                    print("cleaned up", flush=True)
                    raise
        except Interrupted:
            print("restored", signal.getsignal(signal.SIGTERM) == before)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["cleaned up", "restored True"]
