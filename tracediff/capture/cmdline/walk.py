"""nanoBragg's command line, parsed the way the C parses it, into a :class:`NanoBraggConfig`.

Why a faithful copy of the C's parser and not argparse: nanoBragg matches flags by
*substring containment* (``strstr``), so one argv word can fire several branches
(``-twotheta_axis`` also sets the two-theta angle, ``-misset_seed`` also reads three
missetting angles), a few flags have exact-length guards, and the C walks *every*
word that begins with ``-`` (a negative number is harmlessly tested too). Reproducing
a trace needs exactly those side effects (spec 1.1, quirk Q18).

Where tracediff is stricter than the C (it never silently ignores input):

* a word that begins with ``-``, is not the value of a flag and matches no flag
  pattern is an *unknown flag* (the C ignores it);
* a flag's own values must be present and numeric (the C reads ``atof`` = 0);
* ``-mat``/``-hkl``/``-sourcefile``/``-stol`` files must be readable.

Values read by a *side-effect* match (a branch fired by a longer word) keep the C's
lenient ``atof``/``atoi`` reading, because that is what the C computes.

Units: every length is stored in metres and every angle in radians, as the C stores
them after parsing; reciprocal vectors (``-mat``) stay in the file's units (the
crystal code divides by lambda, giving 1/Å).

After the argv walk, :func:`parse_argv` runs the C's own post-parse resolution that
needs no geometry (detector size, fluence, phi/divergence/dispersion/thickness/mosaic
step rules, ROI defaults), so the config holds the numbers the C's loops use. The
detector geometry (convention, pivot, beam centre) is resolved in ``physics/detector``.

This module is the walk and the public API; the pieces live beside it:
``table.py`` (the branches as data), ``readers.py`` (C number and unit readers),
``state.py`` (the C's variables during the walk) and ``resolve.py`` (the post-parse
rules); the config itself is :mod:`tracediff.capture.config`.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tracediff.capture.cmdline.resolve import resolve
from tracediff.capture.cmdline.state import ParseState, initial_state
from tracediff.capture.cmdline.table import FLAG_TABLE, FLAG_WORDS, HARMLESS_OVERLAPS, FlagRule, need_take
from tracediff.capture.config import NanoBraggConfig
from tracediff.errors import TraceDiffError


# ---------------------------------------------------------------------------
# The argv walk (nanoBragg.c L620-L1085)
# ---------------------------------------------------------------------------


def _apply(rule: FlagRule, st: ParseState, argv: Sequence[str], i: int, strict: bool, primary: str | None) -> None:
    """Run one branch for ``argv[i]`` (``strict``: the word's own flag, values checked)."""
    need, take = need_take(rule, argv, i)
    if len(argv) - i - 1 < need:
        if strict:
            raise TraceDiffError(f"{rule.name} needs {need} value(s)", path=st.args_file)
        return  # the C's argc guard: the branch does not fire
    args = list(argv[i + 1 : i + 1 + max(need, take)])
    try:
        if rule.effect is not None:
            rule.effect(st, args, strict, rule.name)
        elif rule.reader is not None:
            value = rule.reader(args[0], strict, rule.name, st)
            for t in rule.targets:
                st.set(t, value)
        else:
            for t in rule.targets:
                st.set(t, rule.const)
    except TraceDiffError as exc:
        if exc.path is None:
            exc.path = st.args_file
        raise
    if rule.convention is not None:
        st.set("convention", rule.convention)
        st.set("convention_set_by", rule.name)
    if rule.pivot is not None:
        st.set("pivot", rule.pivot)
        st.set("pivot_set_by", rule.name)
    st.given.add(rule.name)
    if rule.ignored:
        st.ignored.append(rule.name)
    if not strict and (primary, rule.name) not in HARMLESS_OVERLAPS:
        st.notes.append(f"{argv[i]} also fires nanoBragg's {rule.name} branch (substring match, spec 1.1)")


def suggestion(word: str) -> str:
    """`` (did you mean -distance?)`` for the nearest flag of the table, or nothing when none is near."""
    near = difflib.get_close_matches(word, FLAG_WORDS, n=1, cutoff=0.75)
    return f" (did you mean {near[0]}?)" if near else ""


def _walk(argv: Sequence[str], st: ParseState) -> None:
    """The C's argv loop: every word starting with '-' is tested against every rule."""
    consumed_until = -1  # last index consumed as a value of a primary flag
    for i, word in enumerate(argv):
        is_value = i <= consumed_until
        if not word.startswith("-"):
            if not is_value:
                raise TraceDiffError(f"unexpected argument {word!r} (not a value of any flag)", path=st.args_file)
            continue
        matched = [rule for rule in FLAG_TABLE if rule.matches(word)]
        if not matched:
            if is_value:
                continue  # e.g. a negative number: the C tests it, nothing fires
            raise TraceDiffError(f"unknown nanoBragg flag {word!r}{suggestion(word)}", path=st.args_file)
        primary = None if is_value else max(matched, key=lambda r: r.longest_match(word))
        for rule in matched:
            _apply(rule, st, argv, i, strict=rule is primary, primary=primary.name if primary else None)
            if rule.stop:
                break  # the C's `continue`
        if primary is not None:
            consumed_until = max(consumed_until, i + need_take(primary, argv, i)[1])


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def parse_argv(argv: Sequence[str], *, args_file: Path | str | None = None,
               base_dir: Path | str | None = None) -> NanoBraggConfig:
    """Parse nanoBragg arguments (no program name) into a :class:`NanoBraggConfig`.

    Relative input files resolve against ``base_dir``, by default the args file's
    folder (or the current directory when there is no args file). Raises
    :class:`TraceDiffError` naming the flag for an unknown flag, a missing or
    non-numeric value, or an unreadable input file.
    """
    args_path = Path(args_file) if args_file is not None else None
    if base_dir is None and args_path is not None:
        base_dir = args_path.parent
    st = initial_state(Path(base_dir) if base_dir is not None else None, args_path)
    argv = tuple(str(a) for a in argv)
    _walk(argv, st)
    config = resolve(st)
    return replace(config, argv=argv)


def read_args_file(path: Path | str) -> list[str]:
    """The words of an ``args.txt`` (shell-quoted, one or more lines; ``#`` starts a comment)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TraceDiffError(f"cannot read args file ({exc.strerror or exc})", path=path) from None
    except UnicodeDecodeError:
        raise TraceDiffError("args file is not UTF-8 text", path=path) from None
    try:
        return shlex.split(text.replace("\\\n", " "), comments=True)
    except ValueError as exc:
        raise TraceDiffError(f"cannot split args file: {exc}", path=path) from None


def parse_args_file(path: Path | str) -> NanoBraggConfig:
    """Read and parse an ``args.txt``; its relative file names resolve against its folder."""
    return parse_argv(read_args_file(path), args_file=path)
