"""Evaluate one snapshot file in a forked child while the parent works on the other side.

Two large sides cost two loads, two graphs and two evaluations; on two cores they run side by side.
The child sends back only what the drift needs: compact verdicts and derived facts (not the
snapshot, which the parent loads itself for the resource diff), then leaves with ``os._exit`` so no
time goes into freeing its memory. Where ``fork`` is unavailable, or there is one core, or the file is
small, the caller evaluates in-process instead.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .findings import Verdict, pack_verdicts, unpack_verdicts

if TYPE_CHECKING:
    from .sides import Evaluation, Facts

PARALLEL_MIN_BYTES = 4 << 20
"""Files at least this large are evaluated in a child (below it, forking costs more than it saves)."""


def worth_forking(path: Path) -> bool:
    """True when ``path`` is large enough, ``fork`` exists and there is more than one core."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return path.stat().st_size >= PARALLEL_MIN_BYTES
    except OSError:
        return False  # the in-process load reports the error


class ForkedEvaluation:
    """A child evaluating ``path``; ``result()`` waits for its verdicts and facts."""

    def __init__(self, path: Path, evaluation: Evaluation) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process: BaseProcess = context.Process(target=_child, args=(path, evaluation, sender), daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> tuple[list[Verdict], Facts]:
        """The child's verdicts and facts; its ``InputError`` is raised here, as if evaluated in-process."""
        try:
            outcome: tuple[Any, ...] = self._receiver.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"drift: the evaluation process died (exit code {self._process.exitcode})") from None
        finally:
            self._receiver.close()
        self._process.join()
        if outcome[0] == "error":
            raise InputError(outcome[1], outcome[2], outcome[3])
        return unpack_verdicts(outcome[1]), outcome[2]

    def cancel(self) -> None:
        """Stop the child (the parent failed first)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receiver.close()


def _child(path: Path, evaluation: Evaluation, sender: Connection) -> None:
    from ..model import load_snapshot
    from .sides import evaluate_snapshot

    code = 0
    try:
        findings, facts = evaluate_snapshot(load_snapshot(path), evaluation)
        sender.send(("ok", pack_verdicts(findings), facts))
    except InputError as exc:
        sender.send(("error", exc.message, exc.file, exc.line))
    except BaseException:  # reported by the parent as a dead child; never a traceback from here
        code = 1
    finally:
        sender.close()
    os._exit(code)
