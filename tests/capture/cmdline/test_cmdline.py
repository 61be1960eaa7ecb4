"""nanoBragg argv parsing: the C's matching rules, units, post-parse resolution and errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracediff.capture.cmdline.readers import c_atof, c_atoi
from tracediff.capture.cmdline.table import FLAG_TABLE, IGNORED_FLAGS
from tracediff.capture.cmdline.limits import check_runnable
from tracediff.capture.cmdline.walk import parse_args_file, parse_argv, read_args_file
from tracediff.capture.config import RTD, NanoBraggConfig
from tracediff.errors import TraceDiffError

BASE = ["-cell", "100", "100", "100", "90", "90", "90", "-default_F", "100"]


def parse(*words: str) -> NanoBraggConfig:
    return parse_argv(list(words))


# --- units -------------------------------------------------------------------


def test_units_are_si_like_the_c() -> None:
    c = parse("-distance", "120", "-pixel", "0.172", "-Xbeam", "30.5", "-lambda", "6.2",
              "-detector_rotx", "3.7", "-twotheta", "15", "-beamsize", "0.05", "-water", "20", "-dmin", "2")
    assert c.distance == 120 / 1000.0
    assert c.pixel_size == 0.172 / 1000.0
    assert c.xbeam == 30.5 / 1000.0
    assert c.lambda0 == 6.2 / 1e10
    assert c.detector_rotx == 3.7 / RTD
    assert c.twotheta == 15 / RTD == pytest.approx(math.radians(15), rel=1e-15)
    assert c.beamsize == 0.05 / 1000
    assert c.water_size == 20 / 1e6
    assert c.dmin == 2 * 1e-10


def test_energy_and_lambda_last_word_wins() -> None:
    assert parse("-lambda", "1", "-energy", "12398.42").lambda0 == (12398.42 / 12398.42) / 1e10
    assert parse("-energy", "6199.21", "-wave", "1.5").lambda0 == 1.5 / 1e10


def test_defaults_match_the_c() -> None:
    c = parse()
    assert (c.convention, c.pivot) == ("MOSFLM", "BEAM")
    assert (c.fpixels, c.spixels) == (1024, 1024)
    assert c.distance == 0.1 and c.pixel_size == 0.1e-3 and c.lambda0 == 1e-10
    assert c.polarization == 0.0  # Q31: the usage text says 1
    assert c.fluence == 1.25932015286227086e29
    assert c.twotheta_axis == (0.0, 1.0, 0.0)  # CUSTOM default, not MOSFLM's
    assert c.mosaic_seed == -12345678
    assert c.oversample is None and c.interpolate is None and c.trace_pixel is None


# --- substring matching quirks (spec 1.1) --------------------------------------


def test_twotheta_axis_also_sets_twotheta_and_sample_pivot() -> None:
    c = parse("-twotheta", "20", "-twotheta_axis", "1", "0", "0")
    assert c.twotheta == 1 / RTD
    assert c.convention == "CUSTOM" and c.pivot == "SAMPLE"
    assert c.twotheta_axis == (1.0, 0.0, 0.0)
    assert any("-twotheta" in n for n in c.notes)
    c = parse("-twotheta", "20", "-twotheta_axis", "0", "0", "-1")
    assert c.twotheta == 0.0
    assert parse("-twotheta_axis", "0", "0", "-1", "-twotheta", "12.5").twotheta == 12.5 / RTD


def test_misset_seed_also_reads_misset_angles() -> None:
    c = parse("-misset_seed", "5", "-N", "3")
    assert c.misset_seed == -5
    # the C's -misset branch reads atof("5"), atof("-N"), atof("3") degrees
    assert c.misset == (5 / RTD, 0.0, 3 / RTD)


def test_printout_pixel_and_pix0_vector_mm_fire_their_prefix_branch() -> None:
    c = parse("-printout_pixel", "1", "2", "-pix0_vector_mm", "100", "-5", "6")
    assert "-printout" in c.given and "-printout_pixel" in c.given
    assert c.convention == "CUSTOM"
    assert c.pix0_vector == (100.0, -5.0, 6.0)  # stored unconverted, never used (Q20)


@pytest.mark.parametrize("word, not_fired", [
    ("-close_distance", "-distance"), ("-hdivsteps", "-divsteps"), ("-mosaic_seed", "-seed"),
    ("-pgmscale", "-scale"), ("-noprogress", "-progress"), ("-nointerpolate", "-interpolate"),
    ("-phisteps", "-phi"), ("-phisteps", "-phistep"), ("-polar_vector", "-polar"), ("-mosaic_domains", "-mosaic"),
    ("-detpixels_x", "-detpixels"), ("-detsize_f", "-detsize"), ("-detector_thicksteps", "-detector_thick"),
    ("-hdivsteps", "-hdivstep"), ("-stolout", "-stol"),
])
def test_leading_dash_and_length_guards_prevent_collisions(word: str, not_fired: str) -> None:
    rules = {r.name: r for r in FLAG_TABLE}
    assert not rules[not_fired].matches(word)


def test_exact_match_flags() -> None:
    rules = {r.name: r for r in FLAG_TABLE}
    assert rules["-N"].matches("-N") and not rules["-N"].matches("-Na")
    assert not rules["-misset"].matches("-miss")


def test_negative_numbers_are_values() -> None:
    c = parse("-detector_roty", "-12.25", "-fdet_vector", "-0.02", "-0.03", "0.99")
    assert c.detector_roty == -12.25 / RTD
    assert c.fdet_vector == (-0.02, -0.03, 0.99)


def test_dump_pixel_is_an_alias_of_trace_pixel_slow_first() -> None:
    assert parse("-trace_pixel", "20", "30").trace_pixel == (20, 30)
    assert parse("-dump_pixel", "7", "8").trace_pixel == (7, 8)


# --- argv order facts --------------------------------------------------------


@pytest.mark.parametrize("words, pivot, by", [
    (["-fdet_vector", "0", "0", "1", "-twotheta", "10", "-distance", "100"], "BEAM", "-distance"),
    (["-distance", "100", "-fdet_vector", "0", "0", "1", "-twotheta", "10"], "SAMPLE", "-twotheta"),
    (["-Xbeam", "14", "-distance", "110", "-pivot", "sample"], "SAMPLE", "-pivot"),
    (["-close_distance", "90", "-pivot", "beam"], "BEAM", "-pivot"),
    (["-ORGX", "10"], "SAMPLE", "-ORGX"),
    (["-dials"], "BEAM", "-dials"),  # forced to SAMPLE only by the convention block
])
def test_parsed_pivot_is_the_last_pivot_word(words: list[str], pivot: str, by: str) -> None:
    c = parse(*words)
    assert (c.pivot, c.pivot_set_by) == (pivot, by)


def test_convention_is_the_last_convention_word() -> None:
    assert parse("-xds", "-fdet_vector", "1", "0", "0").convention == "CUSTOM"
    c = parse("-fdet_vector", "1", "0", "0", "-adxv")
    assert c.convention == "ADXV" and c.convention_set_by == "-adxv"


def test_polar_clears_nopolar_in_argv_order() -> None:
    assert parse("-nopolar", "-polar", "0.5").nopolar is False
    c = parse("-polar", "0.5", "-nopolar")
    assert c.nopolar is True and c.polarization == 0.5


# --- post-parse resolution -----------------------------------------------------


def test_detpixels_beat_detsize_whatever_the_order() -> None:
    for words in (["-detpixels", "64", "-detsize", "20"], ["-detsize", "20", "-detpixels", "64"]):
        c = parse(*words)
        assert (c.fpixels, c.spixels) == (64, 64)
        assert c.detsize_f == 0.1e-3 * 64
    c = parse("-detsize_f", "20", "-detpixels_y", "50", "-pixel", "0.2")
    assert (c.fpixels, c.spixels) == (100, 50)
    assert c.roi == (0, 100, 0, 50)


def test_detector_size_rounds_halves_down() -> None:
    # ceil(x - 0.5): 10.25 mm / 0.5 mm = 20.5 -> 20
    assert parse("-detsize", "10.25", "-pixel", "0.5").fpixels == 20


def test_fluence_from_flux_overrides_fluence() -> None:
    c = parse("-fluence", "1e20", "-flux", "1e12", "-exposure", "0.5", "-beamsize", "0.05")
    beamsize = 0.05 / 1000
    assert c.fluence == 1e12 * 0.5 / beamsize / beamsize
    assert c.flux == c.fluence / 0.5 * beamsize * beamsize


@pytest.mark.parametrize("words, osc, phistep, steps", [
    ([], 0.0, 0.0, 1),
    (["-phistep", "0.1"], 0.1 / RTD, 0.1 / RTD, 2),
    (["-osc", "1"], 1 / RTD, 1 / RTD / 2.0, 2),
    (["-osc", "1", "-phistep", "0.3"], 1 / RTD, 0.3 / RTD, 4),
    (["-phisteps", "4"], 1.0 / RTD, 1.0 / RTD / 4, 4),
    (["-phisteps", "0"], 1.0 / RTD, 1.0 / RTD, 1),
    (["-phisteps", "5", "-phistep", "0.1"], 0.1 / RTD, 0.1 / RTD, 2),
    (["-phisteps", "5", "-osc", "0.5"], 0.5 / RTD, 0.5 / RTD / 5, 5),
])
def test_phi_schedule_table(words: list[str], osc: float, phistep: float, steps: int) -> None:
    c = parse(*words)
    assert (c.osc, c.phistep, c.phisteps) == (osc, phistep, steps)


def test_sampling_rules_for_sources_thickness_and_mosaic() -> None:
    c = parse("-dispersion", "10", "-dispsteps", "3")
    assert (c.dispersion, c.dispstep, c.dispsteps) == (0.1, 0.1 / 2, 3)
    assert parse("-dispsteps", "3").dispsteps == 1  # zero range collapses
    c = parse("-hdivsteps", "3")
    assert (c.hdivrange, c.hdivstep, c.hdivsteps) == (1.0, 1.0 / 3, 3)
    c = parse("-divergence", "0.5")
    assert (c.hdivrange, c.hdivsteps, c.vdivsteps) == (0.5 / 1000, 2, 2)
    c = parse("-detector_thick", "100", "-detector_abs", "50")
    assert (c.detector_thicksteps, c.detector_thickstep) == (2, 100 * 1e-6 / 2)  # atof(v)*1e-6
    assert c.detector_mu == 1.0 / (50 * 1e-6)
    c = parse("-detector_thick", "100", "-thicksteps", "3")
    assert (c.detector_thicksteps, c.detector_thickstep, c.detector_mu) == (3, 100 * 1e-6 / 2, 1.0 / (100 * 1e-6))
    assert parse("-thicksteps", "5").detector_thicksteps == 1
    assert parse("-detector_thick", "100", "-detector_abs", "inf").detector_thick == 0.0
    assert (parse("-mosaic", "0.5").mosaic_domains, parse("-mosaic_domains", "6").mosaic_domains) == (10, 1)
    c = parse("-mosaic", "0.5", "-mosaic_domains", "6")
    assert (c.mosaic_spread, c.mosaic_domains) == (0.5 / RTD, 6)


def test_cell_defaults() -> None:
    c = parse("-cell", "70", "-default_F", "1")
    assert c.cell == (70.0, 70.0, 70.0, math.pi / 2, math.pi / 2, math.pi / 2)
    c = parse("-cell", "70", "80", "90", "75", "85", "95")
    assert c.cell == (70.0, 80.0, 90.0, 75 / RTD, 85 / RTD, 95 / RTD)


def test_switches_and_ignored_output_flags() -> None:
    c = parse("-oversample_omega", "-oversample_polar", "-oversample_thick", "-point_pixel", "-nointerpolate",
              "-round_xtal", "-floatfile", "img.bin", "-intfile", "x.smv", "-noisefile", "n.smv", "-nonoise",
              "-nopgm", "-seed", "7", "-scale", "2", "-progress", "-noprogress", "-curved_det", "1")
    assert (c.oversample_omega, c.oversample_polar, c.oversample_thick, c.point_pixel) == (True, True, True, True)
    assert c.interpolate is False and c.xtal_shape == "ROUND" and c.curved_detector
    assert c.oversample is None  # -oversample_* are switches, not -oversample
    assert {"-floatfile", "-intfile", "-noisefile", "-nonoise", "-nopgm", "-scale"} <= set(c.ignored)
    assert "-floatfile" in IGNORED_FLAGS


def test_curved_det_takes_an_ignored_word_only_when_there_is_one() -> None:
    assert parse("-curved_det", "-distance", "90").curved_detector
    assert parse("-curved_det", "-distance", "90").distance == 0.09
    with pytest.raises(TraceDiffError, match="-curved_det"):
        parse("-curved_det")


def test_roi_and_oversample() -> None:
    c = parse("-roi", "1", "2", "3", "4", "-oversample", "3")
    assert c.roi == (1, 2, 3, 4) and c.oversample == 3
    assert parse("-oversample", "0").oversample is None  # auto


# --- errors ------------------------------------------------------------------


@pytest.mark.parametrize("words, flag", [
    (["-bogus"], "-bogus"),
    (["-distance"], "-distance"),
    (["-distance", "far"], "-distance"),
    (["-fdet_vector", "1", "0"], "-fdet_vector"),
    (["-fdet_vector", "1", "0", "x"], "-fdet_vector"),
    (["-N", "five"], "-N"),
    (["-pivot", "middle"], "-pivot"),
    (["-mat", "no-such-file.mat"], "-mat"),
    (["-hkl", "no-such-file.hkl"], "-hkl"),
    (["-cell", "-default_F", "1"], "-cell"),
    (["-img", "frame.img"], "-img"),
])
def test_errors_name_the_flag(words: list[str], flag: str) -> None:
    with pytest.raises(TraceDiffError) as info:
        parse_argv(words)
    assert flag in str(info.value)


def test_stray_word_is_an_error() -> None:
    with pytest.raises(TraceDiffError, match="unexpected argument 'oops'"):
        parse("-distance", "100", "oops")


def test_args_file_relative_paths_and_error_path(tmp_path: Path) -> None:
    case = tmp_path / "case"
    (tmp_path / "inputs").mkdir()
    case.mkdir()
    (tmp_path / "inputs" / "A.mat").write_text("0.01 0 0\n0 0.01 0\n0 0 0.01\n")
    args = case / "args.txt"
    args.write_text("-mat ../inputs/A.mat -default_F 10 -distance 100\n")
    c = parse_args_file(args)
    assert c.matfile == case / ".." / "inputs" / "A.mat"
    assert c.args_file == args and c.base_dir == case
    args.write_text("-mat ../inputs/missing.mat -default_F 10\n")
    with pytest.raises(TraceDiffError) as info:
        parse_args_file(args)
    assert info.value.path == args and "-mat" in str(info.value)


def test_read_args_file_quotes_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "args.txt"
    path.write_text("# a comment\n-distance 100 \\\n  -floatfile 'my img.bin'\n")
    assert read_args_file(path) == ["-distance", "100", "-floatfile", "my img.bin"]
    with pytest.raises(TraceDiffError):
        read_args_file(tmp_path / "missing.txt")


def test_check_runnable_mirrors_the_c_usage_exit() -> None:
    check_runnable(parse(*BASE))
    with pytest.raises(TraceDiffError, match="-cell or -mat"):
        check_runnable(parse("-default_F", "1"))
    with pytest.raises(TraceDiffError, match="-hkl"):
        check_runnable(parse("-cell", "100"))


def test_every_reference_style_flag_is_in_the_table() -> None:
    names = {r.name for r in FLAG_TABLE}
    for flag in ("-mosflm", "-xds", "-dials", "-adxv", "-denzo", "-pix0_vector", "-spindle_axis", "-water",
                 "-oversample_thick", "-sourcefile", "-mosaic_domains", "-misset_seed", "-interpolate"):
        assert flag in names


# --- C number reading ----------------------------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_c_atof_reads_python_repr(x: float) -> None:
    assert c_atof(repr(x)) == x


def test_c_atof_atoi_leniency() -> None:
    assert c_atof("-N") == 0.0 and c_atof("1.5e3x") == 1500.0 and c_atof("inf") == math.inf
    assert c_atoi("2.5") == 2 and c_atoi("1e3") == 1 and c_atoi("-7") == -7 and c_atoi("x") == 0
    assert parse("-N", "2.5").na == 2  # atoi, as the C
