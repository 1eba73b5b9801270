"""Bad input gets a clear, located error: never a deep traceback, never a child's data."""

from __future__ import annotations

import pytest

from cme_policy import (
    CaseError,
    CMEPolicyError,
    EvaluationDateError,
    PolicyError,
    UnknownAuthorityError,
    evaluate,
    load_policy,
)

SECRET = "2015-02-30"  # an impossible date of birth that must not be echoed back


def test_malformed_case_names_paths_not_values(kent_case):
    kent_case["child"]["date_of_birth"] = SECRET
    kent_case["child"]["looked_after"] = "Jane Smith lives at 1 High St"
    kent_case["child"]["nickname"] = "Janey"
    kent_case["history"] = [{"event": "cme_referal_made", "on": "2025-02-20"}]
    with pytest.raises(CaseError) as info:
        evaluate("kent", kent_case, on="2025-03-03")
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, CMEPolicyError)
    paths = {p.path for p in err.problems}
    assert paths == {"child.date_of_birth", "child.looked_after", "child.nickname", "history[0].event"}
    text = str(err)
    for leaked in (SECRET, "Jane Smith", "High St", "Janey", "cme_referal_made"):
        assert leaked not in text


@pytest.mark.parametrize("bad", ["03/03/2025", "2025-3-3", "2025-02-30", "tomorrow", 20250303])
def test_evaluation_date_in_the_wrong_format(kent_case, bad):
    with pytest.raises(EvaluationDateError) as info:
        evaluate("kent", kent_case, on=bad)
    assert isinstance(info.value, ValueError)
    assert info.value.problems[0].path == "on"


def test_unknown_authority_suggests_the_near_name():
    with pytest.raises(UnknownAuthorityError) as info:
        load_policy("kentt")
    assert isinstance(info.value, ValueError) and isinstance(info.value, LookupError)
    assert "did you mean 'kent'" in str(info.value)


def test_case_must_be_a_mapping():
    with pytest.raises(CaseError):
        evaluate("kent", ["not", "a", "case"], on="2025-03-03")  # type: ignore[arg-type]


def _pack(tmp_path, text: str):
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
id: test
authority: {id: test, name: Test Council}
sources:
  - {id: src, title: Test policy, publisher: Test Council}
rules:
  - id: refer
    title: Refer
    citation: {source: src, section: "1"}
    when: {fact: school.on_roll, is: true}
    then:
      - kind: refer_to_cme
        actor: school
        deadline: {type: by, anchor: absence_started, after: {school_days: 10}}
"""


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("is: true", "is: no"), 9, "yes/no/on/off/y/n as booleans"),
        (("school_days: 10", "school_days: 010"), 13, "a leading 0"),
        (("school_days: 10", "school_days: ten"), 13, "expected a whole number"),
        (("fact: school.on_roll", "fact: school.onroll"), 9, "did you mean 'school.on_roll'"),
        (
            ('section: "1"', 'section: "1"}\n    citation: {source: src, section: "2"'),
            9,
            "duplicate key 'citation'",
        ),
        (("source: src, section", "source: srcx, section"), 8, "undeclared source 'srcx'"),
        (("kind: refer_to_cme", "kind: refer_to_cmee"), 11, "did you mean 'refer_to_cme'"),
        (("anchor: absence_started", "anchor: absence_start"), 13, "did you mean 'absence_started'"),
        (("title: Refer", "title: !!python/object/apply:os.system [ls]"), 7, "tag"),
    ],
)
def test_broken_pack_errors_are_located(tmp_path, change, line, message):
    path = _pack(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(PolicyError) as info:
        load_policy(str(path))
    hits = [p for p in info.value.problems if message in p.message]
    assert hits, str(info.value)
    assert hits[0].file == str(path) and hits[0].line == line


def test_every_problem_is_reported_at_once(tmp_path):
    text = MINIMAL.replace("is: true", "is: no").replace("source: src, section", "source: x, section")
    with pytest.raises(PolicyError) as info:
        load_policy(str(_pack(tmp_path, text)))
    assert {p.path for p in info.value.problems} == {"rules[0].when.is", "rules[0].citation.source"}
    text = MINIMAL.replace("school_days: 10", "school_days: ten").replace(
        "fact: school.on_roll", "fact: school.onroll"
    )
    with pytest.raises(PolicyError) as info:
        load_policy(str(_pack(tmp_path, text)))
    assert len(info.value.problems) == 2  # a wrong type does not hide the unknown fact


def test_aliases_are_refused(tmp_path):
    text = MINIMAL.replace("title: Refer", "title: &t Refer\n    note: *t")
    with pytest.raises(PolicyError, match="anchors"):
        load_policy(str(_pack(tmp_path, text)))


def test_alias_bombs_are_refused_without_expanding(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(PolicyError):
        load_policy(str(_pack(tmp_path, bomb)))


def test_huge_files_are_refused_before_parsing(tmp_path):
    path = _pack(tmp_path, MINIMAL + "#" + "x" * (3 * 1024 * 1024) + "\n")
    with pytest.raises(PolicyError, match="larger than"):
        load_policy(str(path))


def test_deep_nesting_is_refused(tmp_path):
    with pytest.raises(PolicyError, match="nested too deeply"):
        load_policy(str(_pack(tmp_path, "a: " + "[" * 200 + "]" * 200 + "\n")))


def test_a_pack_that_is_not_yaml_text(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(PolicyError, match="UTF-8"):
        load_policy(str(path))


def test_an_edited_pack_is_reloaded_not_served_from_cache(tmp_path):
    path = _pack(tmp_path, MINIMAL)
    assert load_policy(str(path)).rules[0].title == "Refer"
    path.write_text(MINIMAL.replace("title: Refer", "title: Refer the child"), encoding="utf-8")
    assert load_policy(str(path)).rules[0].title == "Refer the child"
