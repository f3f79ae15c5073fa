"""复制比 on a corpus of originals and their edits (issue: honest records)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiaoben.core import textsim
from xiaoben.core.textsim import Pool, SourceRef, TextSource

from .textsim_corpus import NEW_WRITING, ORIGINALS, TEMPLATE_XINDE, add_sentence, light_edit, move_sentence, swap_words

FLAG = 0.30  # the default school threshold


def share(text: str, source: str) -> float:
    return textsim.compare(text, [(SourceRef("t", 1), source)]).share


def true_share(mixture: str, copied: str) -> float:
    """The copied part's share of the mixture, in normalised characters."""
    return len(textsim.normalise(copied).text) / len(textsim.normalise(mixture).text)


@pytest.mark.parametrize("name", sorted(ORIGINALS))
@pytest.mark.parametrize("edit", [swap_words, move_sentence, add_sentence, light_edit], ids=lambda f: f.__name__)
def test_every_edited_copy_is_flagged(name, edit):
    original = ORIGINALS[name]
    assert share(edit(original), original) >= FLAG


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_verbatim_copy_is_all_copied(name):
    assert share(ORIGINALS[name], ORIGINALS[name]) > 0.97


def test_punctuation_and_width_do_not_hide_a_copy():
    original = ORIGINALS["poetry"]
    disguised = original.replace("，", ",").replace("。", ". ").replace("“", '"').replace("”", '"')
    disguised = disguised.replace("一", "一 ")  # spaces sprinkled in
    assert share(disguised, original) > 0.95


@pytest.mark.parametrize("name", sorted(ORIGINALS))
def test_a_copied_paragraph_inside_a_new_text_is_found_with_its_share(name):
    paragraph = ORIGINALS[name][:150]
    mixture = NEW_WRITING[:120] + paragraph + NEW_WRITING[120:]
    expected = true_share(mixture, paragraph)
    got = share(mixture, ORIGINALS[name])
    assert abs(got - expected) <= 0.10, (got, expected)


def test_a_short_text_copied_out_of_a_long_one():
    long_text = "".join(ORIGINALS.values())
    short = ORIGINALS["experiment"][40:220]
    assert share(short, long_text) > 0.9


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(sorted(ORIGINALS), 2)))
def test_different_texts_sharing_stock_phrases_are_not_flagged(a, b):
    assert share(ORIGINALS[a], ORIGINALS[b]) < 0.05
    assert share(ORIGINALS[a] + "以上是我的一点粗浅体会。不足之处，敬请批评指正。", ORIGINALS[b] + "以上是我的一点粗浅体会。") < 0.05


def test_report_shows_aligned_passages_in_the_original_writing():
    original = ORIGINALS["fractions"]
    report = textsim.compare(light_edit(original), [(SourceRef("t", 7), original)])
    [src] = report.sources
    assert src.ref == SourceRef("t", 7)
    longest = max(src.passages, key=lambda p: len(p.mine))
    edited = textsim.normalise(light_edit(original)).text
    positions = [edited.index(textsim.normalise(p.mine).text) for p in src.passages]
    assert positions == sorted(positions)  # shown in reading order
    assert len(longest.mine) >= 20 and longest.mine.replace("，", "") in light_edit(original).replace("，", "")
    assert textsim.normalise(longest.mine).text == textsim.normalise(longest.theirs).text


def test_two_sources_add_up_without_double_counting():
    a, b = ORIGINALS["reading"][:160], ORIGINALS["homework"][:160]
    mixture = a + NEW_WRITING + b
    report = textsim.compare(mixture, [(SourceRef("t", 1), ORIGINALS["reading"]), (SourceRef("t", 2), ORIGINALS["homework"])])
    assert len(report.sources) == 2
    assert abs(report.share - (true_share(mixture, a) + true_share(mixture, b))) <= 0.10
    both = textsim.compare(mixture, [(SourceRef("t", 1), ORIGINALS["reading"]), (SourceRef("t", 3), ORIGINALS["reading"])])
    assert both.share <= true_share(mixture, a) + 0.05  # the same passage in two sources counts once


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_share_is_a_fraction_for_any_text(text):
    s = textsim.compare(text, [(SourceRef("t", 1), ORIGINALS["poetry"])]).share
    assert 0.0 <= s <= 1.0


def test_a_long_common_run_always_shares_a_fingerprint():
    run = ORIGINALS["classroom"][50 : 50 + textsim.W + textsim.K + 2]
    a = NEW_WRITING[:80] + run + NEW_WRITING[80:]
    b = ORIGINALS["reading"][:90] + run + ORIGINALS["homework"][:90]
    assert set(textsim.fingerprints(a)) & set(textsim.fingerprints(b))


# The index: candidates from the pool, filtered before ranking -------------------------------------


@pytest.fixture
def texts():
    store: dict[int, str] = {}
    textsim.register_source(TextSource("test.text", "测试", lambda ids: {i: store[i] for i in ids if i in store}))
    return store


def _add(store, pk, body, school_id, region_id=None):
    store[pk] = body
    textsim.index(SourceRef("test.text", pk), body, school_id=school_id, region_id=region_id)


def test_same_school_source_found_among_many_similar_texts_of_other_schools(db, texts):
    original = ORIGINALS["fractions"]
    _add(texts, 1, original, school_id=1)
    for i in range(40):  # forty lightly edited versions in other schools, closer to each other than to ours
        _add(texts, 100 + i, swap_words(original) + f"（第{i}稿）", school_id=1000 + i)
    report = textsim.check(light_edit(original), Pool(school_id=1))
    assert [s.ref.object_id for s in report.sources] == [1]
    assert report.share >= FLAG


def test_many_copies_shared_across_the_district_do_not_make_a_text_stock(db, texts):
    """More region-shared copies of a reflection than the cap: the fingerprints are common in
    the district but not in the school's corpus, so the school's source is still found."""
    original = ORIGINALS["fractions"]
    _add(texts, 1, original, school_id=1)
    for i in range(textsim.CAP + 10):
        _add(texts, 100 + i, swap_words(original) + f"（第{i}稿）", school_id=1000 + i, region_id=10)
    report = textsim.check(light_edit(original), Pool(school_id=1, region_ids=(10,)))
    assert report.share >= FLAG and 1 in [s.ref.object_id for s in report.sources]


def test_region_shared_texts_and_libraries_are_in_the_pool_private_ones_not(db, texts):
    _add(texts, 1, ORIGINALS["poetry"], school_id=2, region_id=10)  # shared with region 10
    _add(texts, 2, ORIGINALS["reading"], school_id=2)  # private to school 2
    _add(texts, 3, TEMPLATE_XINDE, school_id=None, region_id=9)  # district library (region 9 above 10)
    pool = Pool(school_id=1, region_ids=(10, 9))
    assert textsim.check(swap_words(ORIGINALS["poetry"]), pool).sources[0].ref.object_id == 1
    assert textsim.check(ORIGINALS["reading"], pool).sources == []
    found = textsim.check(swap_words(TEMPLATE_XINDE), pool)
    assert found.sources[0].ref.object_id == 3 and found.share >= FLAG


def test_exclude_leaves_a_text_out(db, texts):
    _add(texts, 1, ORIGINALS["homework"], school_id=1)
    assert textsim.check(ORIGINALS["homework"], Pool(1), exclude=[SourceRef("test.text", 1)]).sources == []


def test_candidates_answer_in_one_query(db, texts, django_assert_num_queries):
    for i, body in enumerate(ORIGINALS.values()):
        _add(texts, i, body, school_id=1)
    with django_assert_num_queries(1):
        textsim.candidates(light_edit(ORIGINALS["poetry"]), Pool(1, region_ids=(5, 6)))


def test_a_fingerprint_in_more_texts_than_the_cap_is_read_only_up_to_the_cap(db, texts):
    """However large the district, one check reads at most CAP rows per fingerprint."""
    for i in range(textsim.CAP + 15):
        _add(texts, 1000 + i, BOILERPLATE + f"第{i}篇", school_id=1)
    hashes = textsim.fingerprints(BOILERPLATE)
    rows = textsim.pool_matches(hashes, Pool(1))
    per = {h: sum(1 for r in rows if r[0] == h) for h in hashes}
    assert max(per.values()) == textsim.CAP


BOILERPLATE = "坚持立德树人根本任务，认真落实“双减”政策要求，全面提升课堂教学质量，促进学生全面而有个性地发展。"


def test_a_passage_common_across_the_schools_corpus_is_stock_text_not_a_copy(db, texts):
    """Stock text is weighed by how common it is in the school's own corpus, not only by a list:
    a boilerplate sentence a dozen colleagues write makes nobody a copier."""
    fillers = [body[offset : offset + 120] for body in ORIGINALS.values() for offset in (0, 130)]
    new = NEW_WRITING + BOILERPLATE
    _add(texts, 1, fillers[0] + BOILERPLATE, school_id=1)
    alone = textsim.check(new, Pool(1))
    assert alone.sources and alone.share > 0.15  # one colleague with the same sentence: it is found
    for i, filler in enumerate(fillers[1:], start=2):
        _add(texts, i, filler + BOILERPLATE, school_id=1)
    assert len(fillers) > textsim.STOCK_DF
    common = textsim.check(new, Pool(1))
    assert common.share == 0 and common.sources == []
    # a real copy still counts beside the stock sentence, and only the copy counts
    _add(texts, 99, NEW_WRITING[:150] + "（摘自同事的反思）", school_id=1)
    copied = textsim.check(new, Pool(1))
    assert [s.ref.object_id for s in copied.sources] == [99]
    assert abs(copied.share - true_share(new, NEW_WRITING[:150])) <= 0.02
