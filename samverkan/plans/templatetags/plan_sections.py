"""``{% plan_sections plan "page" %}``: the sections other apps add to an action plan."""

from __future__ import annotations

from django import template

from samverkan.plans import pdf

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_sections(context, plan, target="page"):
    request = context.get("request")
    return pdf.sections(plan, user=getattr(request, "user", None), target=target)
