"""Q&A groups and their questions and answers (spec §9)."""

from __future__ import annotations

from dataclasses import dataclass

FAQ_LANGUAGES = frozenset({"en_US", "zh_CN", "es_ES", "ar", "th_TH", "pt_BR", "fr_FR"})
GROUP_NAME_MAX = 64
GROUP_DESCRIPTION_MAX = 512
STATEMENT_MAX = 8192
SIMILAR_MAX = 100
KEYWORDS_MAX = 20


@dataclass(frozen=True)
class Faq:
    question: str
    answer: str
    similar: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    similar_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaqGroup:
    name: str
    language: str = "en_US"
    description: str = ""
    active: bool = True
    questions: tuple[Faq, ...] = ()


def faq_problems(faq: Faq) -> list[str]:
    """Why a Q&A breaks the documented limits; empty when it keeps them."""
    problems = []
    if not faq.question.strip():
        problems.append("'question' is empty")
    if not faq.answer.strip():
        problems.append("'answer' is empty")
    for name, text in (("question", faq.question), ("answer", faq.answer)):
        if len(text) > STATEMENT_MAX:
            problems.append(f"'{name}' is longer than {STATEMENT_MAX} characters")
    if len(faq.similar) > SIMILAR_MAX or len(faq.similar_answers) > SIMILAR_MAX:
        problems.append(f"at most {SIMILAR_MAX} similar questions or answers")
    if any(len(s) > STATEMENT_MAX for s in (*faq.similar, *faq.similar_answers)):
        problems.append(f"a similar statement is longer than {STATEMENT_MAX} characters")
    if len(faq.keywords) > KEYWORDS_MAX:
        problems.append(f"at most {KEYWORDS_MAX} keywords")
    if any("|" in k or not k.strip() for k in faq.keywords):
        problems.append("keywords are non-empty and may not contain '|'")
    return problems


def group_problems(group: FaqGroup) -> list[str]:
    problems = []
    if not group.name.strip() or len(group.name) > GROUP_NAME_MAX:
        problems.append(f"'name' must be 1-{GROUP_NAME_MAX} characters")
    if len(group.description) > GROUP_DESCRIPTION_MAX:
        problems.append(f"'description' is longer than {GROUP_DESCRIPTION_MAX} characters")
    if group.language not in FAQ_LANGUAGES:
        problems.append(f"'language' must be one of {', '.join(sorted(FAQ_LANGUAGES))}")
    return problems
