"""The speed-ups of ingestion must not change a single value: memoised identifier checks agree
with the pure functions of models/, and the fast paths of the reader and the timestamp parser
agree with the general ones."""

from __future__ import annotations

import random
from datetime import date, datetime

import polars as pl

from models import identifiers as ids
from models.ingest import casting
from models.ingest.parsing import parse_date, parse_dates, parse_timestamp, parse_timestamps
from models.ingest.readers import RAW_ERROR, read_delimited


def _codes(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXYX "
    out: list[str] = []
    for i in range(n):
        length = rng.choice((6, 17, 18, 18, 18))
        code = "".join(rng.choice(alphabet) for _ in range(length))
        if i % 3 == 0 and length == 18:  # make a third of them check-digit correct
            code = code[:17] + ids.id_check_char(code[:17]) if code[:17].isdigit() else code
        out.append(code)
    return out + ["１１０１０１１９９００３０７１２３４", "", " 91110000600037341L ", "21", "辽宁"]


def test_memoised_identifier_checks_equal_pure_functions() -> None:
    values = _codes(3000, 7)
    for memo, pure in (
        (casting._clean_code, ids.clean_code),
        (casting._province_code_of, ids.province_code_of),
        (casting._uscc_structure_ok, ids.uscc_structure_ok),
        (casting._id_structure_ok, ids.id_structure_ok),
        (casting._uscc_valid, ids.uscc_valid),
        (casting._vin_valid, ids.vin_valid),
        (casting._area_code_valid, ids.area_code_valid),
        (casting._id_valid, ids.id_valid),
    ):
        for v in values * 2:  # second pass answered from the memo
            assert memo(v) == pure(v), (pure.__name__, v)


def test_memoised_id_check_uses_today() -> None:
    born_later = "11010120990101" + "0000"
    assert casting._id_valid_on(born_later, date(2100, 1, 1)) == ids.id_valid(
        born_later, today=date(2100, 1, 1)
    )
    assert casting._id_valid(born_later) is False


def test_vectorised_distinct_mapping_equals_scalar() -> None:
    values = [*_codes(500, 3), None]
    s = pl.Series("x", values)
    got = s.to_frame().select(pl.col("x").map_batches(casting._vec(ids.id_valid))).to_series()
    assert got.to_list() == [True if v is None else ids.id_valid(v) for v in values]
    mapping = {v: ids.clean_code(v) for v in values if v is not None}
    looked = s.to_frame().select(casting._lookup(pl.col("x"), mapping, pl.String)).to_series()
    assert looked.to_list() == [None if v is None else ids.clean_code(v) for v in values]


def test_parser_fast_path_equals_coalesce_on_a_large_mixed_column() -> None:
    rng = random.Random(5)
    forms = ["2026-05-01 08:30:00", "2026/5/1 8:30", "20260501083000", "46143.5", "昨天", None,
             "2026-05-01T08:30:00+08:00", "2026年5月1日 08:30:00", "2026-02-30 08:00:00"]  # fmt: skip
    s = pl.Series("passed", [rng.choice(forms) for _ in range(5000)])
    adaptive = parse_timestamps(s)
    assert adaptive.name == "passed"
    assert adaptive.to_list() == pl.select(parse_timestamp(pl.lit(s))).to_series().to_list()
    assert datetime(2026, 5, 1, 8, 30) in adaptive.to_list()


def test_reader_blank_lines_skipped_and_broken_lines_flagged() -> None:
    data = b"a,b,c\n1,2,3\n\n  \n4,5\n6,7,8,9\n10,11,12\n"
    frame = read_delimited(data).frame
    assert frame.get_column("_row_no").to_list() == [1, 4, 5, 6]
    assert frame.get_column(RAW_ERROR).to_list() == [None, "truncated_row", "malformed_row", None]
    clean = read_delimited(b"a,b\n1,2\n3,4\n").frame
    assert clean.get_column("_row_no").to_list() == [1, 2]
    assert clean.get_column(RAW_ERROR).null_count() == 2


def test_parser_few_leftovers_path_equals_coalesce() -> None:
    """One dominant form and a few odd values (parsed with all remaining forms at once)."""
    rng = random.Random(8)
    odd = ["2026/5/1 8:30", "20260501083000", "46143.5", "昨天", "2026-05-01T08:30:00Z",
           "2026年5月1日 08:30:00", "2026-02-30 08:00:00", "2026-05-01"]  # fmt: skip
    values = [f"2026-05-{1 + i % 28:02d} 08:{i % 60:02d}:00" for i in range(20_000)]
    for i in rng.sample(range(len(values)), 300):
        values[i] = rng.choice([*odd, None])
    s = pl.Series("passed", values)
    assert (
        parse_timestamps(s).to_list() == pl.select(parse_timestamp(pl.lit(s))).to_series().to_list()
    )
    d = pl.Series("day", [v[:10] if v and i % 97 else v for i, v in enumerate(values)])
    assert parse_dates(d).to_list() == pl.select(parse_date(pl.lit(d))).to_series().to_list()


def _general_list_parts(s: pl.Expr) -> pl.Expr:
    return (
        s.str.strip_chars("[](){}")
        .str.replace_all(casting._LIST_SEPARATORS, ";")
        .str.strip_chars(";")
        .str.split(";")
    )


def test_list_split_fast_path_equals_general_split() -> None:
    columns = [
        ["5290;7970;7920", "1240", None, "12.5;3"],  # plain ';'
        ["1240/1970", "7720/11690/11380", None],  # plain '/'
        ["1,2,3", "4,5"],
        ["1|2", "3|4|5"],
        ["1;;2", "3;4"],  # doubled separator: general path
        [";1;2", "3;4;"],  # edge separators
        ["[1, 2]", "(3;4)"],  # brackets and blanks
        ["1/2", "3;4"],  # mixed separators
        ["1，2", "3、4", "5；6"],  # full-width separators
        ["1 2", "3\t4"],
        ["x;y", "1;z"],  # not numbers: NULL elements either way
    ]
    for values in columns:
        s = pl.Series("v", values, dtype=pl.String)
        frame = s.to_frame()
        fast = frame.select(casting._list_parts(s, pl.col("v"))).to_series()
        general = frame.select(_general_list_parts(pl.col("v"))).to_series()
        assert fast.to_list() == general.to_list(), values


def test_plate_pairs_equal_the_scalar_normalisers() -> None:
    from models.plates import normalise_plate, normalise_plate_color

    plates = ["辽A12345", "辽A12345黄", "吉B·0K123", "未识别", None, "黑A1234挂", "ＸＸ", None]
    colours = ["黄", None, "2", "蓝", "1", "紫", None, None]
    out = casting.normalise_plate_pairs(plates, colours, "xiansuo")
    for i, (text, colour_text) in enumerate(zip(plates, colours, strict=True)):
        norm = normalise_plate(text) if text is not None else None
        coded = normalise_plate_color(colour_text) if colour_text is not None else None
        plate = norm.plate if norm else None
        colour = coded if coded is not None else (norm.colour if norm else None)
        assert out["plate"][i] == plate
        assert out["plate_color"][i] == colour
        assert out["plate_key"][i] == (None if plate is None else plate + "|" + (colour or ""))
        assert out["plate_readable"][i] is (plate is not None)
        assert out["_plate_valid"][i] is (bool(norm.valid) if norm else False)
        assert out["_colour_unknown"][i] is (colour_text is not None and coded is None)


def _plate_texts(n: int, seed: int) -> list[str | None]:
    """Plate texts as cameras and clerks write them: canonical reads and every kind of mess
    (full-width, lower case, blanks, dots, colour words, O/I, new-energy, 挂, trailing newline,
    full-width or other Unicode digits), plus random strings over the same characters."""
    rng = random.Random(seed)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZIO"
    tails = ("", "", "", "黄", "蓝色", "(黄)", "挂", "学", "\n", " ", "·")
    out: list[str | None] = [None, "", "未识别", "辽A12345", "辽A1234O", "辽AD12345", "辽A12345D",
                             "辽A１２３４５", "辽A12345\n", "辽A12345黄", "辽a12345", "辽A٣2345",
                             "辽A12345挂", "蒙K0000学", "辽I12345", "京A12345"]  # fmt: skip
    for _ in range(n):
        body = "".join(rng.choice(letters + "0123456789" * 3) for _ in range(rng.choice((5, 6))))
        text = rng.choice("辽吉黑蒙京X") + rng.choice(letters) + body + rng.choice(tails)
        if rng.random() < 0.1:
            text = text.lower()
        if rng.random() < 0.1:  # full-width form of one character
            i = rng.randrange(1, len(text))
            if "!" <= text[i] <= "~":
                text = text[:i] + chr(ord(text[i]) + 0xFEE0) + text[i + 1 :]
        out.append(text)
    return out


def test_canonical_plate_text_is_its_own_normal_form() -> None:
    """Every text CANONICAL_PLATE matches (Rust regex, as ingestion runs it) normalises to
    itself, readable, valid and without a colour word."""
    from models.plates import CANONICAL_PLATE, Plate, normalise_plate

    texts = [t for t in _plate_texts(20_000, 5) if t is not None]
    hits = pl.Series(texts).str.contains(CANONICAL_PLATE).to_list()
    assert sum(hits) > 1000  # the check below covers many matching texts
    for text, hit in zip(texts, hits, strict=True):
        if hit:
            assert normalise_plate(text) == Plate(text, None, True, True), text
    assert not any(
        pl.Series(["辽A１２３４５", "辽A12345\n", "辽A٣2345"]).str.contains(CANONICAL_PLATE)
    )


def test_plates_step_equals_the_scalar_normalisers() -> None:
    """`_plates` (canonical texts vectorised, the rest through Python) gives every row exactly
    the values of the scalar normalisers, for each colour code set."""
    from data_contracts.contract import load_contract

    contract = load_contract("weigh_records")
    texts = _plate_texts(3000, 11)
    rng = random.Random(3)
    colours = [rng.choice([None, "黄", "2", "蓝色", "紫", " 1", "9", "黄绿"]) for _ in texts]
    typed = pl.DataFrame({"p": texts, "c": colours}, schema={"p": pl.String, "c": pl.String})
    for code_set in ("xiansuo", "etc"):
        mapping = casting.map_headers(["plate", "plate_color"], contract)
        mapping.columns = {"plate": "p", "plate_color": "c"}
        out, _ = casting._plates(typed, contract, mapping, code_set)
        expected = casting.normalise_plate_pairs(texts, colours, code_set)
        for name, values in expected.items():
            assert out.get_column(name).to_list() == values, (code_set, name)
    only_plates = casting.map_headers(["plate"], contract)
    only_plates.columns = {"plate": "p"}
    out, _ = casting._plates(typed.select("p"), contract, only_plates, "xiansuo")
    expected = casting.normalise_plate_pairs(texts, [None] * len(texts), "xiansuo")
    for name, values in expected.items():
        assert out.get_column(name).to_list() == values, name


_WEIGH_HEADER = ("检测单号,站点编号,检测时间,车牌号码,车牌颜色,识别置信度,轴数,是否汽车列车,"
                 "牵引车单驱动轴,总重(吨),轴重(吨),长,宽,高,车速(km/h),车道,处理结果,运单号,驾驶员证件号")  # fmt: skip
# a value for each column that is empty in every row of the file below
_FILLED = {5: "0.9", 8: "是", 10: "5.2;7.9", 11: "12.5", 12: "2.5", 13: "3.9", 14: "61.5",
           15: "2", 16: "放行", 18: "110101199003071234"}  # fmt: skip


def _messy_weigh_rows() -> list[list[str]]:
    forms = ["2026-05-01 08:30:00", "2026/5/1 8:30", "20260501083000", "46143.5", "昨天", "",
             "2026-05-01T08:30:00+08:00", "2026年5月1日 08:30:00", "2026-02-30 08:00:00"]  # fmt: skip
    rows = []
    for i in range(60):
        rows.append([f"JL-{i:04d}", "22Y0001", forms[i % len(forms)], "吉A12345" if i % 4 else "",
                     "2", "", str(2 + i % 7), "是" if i % 2 else "否", "", f"{10 + i / 7:.2f}",
                     "", "", "", "", "", "", "", f"YD{i}", ""])  # fmt: skip
    return rows


def _cast_weigh(rows: list[list[str]], *, truncate: int | None = None) -> casting.CastResult:
    from data_contracts.contract import load_contract

    lines = [_WEIGH_HEADER] + [",".join(r) for r in rows]
    if truncate is not None:  # one line cut short: a truncated_row
        lines[truncate] = ",".join(rows[truncate - 1][:7])
    data = ("\n".join(lines) + "\n").encode("gb18030")
    raw = read_delimited(data)
    assert raw.encoding == "gb18030"
    return casting.cast_frame(
        raw.frame, load_contract("weigh_records"), province="22", file_id="f",
        now=datetime(2026, 11, 20, 12),
    )  # fmt: skip


def test_empty_columns_type_like_the_general_path() -> None:
    """Columns present in a file but empty in every row skip their parsing: the rows come out
    as if the column had values elsewhere (the general path), on a messy GB18030 export with
    tonnes headers, mixed timestamp forms, an Excel serial and a truncated line."""
    rows = _messy_weigh_rows()
    fast = _cast_weigh(rows, truncate=7)
    filled = [r.copy() for r in rows[:1]]
    for i, v in _FILLED.items():
        filled[0][i] = v
    filled[0][0] = "JL-EXTRA"
    general = _cast_weigh([*rows, *filled], truncate=7)
    extra_row = len(rows) + 1
    accepted = general.accepted.filter(pl.col("_row_no") != extra_row)
    assert fast.accepted.schema == general.accepted.schema
    assert fast.accepted.to_dicts() == accepted.to_dicts()
    quarantined = general.quarantined.filter(pl.col("_row_no") != extra_row)
    assert fast.quarantined.to_dicts() == quarantined.to_dicts()
    reasons = {r for rs in fast.quarantined.get_column("reasons").to_list() for r in rs}
    assert {"truncated_row", "bad_timestamp"} <= reasons
    assert fast.accepted.get_column("gross_kg").max() > 10_000  # tonnes → kg
    assert general.accepted.filter(pl.col("_row_no") == extra_row).height == 1
