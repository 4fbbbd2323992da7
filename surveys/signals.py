"""Raise a survey's revision whenever its questionnaire changes (admin edits, imports), so
cached copies of the questionnaire (surveys.selectors) are never stale."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from surveys.models import Choice, Question, Survey


@receiver(pre_save, sender=Survey)
def survey_revised(sender, instance: Survey, **kwargs) -> None:
    if instance.pk is not None:
        instance.revision = (
            Survey.objects.filter(pk=instance.pk).values_list("revision", flat=True).first()
            or instance.revision
        )
        instance.revision += 1


@receiver([post_save, post_delete], sender=Question)
def question_revised(sender, instance: Question, **kwargs) -> None:
    Survey.objects.filter(pk=instance.survey_id).update(revision=F("revision") + 1)


@receiver([post_save, post_delete], sender=Choice)
def choice_revised(sender, instance: Choice, **kwargs) -> None:
    Survey.objects.filter(questions=instance.question_id).update(revision=F("revision") + 1)
