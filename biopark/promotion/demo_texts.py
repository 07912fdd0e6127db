"""What the promotion demo (biopark.demo.promotion) stores in single-language fields, in Chinese, each with its
translated message for English pages (see biopark.core.demo_texts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The synthetic leads' projects (stored in Chinese, read by language).
PROJECTS = {
    "抗体药物生产基地": _("Antibody manufacturing site"),
    "细胞治疗研发中心": _("Cell therapy R&D centre"),
    "医疗器械区域总部": _("Medical device regional headquarters"),
    "mRNA 疫苗中试线": _("mRNA vaccine pilot line"),
    "CRO 临床前服务平台": _("Preclinical CRO platform"),
    "创新药华西总部": _("Innovative drugs West China HQ"),
    "体外诊断试剂工厂": _("IVD reagent plant"),
    "AI 药物发现实验室": _("AI drug discovery lab"),
}
NEXT_ACTIONS = {
    "发送政策包": _("Send the policy package"),
    "安排实地考察": _("Arrange a site visit"),
    "电话跟进": _("Follow-up call"),
    "起草投资协议": _("Draft the investment agreement"),
}
POLICY_PACKAGE = "前两年免租金，设备补贴"
LOST_NOTE = "合成演示记录"
# The lead from article 002 (Jingyue receiving the Changchun foreign affairs office's delegation).
FACT_PROJECT = "借助外事资源为净月孵化器联合路演招商"
FACT_DESCRIPTION = "外事办提供其海外资源；白求恩医学科学中心希望与其联合推介路演项目。"
FACT_NEXT_ACTION = "与外事办商定联合路演项目"
FACT_SUMMARY = "长春市外事办（侨办）代表团在净月区招商局局长陪同下参观白求恩医学科学中心。"

TEXTS = {
    **PROJECTS,
    **NEXT_ACTIONS,
    POLICY_PACKAGE: _("Rent-free first two years, equipment subsidy"),
    LOST_NOTE: _("synthetic demo record"),
    FACT_PROJECT: _("Foreign resources and joint roadshow promotion for Jingyue's incubators"),
    FACT_DESCRIPTION: _("The foreign affairs office offers its overseas resources; the Norman Bethune Center hopes "
                        "to promote roadshow projects jointly with it."),
    FACT_NEXT_ACTION: _("Agree the joint roadshow projects with the foreign affairs office"),
    FACT_SUMMARY: _("Delegation of the Changchun Municipal Foreign (Overseas) Affairs Office visits the Norman "
                    "Bethune Center for Medical Sciences, accompanied by the director of Jingyue's investment "
                    "promotion bureau."),
}
# What earlier demo databases hold: both languages in one field ("抗体药物生产基地 / Antibody manufacturing site").
_EARLIER_EN = ["Antibody manufacturing site", "Cell therapy R&D centre", "Medical device regional headquarters",
               "mRNA vaccine pilot line", "Preclinical CRO platform", "Innovative drugs West China HQ",
               "IVD reagent plant", "AI drug discovery lab"]
TEXTS.update({f"{zh} / {en}": label for (zh, label), en in zip(PROJECTS.items(), _EARLIER_EN, strict=True)})
# The article-002 lead's project as earlier demo databases hold it (English only): the demo finds it by it.
EARLIER_FACT_PROJECT = "Foreign resources and joint roadshow promotion for Jingyue's incubators"
TEXTS[EARLIER_FACT_PROJECT] = TEXTS[FACT_PROJECT]
