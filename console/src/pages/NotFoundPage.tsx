import { Link } from "react-router-dom";
import { Notice, Page, PageHeader } from "../ui";
import { paths } from "../paths";

export function NotFoundPage() {
  return (
    <Page testId="not-found-page">
      <PageHeader title="Page not found" />
      <Notice kind="warning">
        There is no console page at this address. <Link to={paths.glance}>Go to the bots at a glance.</Link>
      </Notice>
    </Page>
  );
}
