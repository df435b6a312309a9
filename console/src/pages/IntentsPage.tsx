import { useSearchParams } from "react-router-dom";
import { listDomains } from "../api/bots";
import { useApi } from "../lib/useApi";
import { useSession } from "../session/SessionContext";
import { ApiView, Badge, Notice, Page, PageHeader, SelectField } from "../ui";
import { TryIt } from "./intents/TryIt";
import { IntentsCard } from "./intents/IntentsCard";
import { EvaluationCard } from "./intents/EvaluationCard";

/** Domains with their intents (examples, slots, replies), "try it", and cross-validation figures. */
export function IntentsPage() {
  const session = useSession();
  const state = useApi(listDomains, `domains:${session.tenantId}`);
  const [params, setParams] = useSearchParams();

  return (
    <Page testId="intents-page">
      <PageHeader title="Intents" description="What callers say, by domain: intents with their examples, slots and replies. Changes reach callers with the next publish of a flow that uses the domain." />
      <ApiView state={state}>
        {(domains) => {
          if (domains.length === 0) return <Notice>No domains yet. Add one in the bot folder and push it.</Notice>;
          const picked = domains.find((d) => d.name === params.get("domain")) ?? domains[0];
          return (
            <>
              <div className="row" style={{ alignItems: "flex-end" }}>
                <div style={{ width: 320 }}>
                  <SelectField
                    label="Domain"
                    value={picked.name}
                    options={domains.map((d) => ({ value: d.name, label: `${d.name} (${d.language})` }))}
                    onChange={(e) => setParams({ domain: e.target.value }, { replace: true })}
                    data-testid="domain-picker"
                  />
                </div>
                <Badge>{picked.language}</Badge>
                <Badge>threshold {picked.threshold}</Badge>
                {picked.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
              </div>
              <TryIt key={`try:${picked.name}`} domain={picked.name} />
              <IntentsCard key={`intents:${picked.name}:${JSON.stringify(picked.intents).length}`} domain={picked} canEdit={session.can("edit")} onSaved={state.reload} />
              <EvaluationCard key={`eval:${picked.name}:${JSON.stringify(picked.intents).length}`} domain={picked.name} />
            </>
          );
        }}
      </ApiView>
    </Page>
  );
}
