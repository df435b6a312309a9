// What node parameters may refer to in the tenant (templates, interfaces, domains and their
// intents, flows, global variables), offered as suggestions in the inspector. A
// list that cannot be read just offers nothing: the validator still names unknown ones.
import { useEffect, useState } from "react";
import { listDomains, listFlowSummaries, listInterfaces, listTemplates, listVariables } from "../api/bots";
import type { Suggestion } from "./model/kinds";

export interface Catalogue {
  lists: Record<Suggestion, string[]>;
  /** Intent codes per domain name. */
  intents: Record<string, string[]>;
}

export const EMPTY_CATALOGUE: Catalogue = {
  lists: { templates: [], interfaces: [], domains: [], flows: [], faq: [], variables: [] },
  intents: {},
};

async function quietly<T>(load: Promise<T[]>): Promise<T[]> {
  try {
    return await load;
  } catch {
    return [];
  }
}

export function useCatalogue(tenantId: string | null, flowVariables: readonly string[]): Catalogue {
  const [loaded, setLoaded] = useState<Catalogue>(EMPTY_CATALOGUE);
  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    void Promise.all([
      quietly(listTemplates(signal)),
      quietly(listInterfaces(signal)),
      quietly(listDomains(signal)),
      quietly(listFlowSummaries(signal)),
      quietly(listVariables(signal)),
    ]).then(([templates, interfaces, domains, flows, variables]) => {
      if (signal.aborted) return;
      setLoaded({
        lists: {
          templates: templates.map((t) => t.name),
          interfaces: interfaces.map((i) => i.name),
          domains: domains.map((d) => d.name),
          flows: flows.map((f) => f.code),
          // Q&A groups are listed by the OIFDE API, which takes its own token, not the
          // console's session: no suggestions for them.
          faq: [],
          variables: variables.map((v) => `GLOBAL.${v.name}`),
        },
        intents: Object.fromEntries(domains.map((d) => [d.name, d.intents.map((i) => i.code)])),
      });
    });
    return () => controller.abort();
  }, [tenantId]);
  return {
    ...loaded,
    lists: { ...loaded.lists, variables: [...flowVariables.map((v) => `FLOW.${v}`), ...loaded.lists.variables] },
  };
}
