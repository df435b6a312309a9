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

// -- Q&A (spec §9) ------------------------------------------------------------------------
// These interfaces are the OIAP ones: POST with the tenant in the body, errorCode as a
// string ("0" on success).

export interface FaqGroup {
  id: number;
  name: string;
  description?: string;
  language: string;
  on: boolean;
  amount?: number;
  updateTime?: number;
  tenantId?: string;
}

export interface FaqStatement {
  id?: number;
  content: string;
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

// The management API's read of what the Q&A interfaces (spec §9) write, in their shapes.
export const listFaqGroups = (_tenantId: string, signal?: AbortSignal) =>
  listAll<FaqGroup>("/faq-groups", signal);

export const listFaqs = (_tenantId: string, faqGroupId: number, signal?: AbortSignal) =>
  listAll<FaqItem>(`/faq-groups/${seg(faqGroupId)}/faqs`, signal);