import { api, listAll, seg } from "./client";
import type { Page } from "./client";

/** A MetaStudio project of the tenant (its SK is never shown). */
export interface Project {
  projectId: string;
  name: string;
  accessKey: string;
  /** Concurrency granted to the project; null: no limit. */
  quota: number | null;
  createdAt: string;
}

export interface ProjectDetail extends Project {
  dialogs: number;
  allocatedConcurrency: number;
}

/** A dialog ("room"): where jobs (conversations with a visitor) run. */
export interface Dialog {
  dialogId: string;
  name: string;
  description: string | null;
  /** Jobs it may run at once; null: none set, so no job can start. */
  concurrency: number | null;
  applicationId: string | null;
  billingMode: string;
  defaultLanguage: string;
  exitMuteThreshold: number | null;
  lastJobStart: string | null;
  createTime: string;
  updateTime: string;
}

/** An application ("robot"): who answers in a dialog; type 30 = an OIAP access code's flows. */
export interface Application {
  applicationId: string;
  name: string;
  appType: number;
  appTypeName: string;
  accessCode: string | null;
  /** Type 30: whether the access code is bound in the tenant (a job needs it); else null. */
  accessCodeBound: boolean | null;
  dialogId: string | null;
  language: string | null;
  createTime: string;
  updateTime: string;
}

export interface Job {
  jobId: string;
  dialogId: string;
  applicationId: string | null;
  state: string;
  live: boolean;
  startTime: string | null;
  endTime: string | null;
  /** Seconds it ran (so far, when live). */
  duration: number;
  finishReason: string | null;
  error: { code: string; message: string | null } | null;
  clientId: string | null;
  createTime: string;
}

export interface ActivationCode {
  activationCodeId: string;
  activationCode: string;
  dialogId: string;
  applicationId: string;
  /** Days; 0 = never expires. */
  validPeriod: number;
  expireTime: string | null;
  createTime: string;
}

export interface DialogInput {
  name?: string;
  concurrency?: number | null;
  description?: string | null;
}

export interface ApplicationInput {
  name?: string;
  accessCode?: string;
}

const project = (projectId: string) => `/metastudio/projects/${seg(projectId)}`;

export const listProjects = (signal?: AbortSignal) => listAll<Project>("/metastudio/projects", signal);
export const getProject = (projectId: string, signal?: AbortSignal) => api.get<ProjectDetail>(project(projectId), { signal });

export const listDialogs = (projectId: string, signal?: AbortSignal) => listAll<Dialog>(`${project(projectId)}/dialogs`, signal);
export const createDialog = (projectId: string, input: DialogInput & { name: string }) => api.post<Dialog>(`${project(projectId)}/dialogs`, input);
export const updateDialog = (projectId: string, dialogId: string, changes: DialogInput) =>
  api.put<Dialog>(`${project(projectId)}/dialogs/${seg(dialogId)}`, changes);

export const listApplications = (projectId: string, signal?: AbortSignal) => listAll<Application>(`${project(projectId)}/applications`, signal);
export const createApplication = (projectId: string, input: { name: string; accessCode: string }) =>
  api.post<Application>(`${project(projectId)}/applications`, input);
export const updateApplication = (projectId: string, applicationId: string, changes: ApplicationInput) =>
  api.put<Application>(`${project(projectId)}/applications/${seg(applicationId)}`, changes);

/** The most recent jobs of a dialog, newest first (one page). */
export const listJobs = (projectId: string, dialogId: string, signal?: AbortSignal) =>
  api.get<Page<Job>>(`${project(projectId)}/dialogs/${seg(dialogId)}/jobs`, { query: { page_size: "20" }, signal });

/** The hosted dialog page's URL for a dialog and the application answering in it. */
export const createDialogUrl = (projectId: string, dialogId: string, applicationId: string) =>
  api.post<{ url: string }>(`${project(projectId)}/dialog-url`, { dialogId, applicationId });

export const createActivationCode = (projectId: string, dialogId: string, applicationId: string, validPeriod: number) =>
  api.post<ActivationCode>(`${project(projectId)}/activation-codes`, { dialogId, applicationId, validPeriod });
