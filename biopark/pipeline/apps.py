from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "biopark.pipeline"
    label = "pipeline"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Pipeline")

    def ready(self) -> None:
        from biopark.pipeline import (  # models are loaded only now: the rules name them
            kpis,
            merge,
            rules,
            tiles,
        )

        rules.register()
        tiles.register()
        kpis.register()  # its live KPIs, read by metrics through biopark.core.kpis
        merge.register()
        _register_history()
        from biopark.core.params import register_labels

        # The portfolio's and the list's filters, named in refusals by their labels, not their codes.
        register_labels({"modality": _("modality"), "park_name": _("park"), "organisation_name": _("organisation"),
                         "stale": _("no development reported"),
                         "indications.name_zh": _("indication name (Chinese)"),
                         "indications.name_en": _("indication name (English)")})


def _register_history() -> None:
    """How the project's history shows what its model cannot say: areas by their label, the stage recorded
    per indication ("stage[indication]"), the move it made and the indications added."""
    from biopark.core import history
    from biopark.pipeline.models import Direction, stage_label
    from biopark.pipeline.vocabulary import area_label

    history.register("pipeline.project", "therapeutic_areas", value=area_label)
    history.register("pipeline.project", "stage", label=_("stage"), value=stage_label)
    history.register("pipeline.project", "direction", label=_("move"), value=lambda v: str(Direction(v).label)
                     if v in Direction.values else str(v))
    history.register("pipeline.project", "indications", label=_("indications"))
    history.register("pipeline.project", "team_roles", label=_("team roles"),
                     value=lambda v: "; ".join(str(r) for r in v.values()) if isinstance(v, dict) else str(v or ""))
