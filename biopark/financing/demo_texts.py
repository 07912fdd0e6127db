"""What the financing demo (biopark.demo.financing) stores in single-language fields, in Chinese, each with its
translated message for English pages (see biopark.core.demo_texts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MANDATE_EARLY = "合成示例：创新药早中期"
MANDATE_PARK = "合成示例：园区产业引导"
MANDATE_GENERIC = "合成示例投资策略"
USE_PHASE1 = "合成示例：I 期临床"
USE_IND = "合成示例：IND 申报"
USE_PHASE2 = "合成示例：II 期临床"
USE_POC = "合成示例：概念验证"
USE_GMP = "合成示例：GMP 中试"
USE_PHASE3 = "合成示例：III 期临床"
PITCH = "合成示例路演材料"
FEEDBACK = "合成示例反馈"

TEXTS = {
    MANDATE_EARLY: _("Synthetic demo: early and mid-stage drugs"),
    MANDATE_PARK: _("Synthetic demo: park industry guidance"),
    MANDATE_GENERIC: _("Synthetic demo mandate"),
    USE_PHASE1: _("Synthetic demo: phase 1 trial"),
    USE_IND: _("Synthetic demo: IND filing"),
    USE_PHASE2: _("Synthetic demo: phase 2 trial"),
    USE_POC: _("Synthetic demo: proof of concept"),
    USE_GMP: _("Synthetic demo: GMP pilot batch"),
    USE_PHASE3: _("Synthetic demo: phase 3 trial"),
    PITCH: _("Synthetic demo pitch"),
    FEEDBACK: _("Synthetic demo feedback"),
}
# What earlier demo databases hold: both languages in one field. Shown the same way.
TEXTS.update({
    "合成示例：创新药早中期 / Synthetic demo: early and mid-stage drugs": TEXTS[MANDATE_EARLY],
    "合成示例：园区产业引导 / Synthetic demo: park industry guidance": TEXTS[MANDATE_PARK],
    "合成示例投资策略 / Synthetic demo mandate": TEXTS[MANDATE_GENERIC],
    "合成示例：I 期临床 / synthetic: phase 1 trial": TEXTS[USE_PHASE1],
    "合成示例：IND 申报 / synthetic: IND filing": TEXTS[USE_IND],
    "合成示例：II 期临床 / synthetic: phase 2 trial": TEXTS[USE_PHASE2],
    "合成示例：概念验证 / synthetic: proof of concept": TEXTS[USE_POC],
    "合成示例：GMP 中试 / synthetic: GMP pilot batch": TEXTS[USE_GMP],
    "合成示例：III 期临床 / synthetic: phase 3 trial": TEXTS[USE_PHASE3],
    "合成示例路演材料 / synthetic pitch": TEXTS[PITCH],
    "合成示例反馈 / synthetic feedback": TEXTS[FEEDBACK],
})
