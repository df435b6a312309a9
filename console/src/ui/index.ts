// The console's design system: import components from "../ui" (or "../../ui" from src/flow).
export { Button } from "./Button";
export type { ButtonProps, ButtonVariant } from "./Button";
export { TextField, TextAreaField, SelectField, Checkbox } from "./Field";
export type { SelectOption } from "./Field";
export { Loading, ErrorNotice, Notice, EmptyState } from "./Feedback";
export { Badge } from "./Badge";
export type { BadgeTone } from "./Badge";
export { Dialog, ConfirmDialog } from "./Dialog";
export { useToast } from "./toastContext";
export { ToastProvider } from "./Toasts";
export { ThemeToggle } from "./ThemeToggle";
export { Page, PageHeader, Card } from "./Page";
export { Table } from "./Table";
export type { Column } from "./Table";
export * from "./icons";
export { ApiView } from "./ApiSection";
