"""schema.org LearningResource for a lesson kit page, as JSON-LD in the page <head>.

Curriculum requirements become AlignmentObjects to the Polish core curriculum; the kit ZIP and the
plan files are `encoding`s of the resource, every attachment is a `hasPart` with its own files.
"""
from __future__ import annotations

import json

from .. import urls
from ..content.models import Attachment, Lesson
from .context import Download

FRAMEWORK = "Podstawa programowa kształcenia ogólnego"


def iso_duration(minutes: int) -> str:
    """ISO 8601 duration: 90 -> 'PT90M' (a valid form schema.org and Google accept)."""
    return f"PT{int(minutes)}M"


def age_range(index, lesson: Lesson) -> str:
    low, high = lesson.ages or (min(index.vocab.audiences[a].ages[0] for a in lesson.audience),
                                max(index.vocab.audiences[a].ages[1] for a in lesson.audience))
    return f"{low}-{high}"


def _media(index, download: Download) -> dict:
    return {
        "@type": "MediaObject",
        "name": download.title,
        "contentUrl": urls.absolute(index.settings.url, download.path),
        "encodingFormat": download.mime_type,
        "contentSize": f"{download.size} B",
    }


def _person(index, key: str) -> dict:
    author = index.authors[key]
    person = {"@type": "Person", "name": author.name, "givenName": author.given, "familyName": author.family,
              "url": urls.absolute(index.settings.url, urls.author(key))}
    if author.orcid_url:
        person["sameAs"] = author.orcid_url
    if author.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    return person


def lesson_jsonld(index, lesson: Lesson, encodings: list[Download],
                  parts: list[tuple[Attachment, str, list[Download]]]) -> dict:
    """encodings: the kit ZIP and plan files; parts: (attachment, its page or file path, its files)."""
    vocab = index.vocab
    site = index.settings
    licence = vocab.licences[lesson.licence]
    url = index.url_of(lesson)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": url,
        "url": url,
        "name": lesson.title,
        "description": lesson.summary,
        "inLanguage": "pl",
        "learningResourceType": "Scenariusz zajęć",
        "educationalLevel": [f"{vocab.audiences[a].name} ({vocab.audiences[a].stage})" for a in lesson.audience],
        "typicalAgeRange": age_range(index, lesson),
        "timeRequired": iso_duration(lesson.total_minutes),
        "teaches": list(lesson.objectives),
        "educationalAlignment": [{
            "@type": "AlignmentObject",
            "alignmentType": "teaches",
            "educationalFramework": FRAMEWORK,
            "targetName": f"{c.subject}, {c.stage}, {c.code}",
            "targetDescription": c.text,
        } for c in lesson.curriculum],
        "keywords": ", ".join(vocab.topics[t].name for t in lesson.topics),
        "license": licence.url,
        "isAccessibleForFree": True,
        "author": [_person(index, k) for k in lesson.authors],
        "publisher": {"@type": "Organization", "name": site.operator, "url": site.url},
        "datePublished": lesson.date.date().isoformat(),
        "dateModified": lesson.modified.date().isoformat(),
        "version": lesson.version,
    }
    if encodings:
        data["encoding"] = [_media(index, d) for d in encodings]
    if parts:
        data["hasPart"] = [{
            "@type": "LearningResource",
            "name": attachment.title,
            "learningResourceType": vocab.attachment_kinds[attachment.kind].name,
            "url": urls.absolute(site.url, path),
            "inLanguage": "pl",
            "license": licence.url,
            **({"encoding": [_media(index, d) for d in files]} if files else {}),
        } for attachment, path, files in parts]
    return data


def script_tag(data: dict) -> str:
    """The <script> element. '</' is written as '<\\/' and '<!--' as '<\\u0021--' (both still the same
    JSON string), so no text from content can close the script element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("</", "<\\/").replace("<!--", "<\\u0021--")
    return f'<script type="application/ld+json">\n{text}\n</script>'
