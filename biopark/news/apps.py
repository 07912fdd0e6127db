"""News in: documents pasted, uploaded or fetched, read by biopark.extract into proposals that a person
reviews before anything enters the registry."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "biopark.news"
    label = "news"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("News")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from biopark.accounts import policy
        from biopark.core import background, passages
        from biopark.core.nav import NavLink, register_nav
        from biopark.news import jobs, merge, rules, selectors

        rules.register()
        merge.register()
        # Records accepted from a document cite it: their pages show the passage from the document's text.
        passages.register_passage_provider("news", selectors.document_passages)
        register_nav(NavLink("news", "/news/", gettext_lazy("News"), 80,
                             lambda actor: rules.may_ingest(policy.actor_for(actor))))
        background.register_sweeper("news.batches", jobs.expire_stale)
