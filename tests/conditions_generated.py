"""Skip-logic conditions drawn by hypothesis over the questions of the skip-logic fixture
(tests/fixtures/skip_logic.json), for the round trips of the parser and the check that the
browser judges as the server does."""

from hypothesis import strategies as st

from surveys.conditions import And, Answer, Comparison, CountSelected, Not, Or, Selected

ORDER = ("never", "sometimes", "daily")
NUMBERS = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
TEXTS = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), max_size=12).filter(
    lambda text: not ("'" in text and '"' in text)
)
ORDINAL = Answer("q02", "ordinal", ORDER)
OPERATORS = st.sampled_from(("=", "!=", "<", ">", "<=", ">="))
EQUALITY = st.sampled_from(("=", "!="))
LEAVES = st.one_of(
    st.builds(
        Comparison,
        st.just(Answer("q01", "single")),
        EQUALITY,
        st.sampled_from(["yes", "partly", "no", ""]),
    ),
    st.builds(Comparison, st.just(ORDINAL), OPERATORS, st.sampled_from(ORDER)),
    st.builds(Comparison, st.just(CountSelected("q03")), OPERATORS, NUMBERS),
    st.builds(Comparison, st.just(Answer("q04", "number")), OPERATORS, NUMBERS),
    st.builds(Comparison, st.just(Answer("q05", "number")), OPERATORS, NUMBERS),
    st.builds(Comparison, st.just(Answer("q06", "text")), EQUALITY, TEXTS),
    st.builds(Selected, st.just("q03"), st.sampled_from(["phone", "laptop", "other"])),
    st.builds(Selected, st.just("q01"), st.sampled_from(["yes", "partly", "no"])),
)
CONDITIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(Not, inner), st.builds(And, inner, inner), st.builds(Or, inner, inner)
    ),
    max_leaves=8,
)
