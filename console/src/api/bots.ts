// The tenant's bot resources as the management API shows them (docs/api.md "Management API"):
// flows (summary only; the flow workspace has its own module), domains, global variables,
// templates, business interfaces, and the Q&A groups of spec §9.
import { api, listAll, seg } from "./client";

/** A flow as the flow list answers it; the nodes are the flow workspace's business. */
export interface FlowSummary {
  code: string;
  name: string;
  scenario: string;
  description: string;
  flow_id: number;
  /** INITIAL until a version is published, then VALID. */
  status: string;
  latest_version: number | null;
  default_version: number | null;
  created_at: string;
  updated_at: string;
}

export const listFlowSummaries = (signal?: AbortSignal) => listAll<FlowSummary>("/flows", signal);

export interface Slot {
  name: string;
  regex?: string | null;
  values?: Record<string, string[]> | null;
}

export interface Intent {
  code: string;
  name: string;
  examples: string[];
  slots: Slot[];
  reply: string;
}

export interface Domain {
  domain_id?: number;
  name: string;
  language: string;
  threshold: number;
  active: boolean;
  intents: Intent[];
}

/** The intent code under which a domain lists what callers say that the bot does not handle. */
export const UNKNOWN_INTENT = "unknown";

export const listDomains = (signal?: AbortSignal) => listAll<Domain>("/domains", signal);
export const getDomain = (name: string, signal?: AbortSignal) => api.get<Domain>(`/domains/${seg(name)}`, { signal });

/** Writes the domain back whole; the read-only `domain_id` is left out. */
export function putDomain(domain: Domain): Promise<Domain> {
  const { domain_id: _ignored, ...body } = domain;
  return api.put<Domain>(`/domains/${seg(domain.name)}`, body);
}

export interface Variable {
  name: string;
  type: string;
  default: unknown;
  description: string;
}

export const listVariables = (signal?: AbortSignal) => listAll<Variable>("/variables", signal);

export interface Template {
  name: string;
  text: string;
  description: string;
}

export const listTemplates = (signal?: AbortSignal) => listAll<Template>("/templates", signal);

export interface InterfaceParameter {
  name: string;
  value?: string;
  path?: string;
  description?: string;
}

export interface BusinessInterface {
  name: string;
  method: string;
  url: string;
  timeout: number;
  inputs: InterfaceParameter[];
  outputs: InterfaceParameter[];
  headers: InterfaceParameter[];
  description: string;
}

export const listInterfaces = (signal?: AbortSignal) => listAll<BusinessInterface>("/interfaces", signal);

// -- Q&A ----------------------------------------------------------------------------------
// Read in the shapes of the spec §9 interfaces; written with the bot folder's field names
// (faq/<group>.yaml) through the management API (docs/api.md "Management API: Q&A groups").

/** The languages a Q&A group may have (domain/faq.py FAQ_LANGUAGES). */
export const FAQ_LANGUAGES = ["en_US", "zh_CN", "es_ES", "ar", "th_TH", "pt_BR", "fr_FR"] as const;
export const FAQ_GROUP_NAME_MAX = 64;
export const FAQ_GROUP_DESCRIPTION_MAX = 512;
export const FAQ_STATEMENT_MAX = 8192;
export const FAQ_SIMILAR_MAX = 100;
export const FAQ_KEYWORDS_MAX = 20;
export const FAQ_KEYWORD_MAX = 64;

export interface FaqGroup {
  id: number;
  name: string;
  description?: string;
  language: string;
  /** Whether callers are answered from the group. */
  on: boolean;
  /** How many questions it holds. */
  amount?: number;
  updateTime?: number;
  tenantId?: string;
}

/** A similar question or answer; `id` is its position in its list. */
export interface FaqStatement {
  id?: number;
  elementId?: number;
  statement: string;
  type?: string;
}

export interface FaqItem {
  id: number;
  faqGroupId: number;
  question: string;
  answer: string;
  simQuestions?: FaqStatement[];
  simAnswers?: FaqStatement[];
  keywords?: { w: string }[];
  updateTime?: number;
}

/** A group as the management API takes it; left out on update: kept. */
export interface FaqGroupBody {
  group: string;
  /** Fixed once the group exists. */
  language?: string;
  description?: string;
  active?: boolean;
}

/** A question as the management API takes it; it replaces the question as a whole. */
export interface FaqBody {
  question: string;
  answer: string;
  similar: string[];
  keywords: string[];
  similar_answers: string[];
}

const groupPath = (id: number) => `/faq-groups/${seg(id)}`;

export const listFaqGroups = (_tenantId: string, signal?: AbortSignal) => listAll<FaqGroup>("/faq-groups", signal);

export const listFaqs = (_tenantId: string, faqGroupId: number, signal?: AbortSignal) =>
  listAll<FaqItem>(`${groupPath(faqGroupId)}/faqs`, signal);

export const createFaqGroup = (body: FaqGroupBody) => api.post<FaqGroup>("/faq-groups", body);
export const updateFaqGroup = (id: number, body: FaqGroupBody) => api.put<FaqGroup>(groupPath(id), body);
/** Deletes the group with its questions. */
export const deleteFaqGroup = (id: number) => api.delete(groupPath(id));

export const createFaq = (groupId: number, body: FaqBody) => api.post<FaqItem>(`${groupPath(groupId)}/faqs`, body);
export const updateFaq = (groupId: number, faqId: number, body: FaqBody) =>
  api.put<FaqItem>(`${groupPath(groupId)}/faqs/${seg(faqId)}`, body);
export const deleteFaq = (groupId: number, faqId: number) => api.delete(`${groupPath(groupId)}/faqs/${seg(faqId)}`);

/** A question as its editor starts from: the body the management API would take back. */
export function faqBodyOf(item: FaqItem): FaqBody {
  return {
    question: item.question,
    answer: item.answer,
    similar: (item.simQuestions ?? []).map((s) => s.statement),
    keywords: (item.keywords ?? []).map((k) => k.w),
    similar_answers: (item.simAnswers ?? []).map((s) => s.statement),
  };
}
