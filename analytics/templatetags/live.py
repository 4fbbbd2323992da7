"""``{% live "name" %}…{% endlive %}``: a block of a dashboard page that live refresh redraws.

The page shows the block inside ``<div class="live" data-live="name">``. The page's data
endpoint renders the same template with a ``live_fragments`` dict in the context: each
block then records its HTML there, so one request returns every block exactly as a reload
would show it, and static/js/live.js swaps the changed ones in.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


class LiveNode(template.Node):
    def __init__(self, name: template.base.FilterExpression, nodelist: template.NodeList):
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        name = str(self.name.resolve(context))
        html = self.nodelist.render(context)
        fragments = context.get("live_fragments")
        if fragments is not None:
            fragments[name] = html
        return format_html('<div class="live" data-live="{}">{}</div>', name, html)


@register.tag
def live(parser: template.base.Parser, token: template.base.Token) -> LiveNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(
            '{% live %} takes one argument: the block\'s name, e.g. {% live "counts" %}'
        )
    nodelist = parser.parse(("endlive",))
    parser.delete_first_token()
    return LiveNode(parser.compile_filter(bits[1]), nodelist)
