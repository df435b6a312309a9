import { useState } from "react";
import { TENANT_ROLES, listUsers, putUser } from "../api/users";
import type { ConsoleUser, TenantRole } from "../api/users";
import type { ApiError } from "../api/client";
import { toApiError, useApi } from "../lib/useApi";
import { formatTime } from "../lib/format";
import { ROLE_LABEL } from "../session/roles";
import { useSession } from "../session/SessionContext";
import { ApiView, Badge, Button, Card, Checkbox, ConfirmDialog, Dialog, ErrorNotice, IconPlus, Notice, Page, PageHeader, SelectField, Table, TextField, useToast } from "../ui";

interface UserForm {
  name: string;
  role: TenantRole;
  password: string;
  disabled: boolean;
  existing: boolean;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

function UserDialog({ form, onClose, onSaved }: { form: UserForm; onClose: () => void; onSaved: (user: ConsoleUser) => void }) {
  const [value, setValue] = useState(form);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const nameProblem = form.existing || !value.name || NAME_PATTERN.test(value.name) ? null : "Letters, digits and . _ @ - only; at most 64 characters.";
  const passwordMissing = !form.existing && !value.password;

  const submit = async () => {
    if (nameProblem || passwordMissing || !value.name) return;
    setBusy(true);
    setError(null);
    try {
      const change: { role: TenantRole; password?: string; disabled?: boolean } = { role: value.role };
      if (value.password) change.password = value.password;
      if (form.existing) change.disabled = value.disabled;
      onSaved(await putUser(value.name, change));
    } catch (cause) {
      setError(toApiError(cause));
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={form.existing ? `Change ${form.name}` : "Add a user"}
      onClose={onClose}
      onSubmit={submit}
      testId="user-dialog"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!!nameProblem || passwordMissing || !value.name} data-testid="user-save">
            {form.existing ? "Save" : "Add user"}
          </Button>
        </>
      }
    >
      <TextField label="Name" value={value.name} readOnly={form.existing} required autoComplete="off" error={nameProblem} onChange={(e) => setValue({ ...value, name: e.target.value })} data-testid="user-form-name" />
      <SelectField
        label="Role"
        value={value.role}
        options={TENANT_ROLES.map((role) => ({ value: role, label: ROLE_LABEL[role] }))}
        hint="Viewer reads; editor edits drafts and runs test calls; admin also publishes, routes, binds access codes and manages users."
        onChange={(e) => setValue({ ...value, role: e.target.value as TenantRole })}
        data-testid="user-form-role"
      />
      <TextField
        label={form.existing ? "New password" : "Password"}
        type="password"
        autoComplete="new-password"
        required={!form.existing}
        value={value.password}
        hint={form.existing ? "Leave empty to keep the password. A new one signs the user out everywhere." : "At least 10 characters."}
        onChange={(e) => setValue({ ...value, password: e.target.value })}
        data-testid="user-form-password"
      />
      {form.existing ? <Checkbox label="Disabled (cannot sign in; signed out now)" checked={value.disabled} onChange={(e) => setValue({ ...value, disabled: e.target.checked })} data-testid="user-form-disabled" /> : null}
      {error ? <ErrorNotice error={error} title="The user was not saved" /> : null}
    </Dialog>
  );
}

/** The tenant's console users (admin): list, add, change role or password, disable. */
export function UsersPage() {
  const session = useSession();
  const toast = useToast();
  const state = useApi(listUsers, `users:${session.tenantId}`);
  const [form, setForm] = useState<UserForm | null>(null);
  const [disabling, setDisabling] = useState<ConsoleUser | null>(null);
  const [disableError, setDisableError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  if (!session.can("manageUsers")) {
    return (
      <Page testId="users-page">
        <PageHeader title="Users" />
        <Notice kind="warning" testId="users-not-allowed">
          Managing users needs the admin role.
        </Notice>
      </Page>
    );
  }

  const disable = async (user: ConsoleUser) => {
    setBusy(true);
    setDisableError(null);
    try {
      await putUser(user.name, { role: user.role as TenantRole, disabled: true });
      toast.success(`${user.name} is disabled and signed out.`);
      setDisabling(null);
      state.reload();
    } catch (cause) {
      setDisableError(toApiError(cause));
    } finally {
      setBusy(false);
    }
  };

  const enable = async (user: ConsoleUser) => {
    try {
      await putUser(user.name, { role: user.role as TenantRole, disabled: false });
      toast.success(`${user.name} may sign in again.`);
      state.reload();
    } catch (cause) {
      toast.error(cause);
    }
  };

  return (
    <Page testId="users-page">
      <PageHeader
        title="Users"
        description="Who may sign in to the console for this tenant, and with which role."
        actions={
          <Button variant="primary" icon={<IconPlus />} onClick={() => setForm({ name: "", role: "viewer", password: "", disabled: false, existing: false })} data-testid="user-new">
            Add a user
          </Button>
        }
      />
      <ApiView state={state}>
        {(users) => (
          <Card>
            <Table
              caption="Console users"
              testId="users-table"
              rows={users}
              rowKey={(user) => user.name}
              rowTestId={(user) => `user-row-${user.name}`}
              empty="No users yet."
              columns={[
                { key: "name", header: "Name", render: (user) => (user.name === session.user.name ? <span>{user.name} <span className="muted">(you)</span></span> : user.name) },
                { key: "role", header: "Role", render: (user) => <Badge tone="primary">{ROLE_LABEL[user.role] ?? user.role}</Badge> },
                { key: "status", header: "Status", render: (user) => (user.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>) },
                { key: "created", header: "Created", render: (user) => formatTime(user.createdAt) },
                { key: "password", header: "Password set", render: (user) => formatTime(user.passwordSetAt) },
                {
                  key: "actions",
                  header: <span className="visually-hidden">Actions</span>,
                  className: "actions",
                  render: (user) =>
                    user.role === "platform" ? null : (
                      <span className="row-end">
                        <Button
                          size="small"
                          aria-label={`Change ${user.name}`}
                          onClick={() => setForm({ name: user.name, role: user.role as TenantRole, password: "", disabled: user.disabled, existing: true })}
                          data-testid={`user-edit-${user.name}`}
                        >
                          Change
                        </Button>
                        {user.disabled ? (
                          <Button size="small" variant="ghost" aria-label={`Enable ${user.name}`} onClick={() => enable(user)} data-testid={`user-enable-${user.name}`}>
                            Enable
                          </Button>
                        ) : (
                          <Button
                            size="small"
                            variant="ghost"
                            aria-label={`Disable ${user.name}`}
                            disabled={user.name === session.user.name}
                            onClick={() => {
                              setDisableError(null);
                              setDisabling(user);
                            }}
                            data-testid={`user-disable-${user.name}`}
                          >
                            Disable
                          </Button>
                        )}
                      </span>
                    ),
                },
              ]}
            />
          </Card>
        )}
      </ApiView>
      {form ? (
        <UserDialog
          form={form}
          onClose={() => setForm(null)}
          onSaved={(user) => {
            toast.success(form.existing ? `${user.name} saved.` : `${user.name} added as ${ROLE_LABEL[user.role] ?? user.role}.`);
            setForm(null);
            state.reload();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={disabling !== null}
        title={disabling ? `Disable ${disabling.name}?` : ""}
        confirmLabel="Disable"
        danger
        busy={busy}
        onCancel={() => setDisabling(null)}
        onConfirm={() => disabling && disable(disabling)}
        testId="disable-user-dialog"
      >
        {disabling ? (
          <>
            <p>{disabling.name} is signed out at once and cannot sign in until enabled again.</p>
            {disableError ? <ErrorNotice error={disableError} title="Nothing changed" /> : null}
          </>
        ) : null}
      </ConfirmDialog>
    </Page>
  );
}
