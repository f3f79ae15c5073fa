"""Background work of the resource library (eager in-process without REDIS_URL)."""

from celery import shared_task
from django.core.files.base import ContentFile


@shared_task
def preview_pdf_build(file_id: int) -> str:
    """Make the PDF preview of an office file with LibreOffice (claimed with a conditional
    UPDATE so two workers never convert the same file)."""
    from .models import PreviewState, ResourceFile
    from .previews import office_to_pdf

    claimed = ResourceFile.objects.filter(pk=file_id, preview_state=PreviewState.NONE).update(preview_state=PreviewState.PENDING)
    if not claimed:
        return "skipped"
    rf = ResourceFile.objects.get(pk=file_id)
    with rf.file.open("rb") as fh:
        data = fh.read()
    pdf = office_to_pdf(data, "." + rf.kind)
    if pdf is None:
        ResourceFile.objects.filter(pk=file_id).update(preview_state=PreviewState.FAILED)
        return "failed"
    rf.preview_pdf.save(rf.name.rsplit(".", 1)[0] + ".pdf", ContentFile(pdf), save=False)
    rf.preview_state = PreviewState.READY
    rf.save(update_fields=["preview_pdf", "preview_state"])
    return "ready"
