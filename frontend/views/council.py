"""The council pack (議会答弁資料) of an engagement: the ten questions a council asks about the adviser, answered
from kenmu's records with their sources, as a printable page and as one A4 PDF. The municipality's staff and its
prefecture's coordinator (403 for an expert, 404 for another place's engagement)."""

from django.shortcuts import render

from backend.documents.council import (
    council_engagement,
    council_pack,
    council_pdf,
    council_title,
    sources_line,
)
from backend.documents.pdf import pdf_response
from frontend.views.access import STAFF, role_required


@role_required(*STAFF)
def engagement_council(request, pk: int):
    pack = council_pack(council_engagement(user=request.user, pk=pk))
    return render(request, "frontend/engagements/council.html", {
        "pack": pack, "title": council_title(pack),
        "answers": [(answer, sources_line(answer)) for answer in pack.answers]})


@role_required(*STAFF)
def engagement_council_pdf(request, pk: int):
    pack = council_pack(council_engagement(user=request.user, pk=pk))
    return pdf_response(council_pdf(pack), filename=f"議会答弁資料_{pack.municipality_name}_{pack.expert_name}.pdf")
