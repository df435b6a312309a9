// One dashboard card: a chart (or figures), "Export CSV" of the server's CSV of the same
// figure, and the figure's data as a table for reading without the picture.
import { useState, type ReactNode } from "react";
import { getFigureCsv, saveFile, type AnalyticsFilters, type FigureName } from "../../api/analytics";
import { toApiError } from "../../lib/useApi";
import { Button, Card, Table, useToast, type Column } from "../../ui";
import { csvName } from "./series";

export function ExportCsvButton({ figure, filters, more, label = "Export CSV", testId }: {
  figure: FigureName;
  filters: AnalyticsFilters;
  more?: Record<string, string | number | undefined>;
  label?: string;
  testId?: string;
}) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const exportCsv = async () => {
    setBusy(true);
    try {
      const text = await getFigureCsv(figure, filters, more);
      saveFile(csvName(figure, filters.from ?? "", filters.to ?? ""), text);
    } catch (cause) {
      toast.error(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button size="small" busy={busy} onClick={() => void exportCsv()} data-testid={testId ?? `an-export-${figure}`} aria-label={`${label}: ${figure}`}>
      {label}
    </Button>
  );
}

export function ChartCard<Row>({ title, figure, filters, children, table, testId }: {
  title: string;
  figure: FigureName;
  filters: AnalyticsFilters;
  children: ReactNode;
  table: { columns: Column<Row>[]; rows: Row[]; rowKey: (row: Row) => string };
  testId: string;
}) {
  return (
    <Card title={title} testId={testId} actions={<ExportCsvButton figure={figure} filters={filters} testId={`${testId}-csv`} />}>
      {children}
      <details className="an-table" data-testid={`${testId}-table-toggle`}>
        <summary>Data table: {title}</summary>
        <Table caption={title} testId={`${testId}-table`} empty="No data in this range." {...table} />
      </details>
    </Card>
  );
}

/** A labelled figure (label above the number), for totals that need no picture. */
export function Stat({ label, value, detail, testId }: { label: string; value: ReactNode; detail?: ReactNode; testId: string }) {
  return (
    <div className="an-stat">
      <dt>{label}</dt>
      <dd>
        <span className="an-stat-value" data-testid={testId}>
          {value}
        </span>
        {detail ? <span className="an-stat-detail muted"> {detail}</span> : null}
      </dd>
    </div>
  );
}
