"""Subtitles kept in a ``Subs/`` (or ``Subtitles/``) folder beside the videos, as many releases ship
them: ``Subs/2_English.srt`` for a one-video release, ``Subs/<video stem>/3_Japanese.srt`` for a
season. They belong to a video as much as ``X.en.srt`` beside it does, so they travel with it and
arrive named the way players pair subtitles: ``<video stem>.en.srt``.

The language comes from the file name through a small table of the languages releases actually
ship (English names, a few native ones, ISO 639-1/-2 codes); a name the table does not know keeps
its own words as the tag, so nothing is lost, only not labelled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

SUBS_DIRS = frozenset({"subs", "subtitles", "sub", "subtitle"})
"""Folder names (any case) that hold a release's subtitles."""

_LANGUAGES: dict[str, tuple[str, ...]] = {
    "ar": ("arabic", "ara", "العربية"),
    "bg": ("bulgarian", "bul"),
    "ca": ("catalan", "cat", "català"),
    "cs": ("czech", "ces", "cze", "čeština"),
    "da": ("danish", "dan", "dansk"),
    "de": ("german", "ger", "deu", "deutsch"),
    "el": ("greek", "ell", "gre"),
    "en": ("english", "eng"),
    "es": ("spanish", "spa", "español", "espanol", "castellano"),
    "et": ("estonian", "est"),
    "fa": ("persian", "farsi", "fas", "per"),
    "fi": ("finnish", "fin", "suomi"),
    "fil": ("filipino", "tagalog", "tgl"),
    "fr": ("french", "fre", "fra", "français", "francais"),
    "he": ("hebrew", "heb"),
    "hi": ("hindi", "hin"),
    "hr": ("croatian", "hrv"),
    "hu": ("hungarian", "hun", "magyar"),
    "id": ("indonesian", "ind", "bahasa"),
    "it": ("italian", "ita", "italiano"),
    "ja": ("japanese", "jpn", "jap", "日本語"),
    "ko": ("korean", "kor", "한국어"),
    "lt": ("lithuanian", "lit"),
    "lv": ("latvian", "lav"),
    "ms": ("malay", "msa", "may", "melayu"),
    "nb": ("norwegian", "nor", "nob", "norsk"),
    "nl": ("dutch", "nld", "dut", "nederlands"),
    "pl": ("polish", "pol", "polski"),
    "pt": ("portuguese", "por", "português", "portugues"),
    "ro": ("romanian", "ron", "rum", "română"),
    "ru": ("russian", "rus", "русский"),
    "sk": ("slovak", "slk", "slo"),
    "sl": ("slovenian", "slv"),
    "sr": ("serbian", "srp"),
    "sv": ("swedish", "swe", "svenska"),
    "ta": ("tamil", "tam"),
    "th": ("thai", "tha"),
    "tr": ("turkish", "tur", "türkçe"),
    "uk": ("ukrainian", "ukr"),
    "vi": ("vietnamese", "vie", "tiếng việt"),
    "zh": ("chinese", "chi", "zho", "中文"),
}
_BY_WORD = {word: code for code, words in _LANGUAGES.items() for word in (code, *words)}
_PHRASES = tuple((word, code) for word, code in _BY_WORD.items() if " " in word)
"""Native names of more than one word (``tiếng việt``), matched in the whole stem."""
_VARIANTS = {
    "pt": ({"brazil", "brazilian", "br", "brasil"}, "pt-BR"),
    "es": ({"latin", "latino", "latinoamérica", "419", "la"}, "es-419"),
    "zh": ({"simplified", "chs", "sc", "hans", "简体"}, "zh-Hans"),
}
_TRADITIONAL_CHINESE = {"traditional", "cht", "tc", "hant", "繁體"}
_FLAGS = {"forced": "forced", "sdh": "sdh", "cc": "sdh", "hi": "sdh", "signs": "forced"}
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def is_subs_folder(name: str) -> bool:
    return name.casefold() in SUBS_DIRS


def subtitle_tags(stem: str) -> str:
    """``.en``, ``.pt-BR``, ``.en.sdh`` or ``.ja.forced`` for a subtitle file's stem
    (``2_English``, ``Portuguese (Brazil)``, ``English SDH``, ``Japanese [Forced]``); a stem naming
    no known language keeps its words (``Track 3`` → ``.track.3``)."""
    words = [w.casefold() for w in _WORDS.findall(stem)]
    named = [w for w in words if w in _BY_WORD]
    # "HI" is Hindi alone but hearing-impaired after "English": a flag word names the language last
    named.sort(key=lambda w: w in _FLAGS)
    language = _BY_WORD[named[0]] if named else None
    if language is None:
        phrase = " ".join(words)
        language = next((code for phrase_, code in _PHRASES if phrase_ in phrase), None)
    flags = sorted({_FLAGS[w] for w in words if w in _FLAGS and w != (named[0] if named else None)})
    if language is None:
        return "." + ".".join(words or ["und"])
    present = set(words)
    if language in _VARIANTS and present & _VARIANTS[language][0]:
        language = _VARIANTS[language][1]
    elif language == "zh" and present & _TRADITIONAL_CHINESE:
        language = "zh-Hant"
    return "".join(f".{tag}" for tag in (language, *flags))


@dataclass(frozen=True, slots=True)
class SubsFile:
    """A file of a subtitles folder, paired with a video of the folder above it."""

    name: str
    """Below the video's folder, POSIX separators: ``Subs/2_English.srt``."""
    video_stem: str
    tail: str
    """What follows the video's stem in the file's new name: ``.en.srt``."""


def pair_subs(
    names: Iterable[str], stems: Collection[str], owner_of: Callable[[str], str | None]
) -> tuple[list[SubsFile], list[str]]:
    """The files of ``names`` (``Subs/x.srt``, ``Subs/<stem>/x.srt``) paired with a video stem of
    ``stems``, and those left over. A file in ``Subs/<stem>/`` belongs to that video; a file directly
    in ``Subs/`` belongs to the video whose stem it starts with (``<stem>.en.srt``), else to the only
    video of the folder; with several videos and no stem it belongs to none. ``owner_of`` is the
    scan's rule for a sidecar's video stem (the longest stem the file name extends)."""
    paired: list[SubsFile] = []
    left: list[str] = []
    only = next(iter(stems)) if len(stems) == 1 else None
    for name in names:
        parts = name.split("/")
        file_name = parts[-1]
        dot = file_name.rfind(".")
        stem, extension = (file_name[:dot], file_name[dot:].lower()) if dot > 0 else (file_name, "")
        owner = owner_of(file_name)
        if len(parts) == 3 and parts[1] in stems:
            # Subs/<stem>/<stem>.en.srt already carries its tags; Subs/<stem>/2_English.srt does not
            tail = file_name[len(owner) :] if owner == parts[1] else subtitle_tags(stem) + extension
            paired.append(SubsFile(name, parts[1], tail))
        elif len(parts) != 2:
            left.append(name)
        elif owner is not None:
            paired.append(SubsFile(name, owner, file_name[len(owner) :]))
        elif only is not None:
            paired.append(SubsFile(name, only, subtitle_tags(stem) + extension))
        else:
            left.append(name)
    return paired, left


def unique_tail(tail: str, taken: set[str]) -> str:
    """``tail`` itself, or with a number before its extension (``.en.2.srt``) when another
    subtitle of the same video already has it: two English tracks must not claim one name."""
    extension_at = tail.rfind(".")
    head, extension = tail[:extension_at], tail[extension_at:]
    candidate, number = tail, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{head}.{number}{extension}"
    taken.add(candidate.casefold())
    return candidate
