"""Notes the demo stores on its resources and outages (biopark.facilities.demo), read in the page's language
through biopark.core.demo_texts; a note a person typed matches none and is shown as typed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

TEXTS = {
    "illustrative demo price, not the platform's tariff / 示意价格，非平台实际收费":
        gettext_lazy("illustrative demo price, not the platform's tariff"),
    "Demo: yearly maintenance / 年度维护": gettext_lazy("Demo: yearly maintenance"),
}
