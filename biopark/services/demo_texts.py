"""What the services demo (biopark.services.demo) stores in single-language fields, in Chinese, each with its
translated message for English pages (see biopark.core.demo_texts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The demo requests' titles: stored (Chinese), shown by language, and the English title earlier demo databases hold.
REQUEST_TITLES = [
    ("示例：先导化合物系列筛选", _("Demo: screening campaign for a lead series"),
     "Demo: screening campaign for a lead series"),
    ("示例：协助准备 IND 申报资料", _("Demo: help with the IND filing package"), "Demo: help with the IND filing package"),
    ("示例：A 轮融资投资人对接", _("Demo: investor introductions for a Series A"),
     "Demo: investor introductions for a Series A"),
    ("示例：自由实施（FTO）检索", _("Demo: freedom-to-operate search"), "Demo: freedom-to-operate search"),
    ("示例：新 GMP 产线补贴申请", _("Demo: subsidy application for a new GMP line"),
     "Demo: subsidy application for a new GMP line"),
    ("示例：招聘临床运营负责人", _("Demo: recruiting a head of clinical operations"),
     "Demo: recruiting a head of clinical operations"),
    ("示例：第二轮筛选", _("Demo: second screening run"), "Demo: second screening run"),
    ("示例：与监管部门沟通会", _("Demo: meeting with the regulator"), "Demo: meeting with the regulator"),
]
EARLIER_TITLE = {zh: en for zh, _label, en in REQUEST_TITLES}

TEXTS = {zh: label for zh, label, _en in REQUEST_TITLES}
TEXTS.update({en: label for _zh, label, en in REQUEST_TITLES})
