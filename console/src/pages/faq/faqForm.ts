// The FAQ page's forms as plain text boxes (one statement per line, keywords by comma or
// line) and the limits the server checks (domain/faq.py), so an author sees a problem
// before saving.
import {
  FAQ_GROUP_DESCRIPTION_MAX,
  FAQ_GROUP_NAME_MAX,
  FAQ_KEYWORD_MAX,
  FAQ_KEYWORDS_MAX,
  FAQ_SIMILAR_MAX,
  FAQ_STATEMENT_MAX,
} from "../../api/bots";
import type { FaqBody, FaqGroupBody } from "../../api/bots";
import { parseExamples } from "../../lib/examples";

export interface GroupForm {
  name: string;
  language: string;
  description: string;
  active: boolean;
}

export interface QuestionForm {
  question: string;
  answer: string;
  /** One similar question per line. */
  similar: string;
  /** Separated by commas or lines. */
  keywords: string;
  /** One alternative answer per line. */
  similarAnswers: string;
}

export const emptyQuestion: QuestionForm = { question: "", answer: "", similar: "", keywords: "", similarAnswers: "" };

export function questionForm(body: FaqBody): QuestionForm {
  return {
    question: body.question,
    answer: body.answer,
    similar: body.similar.join("\n"),
    keywords: body.keywords.join(", "),
    similarAnswers: body.similar_answers.join("\n"),
  };
}

/** Keywords as typed: trimmed, blanks and repeats dropped, order kept. */
export function parseKeywords(text: string): string[] {
  return parseExamples(text.replace(/,/g, "\n"));
}

export function questionBody(form: QuestionForm): FaqBody {
  return {
    question: form.question.trim(),
    answer: form.answer.trim(),
    similar: parseExamples(form.similar),
    keywords: parseKeywords(form.keywords),
    similar_answers: parseExamples(form.similarAnswers),
  };
}

/** What the server would refuse, field by field; empty when the form can be saved. */
export function questionProblems(form: QuestionForm): Partial<Record<keyof QuestionForm, string>> {
  const body = questionBody(form);
  const problems: Partial<Record<keyof QuestionForm, string>> = {};
  if (!body.question) problems.question = "A question is needed.";
  else if (body.question.length > FAQ_STATEMENT_MAX) problems.question = `At most ${FAQ_STATEMENT_MAX} characters.`;
  if (!body.answer) problems.answer = "An answer is needed.";
  else if (body.answer.length > FAQ_STATEMENT_MAX) problems.answer = `At most ${FAQ_STATEMENT_MAX} characters.`;
  if (body.similar.length > FAQ_SIMILAR_MAX) problems.similar = `At most ${FAQ_SIMILAR_MAX} similar questions.`;
  else if (body.similar.some((s) => s.length > FAQ_STATEMENT_MAX)) problems.similar = `Each at most ${FAQ_STATEMENT_MAX} characters.`;
  if (body.similar_answers.length > FAQ_SIMILAR_MAX) problems.similarAnswers = `At most ${FAQ_SIMILAR_MAX} answers.`;
  else if (body.similar_answers.some((s) => s.length > FAQ_STATEMENT_MAX)) problems.similarAnswers = `Each at most ${FAQ_STATEMENT_MAX} characters.`;
  if (body.keywords.length > FAQ_KEYWORDS_MAX) problems.keywords = `At most ${FAQ_KEYWORDS_MAX} keywords.`;
  else if (body.keywords.some((k) => k.includes("|"))) problems.keywords = "A keyword may not contain “|”.";
  else if (body.keywords.some((k) => k.length > FAQ_KEYWORD_MAX)) problems.keywords = `Each keyword at most ${FAQ_KEYWORD_MAX} characters.`;
  return problems;
}

/** The management API's body; an existing group's language is left out (it cannot change). */
export function groupBody(form: GroupForm, isNew: boolean): FaqGroupBody {
  const body: FaqGroupBody = { group: form.name.trim(), description: form.description.trim(), active: form.active };
  if (isNew) body.language = form.language;
  return body;
}

export function groupProblems(form: GroupForm): Partial<Record<keyof GroupForm, string>> {
  const name = form.name.trim();
  const problems: Partial<Record<keyof GroupForm, string>> = {};
  if (!name) problems.name = "A name is needed.";
  else if (name.length > FAQ_GROUP_NAME_MAX) problems.name = `At most ${FAQ_GROUP_NAME_MAX} characters.`;
  if (form.description.trim().length > FAQ_GROUP_DESCRIPTION_MAX) problems.description = `At most ${FAQ_GROUP_DESCRIPTION_MAX} characters.`;
  return problems;
}
