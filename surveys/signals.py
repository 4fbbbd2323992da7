"""Raise a survey's revision whenever its questionnaire changes (admin edits, imports), so
cached copies of the questionnaire (surveys.selectors) are never stale; and forget the
survey looked up by its slug."""

from django.core.cache import cache
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from surveys.models import Choice, Question, Survey
from surveys.selectors import survey_cache_key


def _forget(surveys) -> None:
    cache.delete_many([survey_cache_key(slug) for slug in surveys.values_list("slug", flat=True)])


@receiver(pre_save, sender=Survey)
def survey_revised(sender, instance: Survey, **kwargs) -> None:
    if instance.pk is not None:
        instance.revision = (
            Survey.objects.filter(pk=instance.pk).values_list("revision", flat=True).first()
            or instance.revision
        )
        instance.revision += 1


@receiver([post_save, post_delete], sender=Survey)
def survey_changed(sender, instance: Survey, **kwargs) -> None:
    cache.delete(survey_cache_key(instance.slug))


@receiver([post_save, post_delete], sender=Question)
def question_revised(sender, instance: Question, **kwargs) -> None:
    surveys = Survey.objects.filter(pk=instance.survey_id)
    surveys.update(revision=F("revision") + 1)
    _forget(surveys)


@receiver([post_save, post_delete], sender=Choice)
def choice_revised(sender, instance: Choice, **kwargs) -> None:
    surveys = Survey.objects.filter(questions=instance.question_id)
    surveys.update(revision=F("revision") + 1)
    _forget(surveys)
