"""The report's charts as PNG images, drawn on the server with matplotlib (Agg, no display).

matplotlib is imported inside ``frequency_png`` so that nothing at start-up pays for it.
Colours: the first of the Okabe–Ito palette, as the dashboards (analytics/charts.py).
"""

import io

BAR_COLOUR = "#0072B2"
WIDTH_INCHES = 6.3  # the text width of an A4 page with 2.5 cm margins


def frequency_png(labels: list[str], percents: list[float], axis_label: str) -> bytes:
    """Horizontal bars, one per choice, with the percent written at the end of each bar;
    the first label at the top. Labels are wrapped so that long choices fit."""
    import matplotlib

    matplotlib.use("Agg")
    import textwrap

    from matplotlib.figure import Figure

    height = 0.9 + 0.38 * len(labels)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=110)
    # Fixed margins rather than a layout engine, which draws every chart twice: the labels
    # are wrapped to a width that fits the left margin.
    figure.subplots_adjust(left=0.4, right=0.97, top=1 - 0.15 / height, bottom=0.55 / height)
    axes = figure.subplots()
    wrapped = [textwrap.fill(label, 38) for label in labels]
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, percents, color=BAR_COLOUR, height=0.7)
    axes.bar_label(bars, labels=[f"{value:.0f} %" for value in percents], padding=3, fontsize=8)
    axes.set_yticks(positions, wrapped, fontsize=8)
    axes.set_xlim(0, max([*percents, 1.0]) * 1.18)
    axes.set_xlabel(axis_label, fontsize=8)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
